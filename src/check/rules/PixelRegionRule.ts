// A blanked or kept rectangle lies inside the image. When a pixel block's
// condition fixes `Rows == N` and `Columns == M` (in a conjunction), the
// rectangle must fit N x M, and `Columns - 200` is resolved against M; in any
// case it must have a positive size and frames count from 1. Coordinates
// measured from an edge name the right edge: `Columns` for x and width,
// `Rows` for y and height (DEID3022). The `keep` lines of one block blank one
// complement, so they agree on its fill (DEID3024).

import type { Coordinate, ColourFill, Expr, NumberLit, PixelRegion, Span } from "../../syntax/ast";
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

type Axis = "Columns" | "Rows";

function written(c: Coordinate): string {
  if (c.kind === "Number") return c.raw;
  return c.offset ? `${c.edge.text} - ${c.offset.raw}` : c.edge.text;
}

function fillText(fill: NumberLit | ColourFill | null): string {
  if (fill === null) return "0";
  return fill.kind === "Number" ? String(fill.value) : `(${fill.red.value}, ${fill.green.value}, ${fill.blue.value})`;
}

export function PixelRegionRule(ctx: CheckContext): Visitor {
  /** The coordinate's value when the condition fixes it (a number, or an edge whose dimension is fixed); null otherwise or when it names the wrong edge. */
  const resolve = (c: Coordinate, axis: Axis, dims: { rows?: number; columns?: number }): number | null => {
    if (c.kind === "Number") return c.value;
    if (c.edge.text !== axis) {
      const other = axis === "Columns" ? "Rows" : "Columns";
      const what = axis === "Columns" ? "an x or a width" : "a y or a height";
      ctx.report("DEID3022", c.span, `\`${written(c)}\` is ${what}, measured from \`${c.edge.text}\`, but only \`${axis}\` can be`, {
        help: c.edge.text === other ? `${what} counts along the ${axis === "Columns" ? "width" : "height"}: write \`${axis}${c.offset ? ` - ${c.offset.raw}` : ""}\`` : `write a number of pixels, or \`${axis} - N\` for N pixels back from the ${axis === "Columns" ? "right" : "bottom"} edge`,
      });
      return null;
    }
    if (c.offset && (!Number.isInteger(c.offset.value) || c.offset.value < 0)) {
      ctx.report("DEID3005", c.span, `\`${written(c)}\` needs a whole, non-negative number of pixels after \`-\``, { help: `write e.g. \`${axis} - 200\`` });
      return null;
    }
    const size = axis === "Columns" ? dims.columns : dims.rows;
    return size === undefined ? null : size - (c.offset?.value ?? 0);
  };

  const checkRectangle = (r: PixelRegion, x: number | null, y: number | null, w: number | null, h: number | null, dims: { rows?: number; columns?: number }): void => {
    const known = [x, y, w, h].filter((v): v is number => v !== null);
    if (!known.every(Number.isInteger) || (x !== null && x < 0) || (y !== null && y < 0) || (w !== null && w <= 0) || (h !== null && h <= 0)) {
      ctx.report("DEID3005", r.span, `rectangle \`(${[x, y, w, h].map((v) => (v === null ? "?" : String(v))).join(", ")})\` needs whole numbers, a non-negative origin and a positive size`, {
        help: r.shape.form === "corners" ? "write `from (x0, y0) to (x1, y1)` with x1 > x0 and y1 > y0" : "write `blank (x, y, width, height)` in pixels from the top left",
      });
      return;
    }
    if (dims.columns !== undefined && x !== null && w !== null && x + w > dims.columns) {
      ctx.report("DEID3005", r.span, `rectangle reaches column ${x + w}, but the condition fixes \`Columns == ${dims.columns}\``, { help: `keep x + width <= ${dims.columns}` });
    }
    if (dims.rows !== undefined && y !== null && h !== null && y + h > dims.rows) {
      ctx.report("DEID3005", r.span, `rectangle reaches row ${y + h}, but the condition fixes \`Rows == ${dims.rows}\``, { help: `keep y + height <= ${dims.rows}` });
    }
  };

  /** x1 - x0 when it is known without the image: both resolved, or both from the (right) edge. */
  const extent = (a: Coordinate, from: number | null, b: Coordinate, to: number | null, axis: Axis): number | null => {
    if (from !== null && to !== null) return to - from;
    if (a.kind === "EdgeCoordinate" && b.kind === "EdgeCoordinate" && a.edge.text === axis && b.edge.text === axis) return (a.offset?.value ?? 0) - (b.offset?.value ?? 0);
    return null;
  };

  return {
    PixelBlock(node) {
      const dims: { rows?: number; columns?: number } = {};
      fixedDimensions(node.when, dims);
      let keepFill: { text: string; span: Span } | null = null;
      for (const r of node.regions) {
        const s = r.shape;
        if (s.form === "rect") {
          const x = resolve(s.x, "Columns", dims);
          const y = resolve(s.y, "Rows", dims);
          const w = resolve(s.width, "Columns", dims);
          const h = resolve(s.height, "Rows", dims);
          checkRectangle(r, x, y, w, h, dims);
        } else if (s.form === "corners") {
          const x = resolve(s.x0, "Columns", dims);
          const y = resolve(s.y0, "Rows", dims);
          const w = extent(s.x0, x, s.x1, resolve(s.x1, "Columns", dims), "Columns");
          const h = extent(s.y0, y, s.y1, resolve(s.y1, "Rows", dims), "Rows");
          checkRectangle(r, x, y, w, h, dims);
        }
        for (const f of r.frames ?? []) {
          if (f.from.value < 1 || (f.to && f.to.value < f.from.value)) {
            ctx.report("DEID3005", f.span, "frames are numbered from 1, and a range goes upwards", { help: "write e.g. `frames 1..10`" });
          }
        }
        if (r.fill?.kind === "ColourFill") {
          for (const n of [r.fill.red, r.fill.green, r.fill.blue]) {
            if (!Number.isInteger(n.value) || n.value < 0) {
              ctx.report("DEID3005", n.span, `colour component \`${n.raw}\` is not a whole, non-negative number`, { help: "write `fill (R, G, B)` with each component from 0 to the largest stored value (255 for 8-bit images)" });
            }
          }
        }
        if (r.mode === "keep") {
          const text = fillText(r.fill);
          if (keepFill === null) keepFill = { text, span: r.span };
          else if (keepFill.text !== text) {
            ctx.report("DEID3024", r.fill?.span ?? r.span, `this \`keep\` fills with ${text}, an earlier one of the block with ${keepFill.text}`, {
              help: "the keep lines of a block blank one area, everything outside all of them: give every keep line of the block the same fill (no fill is fill 0)",
              related: [{ file: ctx.file.path, span: keepFill.span, message: `fills with ${keepFill.text}` }],
            });
          }
        }
      }
    },
  };
}
