// DicomEdit tag paths as .deid selectors and attribute references.
//
// A DicomEdit path starts at the top-level dataset: `(0010,0010)` is the
// patient's name at the top level only, so it becomes `/PatientName`. The
// level wildcards become path steps: `*` (any number of sequence levels,
// none included) is `**`, or nothing at the start, where an unanchored
// deidc selector already matches at any depth; `.` (exactly one level) is
// `*`; `+` (at least one) is `*/**`. An item index `[n]` stays `[n]`, `[%]`
// (any item) is the default and is dropped. Digit wildcards stay as they
// are: `X` any hex digit (written `x`), `@` an even and `#` an odd digit.

import { lookupTag } from "../../dicom/dictionary";
import { LANGUAGE_FEATURES } from "../features";
import { attributeText, quote, tagText } from "../syntax";
import type { DeStep, DeTagPath } from "./script";

export interface DeSelector {
  /** the selector text */
  selector: string;
  /** a single standard attribute at the top level, with no wildcard: the one kind `create` can add */
  topLevelTag: number | null;
  /** the last step's tag when it has no wildcard and is standard */
  tag: number | null;
  /** the last step names a private attribute */
  isPrivate: boolean;
  /** the path holds a wildcard (digit, level or item) */
  wildcard: boolean;
  /** VRs of the last element per the dictionary (UN when unknown or private) */
  vrs: string[];
}

export type SelectorResult = { ok: true; value: DeSelector } | { ok: false; reason: string };

export function selectorOf(path: DeTagPath): SelectorResult {
  const parts: string[] = [];
  let anchored = true;
  let wildcard = false;
  const steps = path.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const first = i === 0;
    if (step.kind === "levels") {
      wildcard = true;
      if (i === steps.length - 1) return { ok: false, reason: `the path \`${path.text}\` ends with a level wildcard instead of an element` };
      if (step.wildcard === "*") {
        if (first) anchored = false;
        else parts.push("**");
      } else if (!LANGUAGE_FEATURES.oneLevelStep) {
        return { ok: false, reason: `the level wildcard \`${step.wildcard}\` in \`${path.text}\` needs the path step \`*\`, which this deidc release does not have` };
      } else if (step.wildcard === ".") parts.push("*");
      else parts.push("*", "**");
      continue;
    }
    const element = elementText(step);
    if (!element.ok) return element;
    if (element.wildcard) wildcard = true;
    let text = element.text;
    if (step.item === "any") wildcard = true;
    else if (step.item !== null) text += `[${step.item}]`;
    parts.push(text);
  }
  // Two `**` in a row say no more than one.
  const compact = parts.filter((p, i) => !(p === "**" && parts[i - 1] === "**"));
  const last = steps[steps.length - 1]!;
  const lastElement = last.kind === "element" ? last : null;
  const tag = lastElement && lastElement.creator === null && /^[0-9A-Fa-f]{4}$/.test(lastElement.group) && /^[0-9A-Fa-f]{4}$/.test(lastElement.element) ? parseInt(lastElement.group + lastElement.element, 16) : null;
  const isPrivate = lastElement !== null && isOddGroup(lastElement.group);
  const selector = (anchored ? "/" : "") + compact.join("/");
  const topLevelTag = anchored && steps.length === 1 && tag !== null && !isPrivate && lookupTag(tag) !== undefined && !wildcard ? tag : null;
  const vrs = tag !== null && !isPrivate ? (lookupTag(tag)?.vrs ?? ["UN"]) : ["UN"];
  return { ok: true, value: { selector, topLevelTag, tag: isPrivate ? null : tag, isPrivate, wildcard, vrs } };
}

function isOddGroup(group: string): boolean {
  const last = group[3]!;
  if (last === "#") return true;
  if (/[Xx@]/.test(last)) return false;
  return parseInt(last, 16) % 2 === 1;
}

function elementText(step: Extract<DeStep, { kind: "element" }>): { ok: true; text: string; wildcard: boolean } | { ok: false; reason: string } {
  const group = step.group.replace(/x/g, "X");
  const element = step.element.replace(/x/g, "X");
  const wildcard = /[X@#]/.test(group + element);
  if (/[@#]/.test(group + element) && !LANGUAGE_FEATURES.digitWildcards) {
    return { ok: false, reason: `the even/odd digit wildcards in \`${step.text}\` need \`@\`/\`#\` in tags, which this deidc release does not have` };
  }
  if (step.creator !== null) {
    if (/[X@#]/.test(group)) return { ok: false, reason: `the private tag \`${step.text}\` has a wildcard in its group, which a private selector cannot have` };
    if (/^XX$/.test(element)) return { ok: true, text: `(${group.toUpperCase()},${quote(step.creator)},xx)`, wildcard: true };
    if (/[X@#]/.test(element)) return { ok: false, reason: `the private tag \`${step.text}\` has a partial wildcard in its element offset` };
    return { ok: true, text: `(${group.toUpperCase()},${quote(step.creator)},${element.toUpperCase()})`, wildcard: false };
  }
  if (wildcard) return { ok: true, text: `(${lowerX(group)},${lowerX(element)})`, wildcard: true };
  const tag = parseInt(group + element, 16);
  // A tag the dictionary does not list is written as a one-tag range, which lints clean.
  if (!lookupTag(tag) && !isOddGroup(group)) return { ok: true, text: `${tagText(tag)}..${tagText(tag)}`, wildcard: false };
  return { ok: true, text: isOddGroup(group) ? tagText(tag) : attributeText(tag), wildcard: false };
}

function lowerX(text: string): string {
  return text.toUpperCase().replace(/X/g, "x");
}

/** An attribute a condition or value can read: a single standard top-level element. */
export function readableTag(path: DeTagPath): number | null {
  if (path.steps.length !== 1) return null;
  const s = path.steps[0]!;
  if (s.kind !== "element" || s.creator !== null || s.item !== null) return null;
  if (!/^[0-9A-Fa-f]{4}$/.test(s.group) || !/^[0-9A-Fa-f]{4}$/.test(s.element) || isOddGroup(s.group)) return null;
  const tag = parseInt(s.group + s.element, 16);
  return lookupTag(tag) ? tag : null;
}
