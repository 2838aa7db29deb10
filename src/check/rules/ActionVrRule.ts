// An action must make sense for the value representation of every attribute
// its rule selects: a UID replacement only on UI, a date shift or coarsening
// only on DA/DT, a regular-expression replacement only on text, and a literal
// that is valid for the VR and no longer than the VR allows (PS3.5 6.2).

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import { NUMERIC_VRS, TEXT_VRS, VR_MAX_LENGTH, isVr } from "../../dicom/vr";
import type { Action, Selector, Span } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { typeOf } from "../types";

/** The values a binary integer VR can hold (PS3.5 Table 6.2-1). */
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  US: [0, 0xffff],
  SS: [-0x8000, 0x7fff],
  UL: [0, 0xffffffff],
  SL: [-0x80000000, 0x7fffffff],
  UV: [0, Number.MAX_SAFE_INTEGER],
  SV: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  IS: [-(2 ** 31), 2 ** 31 - 1],
};

/** Functions whose text is never a UID (letters, or a person's initials). */
const NOT_UID_FUNCTIONS = new Set(["hash", "initials", "upper", "lower", "ageBand", "capAge"]);

function numberProblem(vr: string, value: number): string | null {
  const range = INTEGER_RANGES[vr];
  if (!range) return null;
  if (!Number.isInteger(value)) return `is not a whole number, and ${vr} holds integers`;
  if (value < range[0] || value > range[1]) return `is outside the range of ${vr} (${range[0]} to ${range[1]})`;
  return null;
}

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
          if (action.kind === "ShiftAction" && t === targets[0] && typeOf(action.days, ctx.scope) === "string") {
            ctx.report("DEID2012", action.days.span, "`shift` takes a number of days, but this is text", {
              help: "use `days(key, PatientID, FROM .. TO)` for a keyed per-patient offset, or a number",
            });
          }
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
          if (action.value.kind === "Number") {
            // `US or SS` attributes take the VR of the object: a value either can hold is fine.
            const value = action.value.value;
            const problems = vrs.map((vr) => numberProblem(vr, value));
            if (problems.length > 0 && problems.every((p) => p !== null)) {
              ctx.report("DEID2002", action.value.span, `the value \`${action.value.raw}\` for ${t.label} ${problems[0]}`);
            }
          }
          if (vrs.length > 0 && vrs.every((vr) => vr === "UI") && action.value.kind === "Call" && NOT_UID_FUNCTIONS.has(action.value.callee.text)) {
            ctx.report("DEID2002", action.value.span, `\`${action.value.callee.text}(...)\` gives text that is not a UID, but ${t.label} is UI`, {
              help: "use `U` for a keyed replacement UID, the same for the same UID in every file",
            });
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
