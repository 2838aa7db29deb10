// `create` adds an attribute the object lacks, so it must name one standard
// top-level attribute whose VR the dictionary gives (a keyword or exact tag,
// optionally anchored: `/ClinicalTrialSiteID`), never a path into items, a
// family of tags, a private element or a sequence. `create lookup(...)` adds
// the table's value, and on a miss what its `else` says: a value, nothing
// (`remove`, `keep`), another lookup or `quarantine`; a dummy, an empty value,
// a clean or a UID of an attribute the object lacks means nothing, so those
// are refused. `append` adds a value, so its attribute must allow more than
// one (PS3.6 VM other than 1).

import { lookupKeyword, lookupTag, type DictEntry } from "../../dicom/dictionary";
import { TEXT_VRS } from "../../dicom/vr";
import type { Action, LookupAction, QuarantineMiss, Selector } from "../../syntax/ast";
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

/** The first `else` of a `create lookup` (or of a lookup nested in it) that cannot say what to add on a miss. */
export function missWithoutValue(a: LookupAction): Action | null {
  const otherwise: Action | QuarantineMiss = a.otherwise;
  switch (otherwise.kind) {
    case "QuarantineMiss":
      return null;
    case "SetAction":
      return otherwise.mode === "append" ? otherwise : null;
    case "CodeAction":
      return otherwise.code === "X" || otherwise.code === "K" ? null : otherwise;
    case "LookupAction":
      return missWithoutValue(otherwise);
    default:
      return otherwise;
  }
}

const APPEND_LOOKUP = "`append` adds a value, and a lookup replaces one: `append lookup(...)` has no meaning";
const APPEND_LOOKUP_HELP = "write `lookup(...)` to replace the value, or `create lookup(...)` to also add it where the object lacks it";

export function CreateAppendRule(ctx: CheckContext): Visitor {
  /** `append` on the attributes the selectors name, wherever the `append` is (the rule's action or a lookup's `else`). */
  const checkAppend = (selectors: readonly Selector[]): void => {
    for (const sel of selectors) {
      const entry = namedAttribute(sel);
      if (entry === null) {
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
  };
  return {
    Rule(node) {
      const a = node.action;
      if (a.kind === "LookupAction" && a.mode === "append") {
        ctx.report("DEID2016", a.span, APPEND_LOOKUP, { help: APPEND_LOOKUP_HELP });
        return;
      }
      const createsHere = a.kind === "LookupAction" && a.mode === "create";
      // Verbs in a lookup's `else`: `append` as on the rule's own action; `create` only where the rule creates.
      let inner: Action | QuarantineMiss | null = a.kind === "LookupAction" ? a.otherwise : null;
      let appendInElse = false;
      while (inner !== null && inner.kind !== "QuarantineMiss") {
        if (inner.kind === "LookupAction" && inner.mode === "append") ctx.report("DEID2016", inner.span, APPEND_LOOKUP, { help: APPEND_LOOKUP_HELP });
        else if ((inner.kind === "SetAction" || inner.kind === "LookupAction") && inner.mode === "create" && !createsHere) {
          ctx.report("DEID2016", inner.span, "`create` in the `else` of a lookup without `create` adds nothing: only the rule's own action adds an attribute the object lacks", {
            help: "write `create` before the first `lookup` (`X -> create lookup(...) else ...`), or drop it here",
          });
        } else if (inner.kind === "SetAction" && inner.mode === "append") appendInElse = true;
        inner = inner.kind === "LookupAction" ? inner.otherwise : null;
      }
      // Under `create lookup`, missWithoutValue reports an `else append`.
      if (appendInElse && !createsHere) checkAppend(node.selectors);
      const mode = a.kind === "SetAction" || a.kind === "LookupAction" ? a.mode : undefined;
      if (!mode || mode === "set") return;
      if (a.kind === "LookupAction") {
        const miss = missWithoutValue(a);
        if (miss) {
          ctx.report("DEID2016", miss.span, "on a miss, `create lookup(...)` adds what its `else` gives: a value, or nothing (`remove`), or the object is quarantined", {
            help: 'write `else "UNLISTED"` (or `else hash(key, PatientID, 8)`) to add a value, `else remove` to add nothing when the object lacks the attribute, or `else quarantine`',
          });
        }
      }
      if (mode === "append") {
        checkAppend(node.selectors);
        return;
      }
      for (const sel of node.selectors) {
        const entry = namedAttribute(sel);
        if (entry === null || !topLevel(sel)) {
          ctx.report("DEID2016", sel.span, "`create` adds one standard attribute to the top-level dataset: name it by keyword or tag, with no path", {
            help: "write `ClinicalTrialSiteID -> create \"S01\"` or `/ClinicalTrialSiteID -> create \"S01\"`; to change values wherever they are, use `set`",
          });
        } else if (entry.vrs.includes("SQ") || !entry.vrs.some((vr) => TEXT_VRS.has(vr) || vr === "IS" || vr === "DS")) {
          ctx.report("DEID2016", sel.span, `\`create\` writes a value, but \`${entry.keyword}\` is ${entry.vrs.join("/")}`);
        }
      }
    },
  };
}
