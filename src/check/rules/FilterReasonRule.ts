// A rejected or quarantined object is reported with its reason; without
// `because`, the report can only say which line fired.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function FilterReasonRule(ctx: CheckContext): Visitor {
  return {
    Filter(node) {
      if (!node.because) {
        ctx.report("DEID3006", node.span, `\`${node.outcome}\` has no reason`, {
          help: `add \`because "..."\`; the reason goes into the report for every ${node.outcome === "reject" ? "rejected" : "quarantined"} object`,
        });
      }
    },
  };
}
