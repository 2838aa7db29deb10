// The executor's contract with the `run` command and the compiled bundle:
// bytes of one object in, bytes out plus one audit record. No file system,
// clock or environment access happens behind this interface.

import type { IrSource } from "../../ir/types";

/** What happened to an object. "skipped": a `skip` filter passed it through unchanged (the output is the input, byte for byte). */
export type Outcome = "written" | "skipped" | "rejected" | "quarantined" | "failed";

/** One element the executor changed, for the audit report. Never an original value. */
export interface TouchedElement {
  /** tag path, e.g. "(0008,1140)[0]/(0008,1155)"; private elements as (0029,"SIEMENS CSA HEADER",10) */
  path: string;
  /** the action applied: "X", "Z", "D", "U", "C", "K" (only when recorded), "set", "shift", "lookup", "lookup-miss", "coarsen", "replace", "insert", "create" (a `create` rule added the attribute; "lookup-miss/create" when a `create lookup` missed and added its `else` value), "append", and from the pixel layer "blanked", "frames-missing", "metadata-removed", "overlay-bits-cleared", "icon-blanked", "icon-removed" */
  action: string;
  /** the rule that decided, or null for what the executor does by itself (markers, File Meta, private creators) */
  rule: IrSource | null;
}

export interface ObjectRecord {
  /** input path as given */
  input: string;
  outcome: Outcome;
  /** output path relative to the output folder, when written (filled in by the caller) */
  output?: string;
  /** why it was skipped, rejected, quarantined or failed */
  reason?: string;
  /** the filter that skipped, rejected or quarantined it */
  rule?: IrSource;
  /** byte offset in the input, when reading failed */
  offset?: number;
  sopClassUid?: string;
  /** the NEW (replaced) UIDs, used for the output layout; never the originals */
  newStudyUid?: string;
  newSeriesUid?: string;
  newSopInstanceUid?: string;
  newPatientId?: string;
  touched: TouchedElement[];
  warnings: string[];
}

/** Original -> replacement pairs, collected only when the caller asks for a crosswalk. */
export interface CrosswalkSink {
  patientId(original: string, replacement: string): void;
  uid(original: string, replacement: string): void;
}

export interface ObjectResult {
  record: ObjectRecord;
  /** the de-identified Part 10 file, when outcome is "written"; the input itself, when "skipped" */
  output: Uint8Array | null;
}

/**
 * The same as ObjectResult, with the output as parts in order: the File Meta
 * header, the executor's own bytes and, between them, views of the input
 * (large kept values such as pixel data, never copied). Written with one
 * gathering write; valid while the input bytes are unchanged.
 */
export interface ObjectParts {
  record: ObjectRecord;
  parts: readonly Uint8Array[] | null;
}

export interface ExecutorEnvironment {
  /** secret values by secret name, read by the caller from env or file; never logged */
  secrets: ReadonlyMap<string, Uint8Array>;
  /** run-time parameters (`--param NAME=value`), already parsed */
  params: ReadonlyMap<string, string | number | boolean>;
  /** lookup tables by the path written in the rule file: key -> value (composite keys joined by "\u0000") */
  tables: ReadonlyMap<string, ReadonlyMap<string, string>>;
  crosswalk?: CrosswalkSink;
}

export interface Executor {
  /** de-identifies one object; never throws for bad input (that is outcome "failed") */
  process(bytes: Uint8Array, inputPath: string): ObjectResult;
  /** the same, without assembling the output in one buffer (see ObjectParts); the batch uses it when present */
  processParts?(bytes: Uint8Array, inputPath: string): ObjectParts;
}
