// ajv validation of the IR at the compiler/runtime boundary. The validator
// is compiled once per process, on first use (precompiled in the bundle).

import { compileIrValidator, type IrSchemaValidator } from "./schema-validator";
import type { IrProgram } from "./types";

let validator: IrSchemaValidator | null = null;

export class InvalidIrError extends Error {}

export function validateIr(ir: unknown): asserts ir is IrProgram {
  if (!validator) validator = compileIrValidator();
  if (!validator(ir)) {
    const errors = (validator.errors as { instancePath: string; message?: string }[] | undefined) ?? [];
    const detail = errors.slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`).join("; ");
    throw new InvalidIrError(`IR does not match schema ir-1: ${detail}`);
  }
}
