// A value for an attribute of the Clinical Trial modules (group 0012: Sponsor
// Name, Protocol ID, Site ID, Subject ID, Time Point ID, ...) written without
// `create` changes only the objects that already have it, and images from a
// hospital almost never do: the sponsor's IDs are added when the data enter
// the trial. So `ClinicalTrialSiteID -> "01"` usually does nothing at all,
// silently. Either verb says what was meant: `create` adds the attribute,
// `set` changes only the objects that have it. The attributes deidc itself
// writes (Patient Identity Removed, De-identification Method and its code
// sequence) are not values a profile adds.

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import { TEXT_VRS } from "../../dicom/vr";
import type { Selector } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

const DEIDC_MARKERS: ReadonlySet<number> = new Set([0x00120062, 0x00120063, 0x00120064]);

/** The Clinical Trial attribute a selector names at the top level (a keyword or exact tag, one step), or null. */
function trialAttribute(sel: Selector): string | null {
  if (sel.kind !== "PathSelector" || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  if (step.kind !== "ElementStep" || step.item !== null) return null;
  const el = step.element;
  const entry = el.kind === "KeywordRef" ? lookupKeyword(el.keyword) : el.kind === "TagRef" && el.mask === 0xffffffff ? lookupTag(el.value) : undefined;
  if (!entry || /X/i.test(entry.tag)) return null;
  const tag = parseInt(entry.tag, 16);
  if (tag >>> 16 !== 0x0012 || DEIDC_MARKERS.has(tag)) return null;
  // `create` could not add it either: a sequence, or a VR that holds no text value.
  if (entry.vrs.includes("SQ") || !entry.vrs.some((vr) => TEXT_VRS.has(vr) || vr === "IS" || vr === "DS")) return null;
  return entry.keyword;
}

export function TrialAttributeCreateRule(ctx: CheckContext): Visitor {
  return {
    Rule(node) {
      if (ctx.file.fromStdlib) return;
      const a = node.action;
      // No verb written: a SetAction whose span starts at its value, a LookupAction with no mode.
      const unstated = (a.kind === "SetAction" && a.mode === undefined && a.span.start === a.value.span.start) || (a.kind === "LookupAction" && a.mode === undefined);
      if (!unstated) return;
      for (const sel of node.selectors) {
        const keyword = trialAttribute(sel);
        if (keyword === null) continue;
        ctx.report("DEID3029", sel.span, `\`${keyword}\` gets a value only in objects that have it, and images from a hospital seldom carry the Clinical Trial attributes`, {
          help: `write \`create\` before the value to add it where it is missing (\`${keyword} -> create ...\`), or \`set\` to say that only objects that have it change`,
          fix: { description: "add the attribute where it is missing (`create`)", file: ctx.file.path, span: { start: a.span.start, end: a.span.start }, text: "create " },
        });
        return;
      }
    },
  };
}
