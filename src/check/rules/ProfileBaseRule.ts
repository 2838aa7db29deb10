// A profile that is not based on ps315.basic starts from nothing: every
// standard attribute no rule of its chain names is kept as it arrived (and
// private ones removed: docs/language.md, "What happens without a rule").
// A site profile that forgot `based on ps315.basic` therefore passes names,
// birth dates and IDs through with nothing to show for it. Some profiles mean
// to start from nothing: an allow list ending in `* -> remove`, or what
// `deidc import` writes, which ends with `* -> keep because "..."` as the
// source tool keeps what it does not name. An unconditional `*` rule says
// that choice out loud, so only a chain with neither the Basic Profile nor
// one is reported. A file of rules with no `profile` header is not: it is a
// snippet or a fragment as often as a profile, and has no header to point at.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import { layersOf } from "../../program/layers";
import { flattenStatements } from "../../syntax/blocks";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

const BASIC = "ps315.basic";

export function ProfileBaseRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        if (ctx.file.fromStdlib) return;
        for (const unit of ctx.unitsHere) {
          const header = unit.header;
          if (unit.kind !== "profile" || !header || header.kind !== "Profile" || unit.file !== ctx.file) continue;
          // An unknown base is DEID2007's: what it would have brought is not known.
          if (header.basedOn && ctx.program.units.get(header.basedOn.text)?.kind !== "profile") continue;
          // A chain that comes back to itself is DEID2009's: it has no bottom to say anything about.
          const cycle: Diagnostic[] = [];
          const chain = layersOf(unit, ctx.program.units, cycle);
          if (cycle.some((d) => d.code === "DEID2009")) continue;
          if (chain.some((layer) => layer.name === BASIC)) continue;
          const decidesTheRest = chain.some((layer) =>
            flattenStatements(layer.statements).some(({ statement: s, blockConditions }) => s.kind === "Rule" && s.when === null && blockConditions.length === 0 && s.selectors.some((sel) => sel.kind === "AllSelector")),
          );
          if (decidesTheRest) continue;
          const through = header.basedOn ? ` (nor is \`${header.basedOn.text}\`, which it is based on)` : "";
          ctx.report("DEID3008", header.name.span, `profile \`${unit.name}\` is not based on \`${BASIC}\`${through} and has no \`*\` rule: every standard attribute its rules do not name is kept as it is`, {
            help: `add \`based on ${BASIC}\` to start from PS3.15's Basic Profile, whose rules the profile's own then override; or, to start from nothing on purpose, say what happens to the rest: \`* -> remove\` (an allow list) or \`* -> keep because "..."\``,
          });
        }
      },
    },
  };
}
