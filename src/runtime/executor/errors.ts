// Why an object is not written, where the reason is not a read error: thrown
// inside the executor and turned into the record's outcome by
// processObjectParts (src/runtime/executor/process.ts).

import type { IrSource } from "../../ir/types";

/** An object that cannot be written, for a reason that is not a read error: the record's reason, no offset. */
export class UnwritableObjectError extends Error {}

/**
 * The object waits for a person, and nothing of it is written: a `lookup(...) else quarantine`
 * missed, or the written dataset does not say the NO an option needs. The message never holds the key
 * or a value.
 */
export class QuarantineError extends Error {
  constructor(
    message: string,
    readonly source: IrSource | null,
  ) {
    super(message);
  }
}
