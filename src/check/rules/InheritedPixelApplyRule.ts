// `pixels apply first` is decided by the nearest profile file in a `based on`
// chain that declares it, for every block of the chain, base blocks first. A
// base file's `pixels apply first` with a block that has no condition therefore
// silently makes every later block, the site file's own included, unreachable.

import type { PixelApply, PixelBlock, Span } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { flattenStatements } from "../../syntax/blocks";
import { buildIr } from "../../ir/build";
import { layersOf } from "../../program/layers";
import { displayPathOfIrSource } from "../../program/program";

/** The span of the `pixels` block that starts on `line` of the file the IR names `id`, for pointing at it from another file. */
function blockSpan(ctx: CheckContext, id: string, line: number): Span {
  for (const unit of ctx.program.units.values()) {
    if (unit.file.id !== id) continue;
    for (const { statement } of flattenStatements(unit.statements)) {
      if (statement.kind === "PixelBlock" && unit.file.source.position(statement.span.start).line === line) return statement.span;
    }
  }
  return { start: 0, end: 0 };
}

export function InheritedPixelApplyRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        for (const unit of ctx.unitsHere) {
          if (unit.kind !== "profile") continue;
          const blocks = flattenStatements(unit.statements)
            .map((f) => f.statement)
            .filter((s): s is PixelBlock => s.kind === "PixelBlock");
          if (blocks.length === 0) continue;
          const chain = layersOf(unit, ctx.program.units, []);
          // the same search as the IR builder's: nearest profile file that declares one
          let decider: { file: string; line: number; apply: PixelApply } | null = null;
          for (let i = chain.length - 1; i >= 0 && decider === null; i--) {
            const layer = chain[i]!;
            if (layer.kind !== "profile") continue;
            const apply = layer.file.ast.items.find((item): item is PixelApply => item.kind === "PixelApply");
            if (apply) decider = { file: layer.file.path, line: layer.file.source.position(apply.span.start).line, apply };
          }
          if (!decider || decider.apply.mode !== "first") continue;
          const { ir } = buildIr(ctx.program, unit);
          const blocker = ir.pixels.find((p) => p.when === null);
          if (!blocker) continue;
          // The IR names files by identity (ParsedFile.id); diagnostics by display path.
          const blockerFile = displayPathOfIrSource(ctx.program, blocker.source.file);
          const blockerAt = `${blockerFile}:${blocker.source.line}`;
          const inherited = decider.file !== ctx.file.path;
          for (const block of blocks) {
            const line = ctx.file.source.position(block.span.start).line;
            const own = ir.pixels.findIndex((p) => p.source.file === ctx.file.id && p.source.line === line);
            if (own < 0 || own <= ir.pixels.indexOf(blocker)) continue;
            const why = inherited ? `\`pixels apply first\` inherited from ${decider.file}:${decider.line}` : "`pixels apply first`";
            ctx.report("DEID3025", block.span, `this pixel block can never apply: under ${why}, the block at ${blockerAt} has no condition and always applies first`, {
              help: inherited
                ? "declare `pixels apply all` in this file so every matching block applies, or give the earlier block a condition"
                : "give the earlier block a condition, move this block before it, or declare `pixels apply all`",
              related: [
                { file: blockerFile, span: blockSpan(ctx, blocker.source.file, blocker.source.line), message: "this block has no condition, so it always applies first" },
                { file: decider.file, span: decider.apply.span, message: "the `pixels apply first` that decides for the chain" },
              ],
            });
          }
        }
      },
    },
  };
}
