// Four DT attributes are versions, not dates: Context Group Version and
// Context Group Local Version (PS3.3 Table 8.8-1, Code Sequence Macro) name
// the release of the DCMR context group or local extension a code was taken
// from, and Template Version / Template Local Version (retired, in older SR
// and Presentation State objects) name a template's release. They say
// nothing about the patient or the encounter. A date rule written for the
// whole VR (`vr DA, DT -> shift(offset)`, `keyword /Date/`) reaches them too,
// and a shifted, coarsened or dummy version names a release that never
// existed: a reader that resolves the code against the context group finds
// nothing. PS3.15 Table E.1-1 lists none of them, so the Basic Profile keeps
// them. Only rules that select them wholesale are reported: a rule that names
// one of them means it.

import { lookupKeyword } from "../../dicom/dictionary";
import { buildIr } from "../../ir/build";
import { decidingRule, describeAction } from "../../ir/explain";
import type { IrAction, IrRule } from "../../ir/types";
import { flattenStatements } from "../../syntax/blocks";
import type { Rule, Selector } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export const VERSION_STAMPS: readonly string[] = ["ContextGroupVersion", "ContextGroupLocalVersion", "TemplateVersion", "TemplateLocalVersion"];

/** Actions that rewrite a value as a date or time: what a version stamp must not get. */
function rewritesDate(action: IrAction): boolean {
  switch (action.kind) {
    case "shift":
    case "coarsen":
    case "set":
      return true;
    case "code":
      // C shifts or cleans a date, D gives it a dummy date; removing or emptying one is another matter.
      return action.code === "C" || action.code === "D";
    default:
      return false;
  }
}

export function VersionStampRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        if (ctx.file.fromStdlib) return;
        for (const unit of ctx.unitsHere) {
          // An option has no chain of its own: which rule decides depends on the profile that switches it on.
          if (unit.kind !== "profile") continue;
          const wholesale = flattenStatements(unit.statements)
            .map((f) => f.statement)
            .filter((s): s is Rule => s.kind === "Rule" && s.selectors.some((sel) => sel.kind === "VrSelector" || sel.kind === "KeywordPatternSelector"));
          if (wholesale.length === 0) continue;
          const { ir } = buildIr(ctx.program, unit);
          const ownLayer = ir.profile.layers.length - 1;
          /** The selectors of this file's wholesale rules that decide version stamps, with the stamps they decide. */
          const reached = new Map<Selector, { rule: Rule; decider: IrRule; stamps: string[] }>();
          for (const keyword of VERSION_STAMPS) {
            const entry = lookupKeyword(keyword);
            if (!entry) continue;
            const decider = decidingRule(ir, { kind: "tag", tag: parseInt(entry.tag, 16), vrs: entry.vrs });
            if (!decider || decider.layer !== ownLayer || !rewritesDate(decider.action)) continue;
            if (decider.selector.kind !== "vr" && decider.selector.kind !== "keywords") continue;
            const selector = selectorAt(wholesale, decider.source.line, decider.source.column, (offset) => ctx.file.source.position(offset));
            if (!selector) continue;
            const found = reached.get(selector.selector) ?? { rule: selector.rule, decider, stamps: [] };
            found.stamps.push(keyword);
            reached.set(selector.selector, found);
          }
          for (const [selector, { rule, decider, stamps }] of reached) {
            const text = ctx.file.source.text;
            const lineStart = text.lastIndexOf("\n", rule.span.start - 1) + 1;
            const indent = /^[ \t]*/.exec(text.slice(lineStart, rule.span.start))![0];
            const keep = `${stamps.join(", ")} -> keep because "versions of coding resources, not dates of care"`;
            const written = text.slice(selector.span.start, selector.span.end);
            ctx.report("DEID3029", selector.span, `\`${written} -> ${describeAction(decider.action)}\` also rewrites ${listOf(stamps)}: versions of a context group or template, not dates of care`, {
              help: `a changed version names a release that never existed, and codes can no longer be resolved against it; PS3.15 keeps ${stamps.length === 1 ? "it" : "them"}. Add \`${keep}\` (a rule that names an attribute comes before a \`vr\` or \`keyword\` rule)`,
              fix: { description: `keep ${listOf(stamps)}`, file: ctx.file.path, span: { start: rule.span.start, end: rule.span.start }, text: `${keep}\n${indent}` },
            });
          }
        }
      },
    },
  };
}

/** The wholesale selector of `rules` that starts at a line and column of this file. */
function selectorAt(rules: readonly Rule[], line: number, column: number, position: (offset: number) => { line: number; column: number }): { rule: Rule; selector: Selector } | null {
  for (const rule of rules) {
    for (const selector of rule.selectors) {
      if (selector.kind !== "VrSelector" && selector.kind !== "KeywordPatternSelector") continue;
      const at = position(selector.span.start);
      if (at.line === line && at.column === column) return { rule, selector };
    }
  }
  return null;
}

function listOf(words: readonly string[]): string {
  const quoted = words.map((w) => `\`${w}\``);
  return quoted.length <= 1 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}
