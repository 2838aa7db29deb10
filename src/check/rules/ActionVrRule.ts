// An action must make sense for the value representation of every attribute
// its rule selects: a UID replacement only on UI, a date shift or coarsening
// only on DA/DT, a regular-expression replacement only on text, and a literal
// that is valid for the VR and no longer than the VR allows (PS3.5 6.2).

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import { NUMERIC_VRS, TEXT_VRS, VR_MAX_LENGTH, isVr } from "../../dicom/vr";
import type { Action, Selector, Span } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

interface Target {
  label: string;
  vrs: string[];
}

/** The attributes a selector names, with their VRs, when they are known statically. */
export function selectorTargets(selector: Selector): Target[] {
  if (selector.kind === "VrSelector") return selector.vrs.map((v) => ({ label: `vr ${v.text}`, vrs: [v.text] }));
  if (selector.kind !== "PathSelector") return [];
  const last = selector.steps[selector.steps.length - 1];
  if (!last || last.kind !== "ElementStep") return [];
  const el = last.element;
  if (el.kind === "KeywordRef") {
    const e = lookupKeyword(el.keyword);
    return e ? [{ label: `\`${el.keyword}\``, vrs: e.vrs }] : [];
  }
  if (el.kind === "TagRef" && el.mask === 0xffffffff) {
    const e = lookupTag(el.value);
    return e ? [{ label: `\`${e.keyword}\``, vrs: e.vrs }] : [];
  }
  return [];
}

const UID_SYNTAX = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const DATE_SYNTAX = /^[0-9]{8}$/;

function literalProblem(vr: string, text: string): string | null {
  const max = isVr(vr) ? VR_MAX_LENGTH[vr] : null;
  if (NUMERIC_VRS.has(vr) && text !== "" && !/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text.trim())) return "is text, but the attribute holds a number";
  if (vr === "IS" && text !== "" && !/^[+-]?[0-9]+$/.test(text.trim())) return "is not an integer string (IS)";
  if (vr === "UI" && text !== "" && !UID_SYNTAX.test(text)) return "is not a valid UID (digits and dots, no leading zeros)";
  if (vr === "DA" && text !== "" && !DATE_SYNTAX.test(text)) return "is not a date (DA is YYYYMMDD)";
  if (TEXT_VRS.has(vr) && max !== null && text.length > max) return `is ${text.length} characters long; ${vr} allows ${max}`;
  return null;
}

export function ActionVrRule(ctx: CheckContext): Visitor {
  const check = (action: Action, targets: Target[], span: Span): void => {
    for (const t of targets) {
      const vrs = t.vrs;
      switch (action.kind) {
        case "CodeAction":
          if (action.code === "U" && !vrs.includes("UI") && !vrs.includes("SQ")) {
            ctx.report("DEID2002", action.span, `\`${action.written}\` replaces UIDs, but ${t.label} is ${vrs.join("/")}`, {
              help: "use `X`, `Z` or `D` for attributes that are not UIDs",
            });
          }
          break;
        case "ShiftAction":
        case "CoarsenAction":
          if (!vrs.some((v) => v === "DA" || v === "DT")) {
            const what = action.kind === "ShiftAction" ? "shift" : "coarsen";
            ctx.report("DEID2002", action.span, `\`${what}\` applies to dates (DA, DT), but ${t.label} is ${vrs.join("/")}`, {
              help: vrs.includes("TM") ? "a time stays the same under a whole-day shift; keep it or remove it" : "choose an action for this VR, e.g. `X` or `Z`",
            });
          }
          break;
        case "ReplaceAction":
          if (!vrs.some((v) => TEXT_VRS.has(v))) {
            ctx.report("DEID2002", action.span, `\`replace\` edits text, but ${t.label} is ${vrs.join("/")}`);
          }
          break;
        case "SetAction":
          if (action.value.kind === "String") {
            for (const vr of vrs) {
              const problem = literalProblem(vr, action.value.value);
              if (problem) {
                ctx.report("DEID2002", action.value.span, `the value \`${action.value.value}\` for ${t.label} ${problem}`);
                break;
              }
            }
          }
          if (vrs.includes("SQ")) ctx.report("DEID2002", action.span, `${t.label} is a sequence; it can be kept, removed, emptied or cleaned, not set to a value`);
          break;
        case "LookupAction":
          if (action.otherwise.kind !== "QuarantineMiss") check(action.otherwise, [t], span);
          break;
      }
    }
  };
  return {
    Rule(node) {
      const targets = node.selectors.flatMap(selectorTargets);
      check(node.action, targets, node.span);
    },
  };
}
