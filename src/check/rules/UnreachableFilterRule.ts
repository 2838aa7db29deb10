// Filters run in one sequence for the whole chain (base profile, then its
// options, then the site file) and the first whose condition holds decides.
// A filter with no condition therefore decides every object, and no filter
// after it is ever evaluated: those are dead lines that read as if they
// protected something. The unconditional one may sit in a base profile or an
// option of another file; only the dead filters of this file are reported.

import type { Filter } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { flattenStatements } from "../../syntax/blocks";
import { layersOf } from "../../program/layers";
import type { Unit } from "../../program/units";

/** The filters of `layers` in the order they run (the IR builder's order), each with its unit. */
function filtersInOrder(layers: readonly Unit[]): { filter: Filter; unit: Unit; unconditional: boolean }[] {
  const out: { filter: Filter; unit: Unit; unconditional: boolean }[] = [];
  for (const unit of layers) {
    for (const { statement, blockConditions } of flattenStatements(unit.statements)) {
      if (statement.kind === "Filter") out.push({ filter: statement, unit, unconditional: statement.when === null && blockConditions.length === 0 });
    }
  }
  return out;
}

export function UnreachableFilterRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        const reported = new Set<Filter>();
        // A profile is checked with its whole chain; an option on its own, since its filters keep their order in any profile.
        for (const unit of ctx.unitsHere) {
          const chain = filtersInOrder(unit.kind === "profile" ? layersOf(unit, ctx.program.units, []) : [unit]);
          const decider = chain.findIndex((f) => f.unconditional);
          if (decider < 0) continue;
          const first = chain[decider]!;
          const inherited = first.unit.file.path !== ctx.file.path;
          const line = first.unit.file.source.position(first.filter.span.start).line;
          const where = inherited ? `${first.unit.file.path}:${line}` : `line ${line}`;
          for (const { filter, unit: owner } of chain.slice(decider + 1)) {
            if (owner.file.path !== ctx.file.path || reported.has(filter)) continue;
            reported.add(filter);
            ctx.report("DEID3027", filter.span, `this \`${filter.outcome}\` can never decide: the \`${first.filter.outcome}\` at ${where} has no condition, so it decides every object first`, {
              help: inherited
                ? `filters of \`${first.unit.name}\` run before this file's, and the first whose condition holds decides: give that filter a \`when\` condition, or this one has no effect`
                : "give the earlier filter a `when` condition, or move this one above it: filters run in file order and the first whose condition holds decides",
              related: [{ file: first.unit.file.path, span: first.filter.span, message: `this \`${first.filter.outcome}\` has no condition` }],
            });
          }
        }
      },
    },
  };
}
