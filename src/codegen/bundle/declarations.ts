// The type declarations written next to a processor bundle
// (processor.mjs -> processor.d.mts), so that TypeScript code importing the
// bundle gets a typed `deidentify`. The record types restate
// src/runtime/executor/types.ts; test/codegen checks that they stay equal.

import type { ProfileIdentity } from "../generate";

export function processorDeclarations(identity: ProfileIdentity, preamble: readonly string[]): string {
  return `${preamble.join("\n")}

/** Profile name. */
export declare const PROFILE: ${JSON.stringify(identity.profile)};
/** Profile title, if it has one. */
export declare const PROFILE_TITLE: string | null;
/** Options switched on, in layer order. */
export declare const OPTIONS: readonly string[];
/** DICOM PS3.15 release the standard library units come from. */
export declare const STANDARD_RELEASE: string | null;
/** deidc version that compiled this processor. */
export declare const DEIDC_VERSION: string;
/** SHA-256 of the IR (\`deidc compile --emit ir\`) compiled in. */
export declare const IR_HASH: string;

/** Where a rule was written. */
export interface IrSource {
  /** \`stdlib/ps315/basic.deid\` for a standard-library file, otherwise relative to the folder of the profile compiled in */
  file: string;
  line: number;
  column: number;
}

/** What happened to an object. */
export type Outcome = "written" | "skipped" | "rejected" | "quarantined" | "failed";

/** One element the executor changed. Never an original value. */
export interface TouchedElement {
  path: string;
  action: string;
  rule: IrSource | null;
}

/** The audit record of one object (one line of \`--report\`). */
export interface ObjectRecord {
  input: string;
  outcome: Outcome;
  output?: string;
  reason?: string;
  rule?: IrSource;
  offset?: number;
  sopClassUid?: string;
  newStudyUid?: string;
  newSeriesUid?: string;
  newSopInstanceUid?: string;
  newPatientId?: string;
  touched: TouchedElement[];
  warnings: string[];
}

/** Receives original -> replacement pairs (for a crosswalk). */
export interface CrosswalkSink {
  patientId(original: string, replacement: string): void;
  uid(original: string, replacement: string): void;
}

/** The bytes of one DICOM object: any view of bytes, or a whole buffer (wrapped, not copied). */
export type ObjectBytes = ArrayBufferView | ArrayBufferLike;

export interface DeidentifyOptions {
  /**
   * the secret key for every secret the profile declares (a string is taken as UTF-8), non-empty;
   * default: from the environment, as deidc run (the profile's secret sources, or DEID_KEY)
   */
  key?: Uint8Array | string;
  /** profile parameters, as --param NAME=value; checked against the profile's declarations */
  params?: Readonly<Record<string, string | number | boolean>>;
  /** lookup tables by the path written in the rule file; default: read as deidc run reads them */
  tables?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  crosswalk?: CrosswalkSink;
}

export interface DeidentifyResult {
  /** the de-identified Part 10 file ("written"), or the input unchanged ("skipped"); null otherwise */
  output: Uint8Array | null;
  record: ObjectRecord;
}

export type Deidentifier = (bytes: ObjectBytes, inputPath?: string) => DeidentifyResult;

/** Thrown by deidentifyStream when the object is rejected, quarantined or fails. */
export declare class ObjectNotWrittenError extends Error {
  readonly record: ObjectRecord;
  constructor(record: ObjectRecord);
}

/**
 * Thrown before any object is read when the profile cannot be prepared with
 * the options given: no key where the profile needs one (and none in the
 * environment), an empty key, an unreadable key file or lookup table named
 * by the profile, a parameter that is unknown, missing or of the wrong form.
 * The message says which and names the option to change.
 */
export declare class RunSetupError extends Error {}

/**
 * Thrown by the executor when it prepares the profile and a key it needs has
 * no value. The library checks the keys first (RunSetupError), so this is a
 * safeguard a caller may still catch.
 */
export declare class MissingSecretError extends Error {}

/**
 * A de-identifier with the key, parameters and tables of \`options\`, prepared once.
 * Throws TypeError for options of the wrong type, RunSetupError when the profile cannot be prepared.
 */
export declare function createDeidentifier(options?: DeidentifyOptions): Deidentifier;

/**
 * De-identifies one object (bytes of a DICOM file; a view or an ArrayBuffer is wrapped, not copied).
 * A problem with the object is an outcome, not an exception: see record.outcome.
 * Throws TypeError when \`bytes\` or \`options\` has the wrong type, RunSetupError when the profile cannot be prepared.
 */
export declare function deidentify(bytes: ObjectBytes, options?: DeidentifyOptions, inputPath?: string): DeidentifyResult;

/**
 * De-identifies one object read from a byte stream (a Readable or any async
 * iterable of bytes), yielding the output in chunks. The object is buffered
 * whole before processing. Throws TypeError for a source that is not a byte
 * stream, RunSetupError as deidentify, ObjectNotWrittenError when the object
 * is not written.
 */
export declare function deidentifyStream(
  source: AsyncIterable<ObjectBytes>,
  options?: DeidentifyOptions & { inputPath?: string; onRecord?: (record: ObjectRecord) => void },
): AsyncGenerator<Uint8Array, void, undefined>;
`;
}
