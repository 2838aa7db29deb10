// `format("{}-{}", a, b)` fills each `{}` with the next argument: the template
// must be a string written in the rule file, and it must have exactly one
// placeholder per argument after it. A mismatch would silently drop a value
// or leave a placeholder empty in the output.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

const PLACEHOLDER = /\{\}/g;

export function FormatPlaceholderRule(ctx: CheckContext): Visitor {
  return {
    Call(node) {
      if (node.callee.text !== "format" || node.args.length === 0) return;
      const template = node.args[0]!;
      if (template.kind !== "String") {
        ctx.report("DEID2015", template.span, "the first argument of `format` must be a string such as `\"{}-{}\"`", {
          help: "write the template in the rule file, so the number of `{}` placeholders can be checked",
        });
        return;
      }
      const placeholders = template.value.match(PLACEHOLDER)?.length ?? 0;
      const values = node.args.length - 1;
      if (placeholders !== values) {
        ctx.report("DEID2015", node.span, `the template has ${placeholders} \`{}\` placeholder${placeholders === 1 ? "" : "s"} but ${values} value${values === 1 ? " follows" : "s follow"} it`, {
          help: placeholders > values ? "add a value for every `{}`, or remove the extra placeholders" : "add a `{}` for every value, or remove the extra values",
        });
      }
    },
  };
}
