// `keyword /re/` is resolved against the PS3.6 dictionary when the profile is
// compiled: a pattern that finds no keyword selects nothing, which is almost
// always a typo (`/date$/` for `/Date$/`) that would leave every date as it is.

import { keywordMatches } from "../../ir/build";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function KeywordPatternRule(ctx: CheckContext): Visitor {
  return {
    KeywordPatternSelector(node) {
      const { pattern, flags } = node.pattern;
      try {
        new RegExp(pattern, flags);
      } catch {
        return; // RegexRule reports it
      }
      if (keywordMatches(pattern, flags).length > 0) return;
      const insensitive = flags.includes("i") ? [] : keywordMatches(pattern, flags + "i");
      ctx.report("DEID2017", node.pattern.span, `\`/${pattern}/${flags}\` matches no attribute keyword of the data dictionary`, {
        help:
          insensitive.length > 0
            ? `keywords are UpperCamelCase; with the \`i\` flag it would match ${insensitive.length} (e.g. \`${insensitive[0]!.kind === "tag" ? insensitive[0]!.keyword : insensitive[0]!.text}\`)`
            : "keywords are PS3.6's UpperCamelCase names, e.g. `/Date$/` finds StudyDate, SeriesDate, ...",
      });
    },
  };
}
