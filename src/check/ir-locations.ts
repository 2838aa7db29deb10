// The IR as lint rules read it: each profile's chain, and where an IR rule
// came from (the IR knows files by id and positions by line and column;
// diagnostics want a file and an offset).

import { buildIr } from "../ir/build";
import type { IrProgram, IrSource } from "../ir/types";
import type { Unit } from "../program/units";
import type { CheckContext } from "./context";
import { displayPathOfIrSource, fileOfIrSource, type Program } from "../program/program";
import type { Span } from "../syntax/ast";

/** The loaded file an IR source names (undefined when it is not loaded), and the empty span where the rule starts. */
export function irSourceAt(program: Program, source: IrSource): { file: ReturnType<typeof fileOfIrSource>; span: Span } {
  const file = fileOfIrSource(program, source.file);
  const start = file ? file.source.offsetOf(source.line, source.column) : 0;
  return { file, span: { start, end: start } };
}

/** A related location of a diagnostic, at an IR rule's start. */
export function relatedAtIrSource(program: Program, source: IrSource, message: string): { file: string; span: Span; message: string } {
  return { file: displayPathOfIrSource(program, source.file), span: irSourceAt(program, source).span, message };
}

/**
 * The profiles this file defines, each with the IR of its whole chain (base profiles, options, its
 * own rules): what the rules that judge a profile as it will run read. Not for the standard
 * library's own files, nor for a profile whose chain does not build.
 */
export function* profileIrsHere(ctx: CheckContext): Generator<{ unit: Unit; ir: IrProgram }> {
  if (ctx.file.fromStdlib) return;
  for (const unit of ctx.unitsHere) {
    if (unit.kind !== "profile") continue;
    const { ir } = buildIr(ctx.program, unit);
    if (ir) yield { unit, ir };
  }
}
