// `create` adds an attribute the object lacks, so it must name one standard
// top-level attribute whose VR the dictionary gives (a keyword or exact tag,
// optionally anchored: `/ClinicalTrialSiteID`), never a path into items, a
// family of tags, a private element or a sequence. `append` adds a value, so
// its attribute must allow more than one (PS3.6 VM other than 1).

import { lookupKeyword, lookupTag, type DictEntry } from "../../dicom/dictionary";
import { TEXT_VRS } from "../../dicom/vr";
import type { Selector } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

/** The one standard attribute a selector names, wherever it may be, or null. */
function namedAttribute(sel: Selector): DictEntry | null {
  if (sel.kind !== "PathSelector") return null;
  const last = sel.steps[sel.steps.length - 1];
  if (!last || last.kind !== "ElementStep") return null;
  const el = last.element;
  const entry = el.kind === "KeywordRef" ? lookupKeyword(el.keyword) : el.kind === "TagRef" && el.mask === 0xffffffff ? lookupTag(el.value) : undefined;
  // A repeating-group keyword (OverlayData is (60xx,3000)) names a family of tags.
  return entry && !/X/i.test(entry.tag) ? entry : null;
}

/** Does the selector reach the top-level dataset: one step, no item index? */
function topLevel(sel: Selector): boolean {
  return sel.kind === "PathSelector" && sel.steps.length === 1 && sel.steps[0]!.kind === "ElementStep" && sel.steps[0]!.item === null;
}

export function CreateAppendRule(ctx: CheckContext): Visitor {
  return {
    Rule(node) {
      const a = node.action;
      if (a.kind !== "SetAction" || !a.mode) return;
      for (const sel of node.selectors) {
        const entry = namedAttribute(sel);
        if (a.mode === "create") {
          if (entry === null || !topLevel(sel)) {
            ctx.report("DEID2016", sel.span, "`create` adds one standard attribute to the top-level dataset: name it by keyword or tag, with no path", {
              help: "write `ClinicalTrialSiteID -> create \"S01\"` or `/ClinicalTrialSiteID -> create \"S01\"`; to change values wherever they are, use `set`",
            });
          } else if (entry.vrs.includes("SQ") || !entry.vrs.some((vr) => TEXT_VRS.has(vr) || vr === "IS" || vr === "DS")) {
            ctx.report("DEID2016", sel.span, `\`create\` writes a value, but \`${entry.keyword}\` is ${entry.vrs.join("/")}`);
          }
        } else if (entry === null) {
          ctx.report("DEID2016", sel.span, "`append` adds a value to one attribute: name it by keyword or tag", {
            help: "write `ImageType -> append \"DERIVED\"`",
          });
        } else if (/^\d+$/.test(entry.vm) || !entry.vrs.some((vr) => TEXT_VRS.has(vr) || vr === "IS" || vr === "DS")) {
          // A fixed VM (1, or 2 as PixelSpacing) can never take one more value.
          const holds = entry.vm === "1" ? "one value (VM 1)" : /^\d+$/.test(entry.vm) ? `exactly ${entry.vm} values (VM ${entry.vm})` : `${entry.vrs.join("/")} data`;
          ctx.report("DEID2016", sel.span, `\`append\` adds a value, but \`${entry.keyword}\` holds ${holds}`, {
            help: "use `set` to replace the value",
          });
        } else if (/^(\d+)-\1n$/.test(entry.vm) && entry.vm !== "1-1n") {
          // VM 2-2n, 3-3n: values come in pairs or triples; one more breaks the grouping.
          ctx.report("DEID2016", sel.span, `\`append\` adds one value, but \`${entry.keyword}\` holds values in groups (VM ${entry.vm})`, {
            help: "use `set` to write the whole value",
          });
        }
      }
    },
  };
}
