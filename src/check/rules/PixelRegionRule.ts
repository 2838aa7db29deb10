// A blanked rectangle lies inside the image. When a pixel block's condition
// fixes `Rows == N` and `Columns == M` (in a conjunction), the rectangle must
// fit N x M; in any case it must have a positive size and frames count from 1.

import type { Expr } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

/** Values that a condition forces `Rows`/`Columns` to have (from `==` inside `and`). */
function fixedDimensions(e: Expr | null, out: { rows?: number; columns?: number }): void {
  if (!e) return;
  if (e.kind === "Paren") return fixedDimensions(e.inner, out);
  if (e.kind !== "Binary") return;
  if (e.op === "and") {
    fixedDimensions(e.left, out);
    fixedDimensions(e.right, out);
    return;
  }
  if (e.op !== "==") return;
  const [name, num] = e.left.kind === "Ident" && e.right.kind === "Number" ? [e.left.name, e.right.value] : e.right.kind === "Ident" && e.left.kind === "Number" ? [e.right.name, e.left.value] : [null, null];
  if (name === "Rows" && num !== null) out.rows = num;
  if (name === "Columns" && num !== null) out.columns = num;
}

export function PixelRegionRule(ctx: CheckContext): Visitor {
  return {
    PixelBlock(node) {
      const dims: { rows?: number; columns?: number } = {};
      fixedDimensions(node.when, dims);
      for (const r of node.regions) {
        const [x, y, w, h] = [r.x.value, r.y.value, r.width.value, r.height.value];
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || ![x, y, w, h].every(Number.isInteger)) {
          ctx.report("DEID3005", r.span, `rectangle \`(${x}, ${y}, ${w}, ${h})\` needs whole numbers, a non-negative origin and a positive size`, { help: "write `blank (x, y, width, height)` in pixels from the top left" });
          continue;
        }
        if (dims.columns !== undefined && x + w > dims.columns) {
          ctx.report("DEID3005", r.span, `rectangle reaches column ${x + w}, but the condition fixes \`Columns == ${dims.columns}\``, { help: `keep x + width <= ${dims.columns}` });
        }
        if (dims.rows !== undefined && y + h > dims.rows) {
          ctx.report("DEID3005", r.span, `rectangle reaches row ${y + h}, but the condition fixes \`Rows == ${dims.rows}\``, { help: `keep y + height <= ${dims.rows}` });
        }
        for (const f of r.frames ?? []) {
          if (f.from.value < 1 || (f.to && f.to.value < f.from.value)) {
            ctx.report("DEID3005", f.span, "frames are numbered from 1, and a range goes upwards", { help: "write e.g. `frames 1..10`" });
          }
        }
      }
    },
  };
}
