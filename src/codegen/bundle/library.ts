// The library face of a compiled processor (`import { deidentify } from
// "./processor.mjs"`): bytes of one DICOM object in, the de-identified bytes
// and the audit record out, with the profile fixed at compile time.
//
// Keys, parameters and lookup tables are prepared the way `deidc run`
// prepares them (src/run/keys.ts, params.ts, tables.ts), so a processor used
// as a library and as a program give the same output for the same inputs;
// their messages name the library's options rather than command-line flags
// (src/run/advice.ts).
//
// What a caller can catch: TypeError for an argument of the wrong type
// (checked here, before anything is prepared), RunSetupError for a key,
// parameter or lookup table the profile needs and does not get,
// MissingSecretError from the executor's own check of the keys, and
// ObjectNotWrittenError from the streaming variant.

import { types } from "node:util";
import type { IrProgram } from "../../ir/types";
import type { ExecutionPlan } from "../../runtime/executor/index";
import { processObject, processObjectParts } from "../../runtime/executor/process";
import type { CrosswalkSink, ExecutorEnvironment, ObjectRecord } from "../../runtime/executor/types";
import { LIBRARY_ADVICE } from "../../run/advice";
import { RunSetupError } from "../../run/errors";
import { FALLBACK_KEY_NAME, loadSecrets } from "../../run/keys";
import { typedParams } from "../../run/params";
import { loadTables } from "../../run/tables";
import { MissingSecretError } from "../../runtime/executor/keys";

export { MissingSecretError, RunSetupError };

/** The bytes of one object as the library takes them: any view of bytes, or a whole buffer. */
export type ObjectBytes = ArrayBufferView | ArrayBufferLike;

/** What a generated plan module exports that the processor needs. */
export interface PlanModule {
  IR: IrProgram;
  createPlan(env: ExecutorEnvironment & { runKey?: Uint8Array }): ExecutionPlan;
}

export interface DeidentifyOptions {
  /**
   * The secret key, used for every secret the profile declares (as
   * `--key-file` does); a string is taken as UTF-8. Without it, keys come
   * from the environment as in `deidc run`: the profile's `secret` sources,
   * or DEID_KEY. Anything but a non-empty string or Uint8Array is refused
   * (TypeError for another type, RunSetupError for an empty key).
   */
  key?: Uint8Array | string;
  /** Profile parameters, as `--param NAME=value` would give them; checked against the declarations. */
  params?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Lookup tables by the path written in the rule file: key -> value, the
   * columns of a composite key joined by "\u0000". Without it, the tables are
   * read as `deidc run` reads them: relative to the rule file as the profile
   * names it, which is relative to the profile's folder, taken to be the
   * working directory.
   */
  tables?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Receives original -> replacement Patient IDs and UIDs of written objects. */
  crosswalk?: CrosswalkSink;
}

export interface DeidentifyResult {
  /** the de-identified Part 10 file ("written"), or the input unchanged ("skipped"); null otherwise */
  output: Uint8Array | null;
  /** what happened, for the audit report; never holds an original value */
  record: ObjectRecord;
}

export type Deidentifier = (bytes: ObjectBytes, inputPath?: string) => DeidentifyResult;

/** Thrown by the streaming variant when an object is not written (rejected, quarantined or failed). */
export class ObjectNotWrittenError extends Error {
  constructor(readonly record: ObjectRecord) {
    super(`${record.input}: ${record.outcome}${record.reason ? `: ${record.reason}` : ""}`);
    this.name = "ObjectNotWrittenError";
  }
}

/** Input name used in records when the caller gives none. */
const DEFAULT_INPUT = "<bytes>";

/** Output chunk size of the streaming variant. */
const CHUNK_BYTES = 1 << 16;

/** A short description of a value of the wrong type, for TypeError messages (never the value itself: it may be a key). */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "object";
}

/**
 * The object's bytes as a Uint8Array over the same memory (no copy): a
 * Uint8Array (or Buffer) as is, another view or an ArrayBuffer wrapped.
 * Throws TypeError naming `parameter` for anything else.
 */
function asBytes(value: unknown, parameter: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (types.isAnyArrayBuffer(value)) return new Uint8Array(value);
  throw new TypeError(`${parameter} must be a Uint8Array, another ArrayBufferView or an ArrayBuffer, not ${kindOf(value)}`);
}

function checkOptions(options: unknown, parameter: string): asserts options is DeidentifyOptions {
  if (typeof options !== "object" || options === null) throw new TypeError(`${parameter} must be an object (DeidentifyOptions) or left out, not ${kindOf(options)}`);
}

function environment(ir: IrProgram, options: DeidentifyOptions, baseDir: string): ExecutorEnvironment {
  let secrets: Map<string, Uint8Array>;
  if (options.key !== undefined) {
    const given: unknown = options.key;
    if (typeof given !== "string" && !(given instanceof Uint8Array)) throw new TypeError(`options.key must be a string (taken as UTF-8) or a Uint8Array, not ${kindOf(given)}`);
    const key = typeof given === "string" ? new TextEncoder().encode(given) : given;
    // An empty key is no key (the executor refuses it too); said here in the library's terms.
    if (key.length === 0) throw new RunSetupError("options.key is empty; pass the secret key, or leave `key` out to take keys from the environment");
    // As with --key-file: one key for every declared secret, or the fallback name when none is declared.
    const names = ir.secrets.length > 0 ? ir.secrets.map((s) => s.name) : [FALLBACK_KEY_NAME];
    secrets = new Map(names.map((name) => [name, key]));
  } else {
    secrets = loadSecrets(ir, { env: process.env, advice: LIBRARY_ADVICE, baseDir });
  }
  const given = options.params ?? {};
  if (typeof given !== "object" || given === null) throw new TypeError(`options.params must be an object of parameter values, not ${kindOf(given)}`);
  const params = typedParams(
    ir,
    Object.entries(given).map(([name, value]: [string, unknown]) => {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new TypeError(`options.params.${name} must be a string, number or boolean, not ${kindOf(value)}`);
      }
      return [name, String(value)] as const;
    }),
    LIBRARY_ADVICE,
  );
  const tables = options.tables ?? loadTables(ir, baseDir);
  return { secrets, params, tables, ...(options.crosswalk ? { crosswalk: options.crosswalk } : {}) };
}

export interface ProcessorLibrary {
  /**
   * A function that de-identifies objects with the key, parameters and tables
   * of `options`, prepared once. Throws TypeError for options of the wrong
   * type, RunSetupError for a key, parameter or table the profile needs and
   * does not get.
   */
  createDeidentifier(options?: DeidentifyOptions): Deidentifier;
  /**
   * De-identifies one object (the preparation is reused for the same options
   * object). A problem with the object is an outcome (`record.outcome`), not
   * an exception; arguments of the wrong type throw TypeError, setup problems
   * RunSetupError, as createDeidentifier.
   */
  deidentify(bytes: ObjectBytes, options?: DeidentifyOptions, inputPath?: string): DeidentifyResult;
  /**
   * De-identifies one object read from a stream (a Readable or any async
   * iterable of bytes) and yields the output in chunks. The whole object is
   * buffered first: the executor reads the top-level attributes before it
   * writes the first byte. Throws ObjectNotWrittenError when the object is not
   * written; `onRecord` receives the record either way.
   */
  deidentifyStream(
    source: AsyncIterable<ObjectBytes>,
    options?: DeidentifyOptions & { inputPath?: string; onRecord?: (record: ObjectRecord) => void },
  ): AsyncGenerator<Uint8Array, void, undefined>;
}

/**
 * The library of a processor. `baseDir` stands for the folder of the profile
 * it was compiled from: `from file` keys and lookup tables named relative to
 * the profile are found relative to it (the processor's own folder).
 */
export function processorLibrary(plan: PlanModule, baseDir: string): ProcessorLibrary {
  const createDeidentifier = (options: DeidentifyOptions = {}): Deidentifier => {
    checkOptions(options, "options");
    const executionPlan = plan.createPlan(environment(plan.IR, options, baseDir));
    return (bytes, inputPath = DEFAULT_INPUT) => {
      const result = processObject(executionPlan, asBytes(bytes, "bytes"), inputPath);
      return { output: result.output, record: result.record };
    };
  };

  // One plan per options object, shared by deidentify and deidentifyStream.
  const plans = new WeakMap<DeidentifyOptions, ExecutionPlan>();
  const defaults: DeidentifyOptions = {};
  const planFor = (options: DeidentifyOptions): ExecutionPlan => {
    let executionPlan = plans.get(options);
    if (!executionPlan) plans.set(options, (executionPlan = plan.createPlan(environment(plan.IR, options, baseDir))));
    return executionPlan;
  };
  const deidentify = (bytes: ObjectBytes, options: DeidentifyOptions = defaults, inputPath = DEFAULT_INPUT): DeidentifyResult => {
    const input = asBytes(bytes, "bytes");
    checkOptions(options, "options");
    const result = processObject(planFor(options), input, inputPath);
    return { output: result.output, record: result.record };
  };

  async function* deidentifyStream(
    source: AsyncIterable<ObjectBytes>,
    options: DeidentifyOptions & { inputPath?: string; onRecord?: (record: ObjectRecord) => void } = {},
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const iterable = source as unknown as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null;
    if (typeof iterable !== "object" || iterable === null || (typeof iterable[Symbol.asyncIterator] !== "function" && typeof iterable[Symbol.iterator] !== "function")) {
      throw new TypeError(`source must be a byte stream (a Readable or another async iterable of Uint8Array), not ${kindOf(source)}`);
    }
    checkOptions(options, "options");
    // Prepared before the source is read: a missing key is said before the stream is consumed.
    const executionPlan = planFor(options);
    const chunks: Uint8Array[] = [];
    // A Readable with an encoding set yields strings; the object is bytes, so take them back as UTF-8 would be wrong: refuse.
    for await (const chunk of source as AsyncIterable<unknown>) {
      if (typeof chunk === "string") throw new TypeError("deidentifyStream needs a byte stream; the source yields text (remove setEncoding)");
      chunks.push(asBytes(chunk, "a chunk of the source"));
    }
    // The output's parts (processObjectParts), so that kept pixel data is yielded from the input without a copy.
    const { parts, record } = processObjectParts(executionPlan, Buffer.concat(chunks), options.inputPath ?? DEFAULT_INPUT);
    options.onRecord?.(record);
    if (!parts) throw new ObjectNotWrittenError(record);
    for (const part of parts) {
      for (let at = 0; at < part.length; at += CHUNK_BYTES) yield part.subarray(at, Math.min(at + CHUNK_BYTES, part.length));
    }
  }

  return { createDeidentifier, deidentify, deidentifyStream };
}
