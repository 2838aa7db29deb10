// The library face of a compiled processor (`import { deidentify } from
// "./processor.mjs"`): bytes of one DICOM object in, the de-identified bytes
// and the audit record out, with the profile fixed at compile time.
//
// Keys, parameters and lookup tables are prepared the way `deidc run`
// prepares them (src/run/keys.ts, params.ts, tables.ts), so a processor used
// as a library and as a program give the same output for the same inputs.

import type { IrProgram } from "../../ir/types";
import type { ExecutionPlan } from "../../runtime/executor/index";
import { processObject, processObjectParts } from "../../runtime/executor/process";
import type { CrosswalkSink, ExecutorEnvironment, ObjectRecord } from "../../runtime/executor/types";
import { FALLBACK_KEY_NAME, loadSecrets } from "../../run/keys";
import { parseParams } from "../../run/params";
import { loadTables } from "../../run/tables";

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
   * or DEID_KEY.
   */
  key?: Uint8Array | string;
  /** Profile parameters, as `--param NAME=value` would give them; checked against the declarations. */
  params?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Lookup tables by the path written in the rule file: key -> value, the
   * columns of a composite key joined by "\u0000". Without it, the tables are
   * read as `deidc run` reads them (relative to the rule file's path as
   * recorded in the profile, from the current folder).
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

export type Deidentifier = (bytes: Uint8Array, inputPath?: string) => DeidentifyResult;

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

function environment(ir: IrProgram, options: DeidentifyOptions): ExecutorEnvironment {
  let secrets: Map<string, Uint8Array>;
  if (options.key !== undefined) {
    const key = typeof options.key === "string" ? new TextEncoder().encode(options.key) : options.key;
    // As with --key-file: one key for every declared secret, or the fallback name when none is declared.
    const names = ir.secrets.length > 0 ? ir.secrets.map((s) => s.name) : [FALLBACK_KEY_NAME];
    secrets = new Map(names.map((name) => [name, key]));
  } else {
    secrets = loadSecrets(ir, { env: process.env });
  }
  const params = parseParams(
    ir,
    Object.entries(options.params ?? {}).map(([name, value]) => `${name}=${String(value)}`),
  );
  const tables = options.tables ?? loadTables(ir);
  return { secrets, params, tables, ...(options.crosswalk ? { crosswalk: options.crosswalk } : {}) };
}

export interface ProcessorLibrary {
  /** A function that de-identifies objects with the key, parameters and tables of `options`, prepared once. */
  createDeidentifier(options?: DeidentifyOptions): Deidentifier;
  /** De-identifies one object (the preparation is reused for the same options object). */
  deidentify(bytes: Uint8Array, options?: DeidentifyOptions, inputPath?: string): DeidentifyResult;
  /**
   * De-identifies one object read from a stream (a Readable or any async
   * iterable of bytes) and yields the output in chunks. The whole object is
   * buffered first: the executor reads the top-level attributes before it
   * writes the first byte. Throws ObjectNotWrittenError when the object is not
   * written; `onRecord` receives the record either way.
   */
  deidentifyStream(
    source: AsyncIterable<Uint8Array>,
    options?: DeidentifyOptions & { inputPath?: string; onRecord?: (record: ObjectRecord) => void },
  ): AsyncGenerator<Uint8Array, void, undefined>;
}

export function processorLibrary(plan: PlanModule): ProcessorLibrary {
  const createDeidentifier = (options: DeidentifyOptions = {}): Deidentifier => {
    const executionPlan = plan.createPlan(environment(plan.IR, options));
    return (bytes, inputPath = DEFAULT_INPUT) => {
      const result = processObject(executionPlan, bytes, inputPath);
      return { output: result.output, record: result.record };
    };
  };

  // One plan per options object, shared by deidentify and deidentifyStream.
  const plans = new WeakMap<DeidentifyOptions, ExecutionPlan>();
  const defaults: DeidentifyOptions = {};
  const planFor = (options: DeidentifyOptions): ExecutionPlan => {
    let executionPlan = plans.get(options);
    if (!executionPlan) plans.set(options, (executionPlan = plan.createPlan(environment(plan.IR, options))));
    return executionPlan;
  };
  const deidentify = (bytes: Uint8Array, options: DeidentifyOptions = defaults, inputPath = DEFAULT_INPUT): DeidentifyResult => {
    const result = processObject(planFor(options), bytes, inputPath);
    return { output: result.output, record: result.record };
  };

  async function* deidentifyStream(
    source: AsyncIterable<Uint8Array>,
    options: DeidentifyOptions & { inputPath?: string; onRecord?: (record: ObjectRecord) => void } = {},
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const chunks: Uint8Array[] = [];
    // A Readable with an encoding set yields strings; the object is bytes, so take them back as UTF-8 would be wrong: refuse.
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      if (typeof chunk === "string") throw new TypeError("deidentifyStream needs a byte stream; the source yields text (remove setEncoding)");
      chunks.push(chunk);
    }
    // The output's parts (processObjectParts), so that kept pixel data is yielded from the input without a copy.
    const { parts, record } = processObjectParts(planFor(options), Buffer.concat(chunks), options.inputPath ?? DEFAULT_INPUT);
    options.onRecord?.(record);
    if (!parts) throw new ObjectNotWrittenError(record);
    for (const part of parts) {
      for (let at = 0; at < part.length; at += CHUNK_BYTES) yield part.subarray(at, Math.min(at + CHUNK_BYTES, part.length));
    }
  }

  return { createDeidentifier, deidentify, deidentifyStream };
}
