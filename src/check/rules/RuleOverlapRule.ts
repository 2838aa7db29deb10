// Within one unit, two rules that select the same attribute in the same way
// are a duplicate (same action) or a conflict (different actions); a rule
// behind an unconditional rule with the same selector can never decide.

import { lookupKeyword } from "../../dicom/dictionary";
import type { Action, Expr, Rule, Selector } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { flattenStatements } from "../../syntax/blocks";

/** Canonical keys of what a selector selects; keyword and tag spellings of one attribute agree. */
export function selectorKeys(sel: Selector): string[] {
  switch (sel.kind) {
    case "AllSelector":
      return ["*"];
    case "PrivateAllSelector":
      return ["private *"];
    case "VrSelector":
      return sel.vrs.map((v) => `vr ${v.text}`);
    case "KeywordPatternSelector":
      return [`keyword /${sel.pattern.pattern}/${sel.pattern.flags}`];
    case "AnyWhereSelector":
      return [`any where ${JSON.stringify(sel.test, (k, v) => (k === "span" ? undefined : v))}`];
    case "PathSelector":
      return [
        (sel.anchored ? "/" : "") +
          sel.steps
            .map((s) => {
              if (s.kind === "DeepStep") return "**";
              if (s.kind === "AnyStep") return "*";
              const el = s.element;
              const item = s.item ? `[${s.item.value}]` : "";
              switch (el.kind) {
                case "KeywordRef": {
                  const e = lookupKeyword(el.keyword);
                  return (e ? e.tag.toUpperCase() : el.keyword) + item;
                }
                case "TagRef":
                  return (el.mask === 0xffffffff ? el.value.toString(16).toUpperCase().padStart(8, "0") : el.text.toUpperCase()) + item;
                case "TagRangeRef":
                  return `${el.from.value}..${el.to.value}` + item;
                case "PrivateRef":
                  return `${el.group}:${el.creator.trim()}:${el.element ?? "xx"}` + item;
              }
            })
            .join("/"),
      ];
  }
}

/** A one-step tag mask (`(0010,00@0)`, not an exact tag): the tags it selects, or null. */
function maskOf(sel: Selector): { value: number; mask: number; anchored: boolean } | null {
  if (sel.kind !== "PathSelector" || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  if (step.kind !== "ElementStep" || step.item || step.element.kind !== "TagRef" || step.element.mask === 0xffffffff) return null;
  return { value: (step.element.value & step.element.mask) >>> 0, mask: step.element.mask >>> 0, anchored: sel.anchored };
}

/** A one-step tag range (`(0010,0000)..(0010,FFFF)`): its bounds, or null. */
function rangeOf(sel: Selector): { from: number; to: number; anchored: boolean } | null {
  if (sel.kind !== "PathSelector" || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  if (step.kind !== "ElementStep" || step.item || step.element.kind !== "TagRangeRef") return null;
  return { from: step.element.from.value >>> 0, to: step.element.to.value >>> 0, anchored: sel.anchored };
}

/** Structural text of a node without spans, to compare actions and conditions. */
function shape(node: Action | Expr | null): string {
  return JSON.stringify(node, (k, v) => (k === "span" || k === "written" || k === "raw" ? undefined : v));
}

export function RuleOverlapRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        for (const unit of ctx.unitsHere) {
          const seen = new Map<string, Rule[]>();
          // A rule inside `when` blocks has their conditions too: compare the joined conditions.
          const conditions = new Map<Rule, readonly Expr[]>();
          const whenOf = (r: Rule): string => conditions.get(r)!.map(shape).join(" and ");
          // Masks rank together and the earlier wins, so one inside an earlier unconditional mask never decides.
          const unconditionalMasks: { value: number; mask: number; anchored: boolean; key: string; rule: Rule }[] = [];
          // So do ranges.
          const unconditionalRanges: { from: number; to: number; anchored: boolean; key: string; rule: Rule }[] = [];
          for (const { statement: st, blockConditions } of flattenStatements(unit.statements)) {
            if (st.kind !== "Rule") continue;
            conditions.set(st, st.when ? [...blockConditions, st.when] : blockConditions);
            for (const sel of st.selectors) {
              const range = rangeOf(sel);
              if (range) {
                const key = selectorKeys(sel)[0]!;
                const wider = unconditionalRanges.find((r) => r.rule !== st && r.key !== key && r.anchored === range.anchored && r.from <= range.from && range.to <= r.to);
                if (wider) {
                  ctx.report("DEID3003", sel.span, "this rule can never decide: every tag it selects is in an earlier unconditional range, and between ranges the earlier wins", {
                    help: "move the narrower range above the wider one, or name the attributes as exact tags",
                    related: [{ file: ctx.file.path, span: wider.rule.span, message: "the earlier, wider range" }],
                  });
                }
                if (conditions.get(st)!.length === 0) unconditionalRanges.push({ ...range, key, rule: st });
              }
              const mask = maskOf(sel);
              if (mask) {
                const key = selectorKeys(sel)[0]!;
                const wider = unconditionalMasks.find(
                  (m) => m.rule !== st && m.key !== key && m.anchored === mask.anchored && (m.mask & ~mask.mask) >>> 0 === 0 && (mask.value & m.mask) >>> 0 === m.value,
                );
                if (wider) {
                  ctx.report("DEID3003", sel.span, "this rule can never decide: every tag it selects is selected by an earlier unconditional mask, and between masks the earlier wins", {
                    help: "move the narrower mask above the wider one, or name the attributes as exact tags",
                    related: [{ file: ctx.file.path, span: wider.rule.span, message: "the earlier, wider mask" }],
                  });
                }
                if (conditions.get(st)!.length === 0) unconditionalMasks.push({ ...mask, key, rule: st });
              }
              for (const key of selectorKeys(sel)) {
                const earlier = seen.get(key) ?? [];
                for (const prev of earlier) {
                  if (prev === st) continue;
                  const sameWhen = whenOf(prev) === whenOf(st);
                  const related = [{ file: ctx.file.path, span: prev.span, message: "the earlier rule" }];
                  if (sameWhen && shape(prev.action) === shape(st.action)) {
                    ctx.report("DEID3001", sel.span, "this rule repeats an earlier rule", { help: "remove one of them", related });
                  } else if (sameWhen) {
                    ctx.report("DEID3002", sel.span, "this rule gives the same attribute another action than an earlier rule", {
                      help: "keep one; if both are meant, give them different `when` conditions",
                      related,
                    });
                  } else if (conditions.get(prev)!.length === 0) {
                    ctx.report("DEID3003", sel.span, "this rule can never decide: an earlier rule for the same attribute applies unconditionally", {
                      help: "move the conditional rule above the unconditional one",
                      related,
                    });
                  } else continue;
                  break;
                }
                earlier.push(st);
                seen.set(key, earlier);
              }
            }
          }
        }
      },
    },
  };
}
