// A condition that compares an age, date, date-time or time attribute with
// text lints clean as far as types go, but text compares character by
// character: `PatientAge > "5"` holds for "093Y" and not for "006Y" ("0"
// comes before "5"), `StudyDate > "2020-01-01"` for every date of 2020.
// Text the attribute's VR never holds is reported, and so is any ordering of
// ages, whose units make text order wrong even when well written ("100M",
// eight years, comes after "089Y"). Dates and times written in full order
// correctly as text and pass. A warning, not an error: the test compiles and
// runs, it just holds for other objects than the author meant.

import type { Expr } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { ageHelp, AS_VALUE, DA_VALUE, DT_VALUE, flipped, ORDERED_OPS, TM_VALUE } from "../comparisons";
import { resolveIdent } from "../types";

const FORMS: Readonly<Record<string, { test: RegExp; what: string; holds: string }>> = {
  AS: { test: AS_VALUE, what: "an age string", holds: 'values such as "093Y" or "006M" (three digits and a unit)' },
  DA: { test: DA_VALUE, what: "a date", holds: "YYYYMMDD" },
  TM: { test: TM_VALUE, what: "a time", holds: "HHMMSS, with leading zeros" },
  DT: { test: DT_VALUE, what: "a date-time", holds: "YYYYMMDDHHMMSS, from the year" },
};

const COMPARISONS: ReadonlySet<string> = new Set(["==", "!=", "<", "<=", ">", ">=", "in"]);

export function ComparisonValueRule(ctx: CheckContext): Visitor {
  const attributeVr = (e: Expr): { name: string; vr: string } | null => {
    if (e.kind !== "Ident") return null;
    const r = resolveIdent(e, ctx.scope);
    return r && r.kind === "attr" && r.entry.vrs.length === 1 && FORMS[r.entry.vrs[0]!] ? { name: e.name, vr: r.entry.vrs[0]! } : null;
  };
  return {
    Binary(node) {
      if (!COMPARISONS.has(node.op)) return;
      const leftAttr = attributeVr(node.left);
      const attr = leftAttr ?? (node.op === "in" ? null : attributeVr(node.right));
      if (!attr) return;
      const op = leftAttr ? node.op : flipped(node.op);
      const other = leftAttr ? node.right : node.left;
      const literals = other.kind === "String" ? [other] : other.kind === "List" && node.op === "in" ? other.items.filter((i) => i.kind === "String") : [];
      const form = FORMS[attr.vr]!;
      for (const lit of literals) {
        if (lit.kind !== "String" || lit.value === "") continue;
        const years = attr.vr === "AS" ? /^\s*([0-9]{1,3})\s*Y?\s*$/.exec(lit.value) : null;
        const help = years ? ageHelp(attr.name, op === "in" ? "==" : op, Number(years[1])) : `write ${form.what} as ${form.holds}`;
        if (!form.test.test(lit.value)) {
          ctx.report("DEID2024", lit.span, `\`"${lit.value}"\` is not ${form.what}: \`${attr.name}\` holds ${form.holds}, compared as text`, { help });
        } else if (attr.vr === "AS" && ORDERED_OPS.has(op)) {
          const unit = /^([0-9]{3})Y$/.exec(lit.value);
          ctx.report("DEID2024", node.span, `\`${node.op}\` orders ages as text: "100M" (eight years) comes after "089Y"`, {
            help: unit ? ageHelp(attr.name, op, Number(unit[1])) : `read the age in years with \`capAge\`: \`capAge(${attr.name}, 89) == "090Y"\` holds for ages over 89 years, whatever the unit`,
          });
        }
      }
    },
  };
}
