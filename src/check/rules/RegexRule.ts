// Regular expressions compile (JavaScript syntax and flags) before anything
// runs, so a typo never silently matches nothing.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function RegexRule(ctx: CheckContext): Visitor {
  return {
    Regex(node) {
      // `y` (sticky) would carry a match position from one element to the next; `d` and `v` change
      // nothing a rule can use. The language takes i, g, m, s, u.
      const stray = [...node.flags].filter((f) => !"igmsu".includes(f));
      if (stray.length > 0) {
        ctx.report("DEID1005", node.span, `regular expression flag${stray.length > 1 ? "s" : ""} \`${stray.join("")}\` not allowed`, { help: "the flags are i, g, m, s, u" });
        return;
      }
      try {
        new RegExp(node.pattern, node.flags);
      } catch (e) {
        const reason = (e as Error).message.replace(/^Invalid regular expression: /, "").replace(/^\/.*\/[a-z]*: /, "");
        ctx.report("DEID1005", node.span, `regular expression does not compile: ${reason}`, { help: "the syntax is JavaScript's; flags are i, g, m, s, u" });
      }
    },
  };
}
