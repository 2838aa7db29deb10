// A rejected, quarantined or accepted object is reported with its reason;
// without `because`, the report can only say which line fired. (`skip` has
// its own, sharper warning: SkipFilterRule.)

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

const PAST: Record<string, string> = { reject: "rejected", quarantine: "quarantined", accept: "accepted" };

export function FilterReasonRule(ctx: CheckContext): Visitor {
  return {
    Filter(node) {
      if (!node.because && node.outcome !== "skip") {
        ctx.report("DEID3006", node.span, `\`${node.outcome}\` has no reason`, {
          help: `add \`because "..."\`; the reason goes into the report for every ${PAST[node.outcome]} object`,
        });
      }
    },
  };
}
