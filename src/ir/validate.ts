// ajv validation of the IR at the compiler/runtime boundary. The validator
// is compiled once per process.

import Ajv from "ajv";
import schema from "./schema.json";
import type { IrProgram } from "./types";

let validator: ((data: unknown) => boolean) & { errors?: unknown } | null = null;

export class InvalidIrError extends Error {}

export function validateIr(ir: unknown): asserts ir is IrProgram {
  if (!validator) validator = new Ajv({ allErrors: true, strict: true }).compile(schema);
  if (!validator(ir)) {
    const errors = (validator.errors as { instancePath: string; message?: string }[] | undefined) ?? [];
    const detail = errors.slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`).join("; ");
    throw new InvalidIrError(`IR does not match schema ir-1: ${detail}`);
  }
}
