// A path names an attribute at its end: `ContentSequence/**` and
// `ContentSequence/*` name only levels, so the rule would never decide anything.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function PathSelectorRule(ctx: CheckContext): Visitor {
  return {
    PathSelector(node) {
      const last = node.steps[node.steps.length - 1];
      if (last && last.kind === "DeepStep") {
        ctx.report("DEID3010", node.span, "this path ends in `**`, so it selects no attribute", {
          help: "name the attribute after `**`, e.g. `ContentSequence/**/PersonName`",
        });
      } else if (last && last.kind === "AnyStep") {
        ctx.report("DEID3010", node.span, "this path ends in `*`, a sequence level, so it selects no attribute", {
          help: "name the attribute after `*`, e.g. `ContentSequence/*/PersonName`",
        });
      }
    },
  };
}
