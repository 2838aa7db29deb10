// `pixels apply first|all` decides for the whole file; two of them would
// leave the reader to guess which one counts.

import type { PixelApply } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function PixelApplyRule(ctx: CheckContext): Visitor {
  let first: PixelApply | null = null;
  return {
    PixelApply(node) {
      if (first === null) {
        first = node;
        return;
      }
      ctx.report("DEID3023", node.span, `a second \`pixels apply\` declaration (\`${node.mode}\`)`, {
        help: "a file declares `pixels apply first` or `pixels apply all` at most once; remove one",
        related: [{ file: ctx.file.path, span: first.span, message: `the first one says \`pixels apply ${first.mode}\`` }],
      });
    },
  };
}
