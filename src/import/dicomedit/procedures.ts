// DicomEdit functions called as statements: retainPrivateTags,
// removeAllPrivateTags, set, alterPixels, delete, hashUIDList, blankValues,
// shiftDateTimeSequenceByIncrement and mapReferencedUIDs.

import { listed } from "../../diagnostics/wording";
import { ImportCode } from "../codes";
import { type DeSelector, selectorOf } from "./paths";
import { type DeStatement, type DeTagPath, type DeValue, readDicomEditScript } from "./script";
import { translateAssignment } from "./assignment";
import { valueExpression } from "./expressions";
import { conjoin, type Translation } from "./translation";
import { quarantineUnknownFunction } from "./value-functions";

/** The reason a retained private element is kept: the script's own `retainPrivateTags`, which a reviewer reads. */
const RETAINED = "named in the DicomEdit script's retainPrivateTags";

export function translateProcedure(translation: Translation, s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
  switch (s.name) {
    case "retainPrivateTags": {
      if (guard.length > 0) {
        translation.unsupported(s, guard, "keeps private elements only when a condition holds; `private *` takes no condition in this import", null);
        return;
      }
      const retained: DeSelector[] = [];
      for (const a of s.args) {
        const text = a.kind === "string" ? a.text : null;
        const parsed = text === null ? null : readDicomEditScript(`${text} := ""`, () => s.line);
        const path = parsed?.ok && parsed.statements[0]?.kind === "assign" ? parsed.statements[0].target : null;
        const sel = path ? selectorOf(path) : null;
        if (!sel?.ok || !sel.value.isPrivate) {
          translation.note(s, ImportCode.notExpressible, `retainPrivateTags: \`${text ?? "?"}\` is not a private tag path; it is not kept`);
          continue;
        }
        retained.push(sel.value);
      }
      const keptSelectors = new Set(retained.map((r) => r.selector));
      // Statements run in order: after an earlier removal of every private element, only what a
      // statement since then wrote (or an earlier retainPrivateTags kept) is left to retain.
      const removedBefore = translation.privateRule;
      removeAllPrivate(translation, s, guard, keptSelectors);
      for (const sel of retained) {
        // An element an earlier statement changed is kept as that statement left it, as DicomEdit keeps it.
        const earlier = translation.ops.get(sel.selector);
        if (!earlier || earlier.length === 0) {
          if (removedBefore) {
            // A family (`XX`) keeps what statements since the removal wrote in it: their own rules stay.
            const written = [...translation.ops.keys()].filter((w) => retains(sel.selector, w));
            translation.note(
              s,
              ImportCode.overridden,
              written.length > 0
                ? `retainPrivateTags keeps ${sel.selector}, but ${removedBefore.statement} (line ${removedBefore.line}) removed it before: only ${listed(written)}, written since, stay, as in DicomEdit`
                : `retainPrivateTags keeps ${sel.selector}, but ${removedBefore.statement} (line ${removedBefore.line}) removed it before; it stays removed, as in DicomEdit`,
            );
            continue;
          }
          translation.addOp(sel, "keep", [], s, undefined, RETAINED);
        } else if (earlier[earlier.length - 1]!.guard.length > 0 && !(removedBefore && earlier.every((op) => op.guard.length > 0))) {
          // Where the conditions fail, the element is as the earlier statements left it: kept, unless
          // removed before them all.
          translation.addBaseOp(sel, "keep", s, RETAINED);
        }
      }
      return;
    }
    case "removeAllPrivateTags":
      removeAllPrivate(translation, s, guard);
      return;
    case "set": {
      const path = s.args[0]?.kind === "string" ? readDicomEditScript(`${s.args[0].text} := ""`, () => s.line) : null;
      if (!path?.ok || path.statements[0]?.kind !== "assign" || !s.args[1]) {
        translation.unsupported(s, guard, "calls set with arguments the import cannot read", null);
        return;
      }
      translateAssignment(translation, { ...s, kind: "assign", target: path.statements[0].target, value: s.args[1], ifExists: false }, guard);
      return;
    }
    case "alterPixels":
      alterPixels(translation, s, guard);
      return;
    case "delete": {
      // delete["(gggg,eeee)/..."]: a deletion whose path is a string.
      for (const a of s.args) {
        const parsed = a.kind === "string" ? readDicomEditScript(`-${a.text}`, () => s.line) : null;
        const statement = parsed?.ok ? parsed.statements[0] : undefined;
        if (statement?.kind !== "delete") {
          translation.unsupported(s, guard, "deletes an argument that is not a tag path string", null);
          continue;
        }
        const sel = translation.target(statement.target, s);
        if (sel) translation.addOp(sel, "remove", guard, s);
      }
      return;
    }
    case "hashUIDList":
      // DicomEdit 6.6: hashUID of each listed element, in place (lists and list variables flattened).
      for (const a of translation.flatten(s.args)) {
        const sel = a.kind === "tag" ? translation.target(a.path, s) : null;
        if (!sel) {
          if (a.kind !== "tag") translation.unsupported(s, guard, "lists an argument that is not a tag path", null);
          continue;
        }
        translation.addOp(sel, "U", guard, s);
      }
      translation.note(s, ImportCode.keyedUid, "DicomEdit's hashUID is an unkeyed name-based UUID under 2.25; the import writes `U`, deidc's keyed 2.25 UID, the same for the same UID in every file");
      return;
    case "blankValues": {
      // DicomEdit 6.6 blanks every element, at any depth and private ones too, whose value equals one of the
      // arguments' values (an attribute stands for its value), keeping the element and its VR; a value no element
      // holds changes nothing. `any where value == ...` says the same of the elements no more specific rule names.
      for (const { value: a, written } of blankedValues(translation, s.args, translation.written)) {
        const value = valueExpression(translation, a, s, { guard, atRoot: true }, "value", written);
        if (!value.ok) {
          translation.unsupported(s, guard, `(blankValues) ${value.reason}`, null);
          continue;
        }
        const selector: DeSelector = { selector: `any where value == ${value.text}`, topLevelTag: null, tag: null, isPrivate: false, wildcard: true, vrs: [] };
        translation.addOp(selector, "empty", guard, s);
      }
      return;
    }
    case "shiftDateTimeSequenceByIncrement":
      shiftDateTimeSequence(translation, s, guard);
      return;
    case "mapReferencedUIDs":
      mapReferencedUids(translation, s, guard);
      return;
    default: {
      const known = ["lowercase", "uppercase", "format", "concatenate", "hashUID", "replace", "substring", "getURL", "lookup", "match", "ismatch", "shiftDateByIncrement", "shiftDateTimeByIncrement", "isPresent", "alterPN", "collectValues"];
      if (known.includes(s.name)) {
        translation.comment(`${translation.origin(s)} ${s.text}: a function whose value nothing uses; it changes nothing`);
        translation.note(s, ImportCode.noEffect, `\`${s.text}\` computes a value that no statement uses, so it changes nothing in DicomEdit, and nothing is imported`);
        return;
      }
      quarantineUnknownFunction(translation, { kind: "call", name: s.name, args: s.args, text: s.text }, s, guard);
    }
  }
}

/** The tag path a string argument holds (DicomEdit reads it as a DicomEdit 6 path), or null. */
function pathArgument(translation: Translation, a: DeValue, s: DeStatement): DeTagPath | null {
  const text = translation.literalOf(a);
  const parsed = text === null ? null : readDicomEditScript(`-${text}`, () => s.line);
  const statement = parsed?.ok ? parsed.statements[0] : undefined;
  return statement?.kind === "delete" ? statement.target : null;
}

/**
 * shiftDateTimeSequenceByIncrement[seconds, "path", ...]: DicomEdit visits every element, at any depth, that
 * one of the path strings matches and moves its value, read as a DT, by the increment in seconds (there is no
 * unit argument). A whole number of days is deidc's `shift` on each path.
 */
function shiftDateTimeSequence(translation: Translation, s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
  const [increment, ...paths] = translation.flatten(s.args);
  const text = increment ? translation.literalOf(increment) : null;
  if (text === null || !/^[+-]?\d+$/.test(text.trim()) || paths.length === 0) {
    translation.unsupported(s, guard, "(shiftDateTimeSequenceByIncrement) takes an increment in whole seconds and one or more tag path strings, which these arguments are not", null);
    return;
  }
  const seconds = parseInt(text.trim(), 10);
  // Where the shift is not whole days, the element is removed rather than kept with its real date-time.
  const notWholeDays = seconds % 86400 !== 0 ? `(shiftDateTimeSequenceByIncrement) moves date-times by ${seconds} seconds, not a whole number of days (86400 seconds), and deidc's \`shift\` moves dates by whole days` : null;
  for (const a of paths) {
    const path = pathArgument(translation, a, s);
    if (!path) {
      translation.unsupported(s, guard, `(shiftDateTimeSequenceByIncrement) has the argument \`${a.kind === "string" ? a.text : "?"}\`, which is not a tag path string`, null);
      continue;
    }
    const sel = translation.target(path, s);
    if (!sel) continue;
    if (notWholeDays) {
      translation.unsupported(s, guard, notWholeDays, sel);
      continue;
    }
    // DicomEdit reads whatever value the path matches as a DT; a TM or a text value is no date-time to it.
    if (sel.tag !== null && !sel.vrs.some((vr) => vr === "DA" || vr === "DT")) {
      translation.unsupported(s, guard, `(shiftDateTimeSequenceByIncrement) shifts ${sel.selector}, whose VR is ${sel.vrs.join("/")}, reading its value as a date-time; deidc shifts only DA and DT values`, sel);
      continue;
    }
    translation.addOp(sel, `shift(${seconds / 86400})`, guard, s);
  }
}

/**
 * mapReferencedUIDs["prefix", "path", ...]: DicomEdit replaces the UID in every element one of the path strings
 * matches by a new random UID under the prefix, the same new UID for the same old one while XNAT runs. deidc's
 * `U` on each path keeps those links too, in every file and every run with the same key.
 */
function mapReferencedUids(translation: Translation, s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
  const [prefix, ...paths] = translation.flatten(s.args);
  if (!prefix || translation.literalOf(prefix) === null || paths.length === 0) {
    translation.unsupported(s, guard, "(mapReferencedUIDs) takes a UID prefix and one or more tag path strings, which these arguments are not", null);
    return;
  }
  let mapped = false;
  for (const a of paths) {
    const path = pathArgument(translation, a, s);
    if (!path) {
      translation.unsupported(s, guard, `(mapReferencedUIDs) has the argument \`${a.kind === "string" ? a.text : "?"}\`, which is not a tag path string`, null);
      continue;
    }
    const sel = translation.target(path, s);
    if (!sel) continue;
    translation.addOp(sel, "U", guard, s);
    mapped = true;
  }
  if (mapped) {
    translation.note(s, ImportCode.keyedUid, `DicomEdit's mapReferencedUIDs writes a new random UID under the prefix \`${translation.literalOf(prefix)}\`, the same for the same UID only while XNAT runs; the import writes \`U\`, deidc's keyed 2.25 UID, the same for the same UID in every file and run with the same key (the prefix is not kept)`);
  }
}

/** alterPixels["rectangle", "l=x0, t=y0, r=x1, b=y1", "solid", "v=n"]: fill a rectangle. */
function alterPixels(translation: Translation, s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
  const [shape, bounds, fill, fillValue] = s.args.map((a) => translation.literalOf(a));
  const coords = new Map<string, number>();
  for (const part of (bounds ?? "").split(",")) {
    const m = /^\s*([ltrb])\s*=\s*(\d+)\s*$/i.exec(part);
    if (m) coords.set(m[1]!.toLowerCase(), parseInt(m[2]!, 10));
  }
  const value = /^\s*v\s*=\s*(\d+)\s*$/i.exec(fillValue ?? "v=0");
  const [l, t, r, b] = ["l", "t", "r", "b"].map((k) => coords.get(k));
  if (shape?.toLowerCase() !== "rectangle" || (fill ?? "solid").toLowerCase() !== "solid" || l === undefined || t === undefined || r === undefined || b === undefined || r <= l || b <= t || !value) {
    translation.unsupported(s, guard, "alters pixels in a way other than a solid rectangle with l, t, r, b bounds", null);
    return;
  }
  const fillText = value[1] === "0" ? "" : ` fill ${value[1]}`;
  // DicomEdit's l, t, r, b are the rectangle's corners, as `from ... to` writes them.
  translation.timeline.push({ kind: "pixels", when: conjoin(guard), because: "imported from DicomEdit alterPixels", regions: [`blank from (${l}, ${t}) to (${r}, ${b})${fillText}`], origin: translation.origin(s) });
}

/**
 * The values blankValues blanks: lists and variables opened, and `collectValues[a, ...]` (DicomEdit 6.6's list of
 * its arguments' values, taken when the variable holding it is set) opened into its arguments, each with the
 * top-level tags written before its value was taken.
 */
function blankedValues(translation: Translation, values: readonly DeValue[], written: ReadonlyMap<number, number>): { value: DeValue; written: ReadonlyMap<number, number> }[] {
  const out: { value: DeValue; written: ReadonlyMap<number, number> }[] = [];
  for (const v of values) {
    const bound = v.kind === "variable" ? translation.variables.get(v.name) : undefined;
    if (bound?.kind === "value") out.push(...blankedValues(translation, [bound.value], bound.written));
    else if (v.kind === "list") out.push(...blankedValues(translation, v.items, written));
    else if (v.kind === "call" && v.name === "collectValues") out.push(...blankedValues(translation, v.args, written));
    else out.push({ value: v, written });
  }
  return out;
}

const PRIVATE_SELECTOR = /^(.*\([0-9A-Fa-f]{4},".*",)([0-9A-Fa-fx]{2})\)$/;

/**
 * Whether a retained private selector keeps the element another selector names: the same, or one of
 * its family (`(0029,"CREATOR",xx)` retains `(0029,"CREATOR",10)`; an `x` stands for any digit).
 */
function retains(retained: string, selector: string): boolean {
  if (retained === selector) return true;
  const r = PRIVATE_SELECTOR.exec(retained);
  const s = PRIVATE_SELECTOR.exec(selector);
  if (!r || !s || r[1] !== s[1]) return false;
  const want = r[2]!.toLowerCase();
  const have = s[2]!.toLowerCase();
  for (let i = 0; i < 2; i++) if (want[i] !== "x" && want[i] !== have[i]) return false;
  return true;
}

/**
 * `removeAllPrivateTags`, and `retainPrivateTags[...]` for every private element but the `retained`
 * selectors: `private * -> remove`, and earlier statements' changes of other private elements replaced.
 */
export function removeAllPrivate(translation: Translation, s: DeStatement, guard: string[], retained: ReadonlySet<string> = new Set()): void {
  if (guard.length > 0) {
    translation.unsupported(s, guard, "removes private elements only when a condition holds; `private *` takes no condition in this import", null);
    return;
  }
  const statement = s.kind === "procedure" ? s.name : "removeAllPrivateTags";
  // Private elements an earlier statement set are removed too.
  for (const [selector, list] of translation.ops) {
    if (!list[0]!.selector.isPrivate || [...retained].some((r) => retains(r, selector))) continue;
    for (const op of list) {
      translation.findings.add(op.source, ImportCode.overridden, op.statement.span, `${statement} (line ${s.line}) removes ${selector} afterwards, as in DicomEdit`);
      translation.comment(`${op.origin} replaced by ${translation.origin(s)} (every private element removed): ${op.statement.text}`);
    }
    translation.ops.delete(selector);
  }
  translation.privateRule = { action: "remove", origin: translation.origin(s), statement, line: s.line };
}
