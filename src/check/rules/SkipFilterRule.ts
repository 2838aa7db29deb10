// `skip` passes an object through byte for byte: every identifier in it
// leaves with it. That is a decision someone must be able to defend, so a
// `skip` without `because` is a warning that names the risk.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function SkipFilterRule(ctx: CheckContext): Visitor {
  return {
    Filter(node) {
      if (node.outcome !== "skip" || node.because) return;
      ctx.report("DEID3021", node.span, "`skip` passes objects through unchanged, identifiers included, and says not why", {
        help: 'add `because "..."` saying why these objects need no de-identification (e.g. phantoms, already de-identified data); the reason goes into the report for every skipped object',
      });
    },
  };
}
