// Worker threads for `--jobs N`: the profile is compiled once, in the main
// thread; each worker builds its own executor from the IR and the prepared
// environment (keys, parameters, tables), then reads and de-identifies the
// files the main thread sends it (src/run/stage.ts). Results, with the output
// bytes moved (not copied) to the main thread, go back with their input index;
// the batch driver writes and reports them in input order, so output, report
// and crosswalk are the same for every N.
//
// The worker is the program's own file started again as a worker thread:
// dist/deidc.mjs, or a standalone processor, checks `runWorkerData()` at load
// and serves instead of parsing the command line. That keeps a processor a
// single file.

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { IrProgram } from "../ir/types";
import type { CrosswalkSink, Executor, ExecutorEnvironment } from "../runtime/executor/types";
import type { InputFile } from "./inputs";
import { concatParts } from "../runtime/dicom/writer";
import { prepareObject, ReusingReader, type PreparedObject, type StagePlan } from "./stage";

/** Marks a worker started by the batch driver (a processor imported by someone else's worker is not one). */
const WORKER_KIND = "deidc-run-worker";

/** What a worker starts with. Secrets travel in memory only, as in the main thread. */
export interface RunWorkerData {
  kind: typeof WORKER_KIND;
  ir: IrProgram;
  /** the generated plan (planModuleFunction) the main thread runs, or null: the worker's own createExecutor builds from the IR */
  planSource: string | null;
  env: Omit<ExecutorEnvironment, "crosswalk">;
  /** collect crosswalk pairs and send them back with each object */
  crosswalk: boolean;
  stage: StagePlan;
}

/** Crosswalk pairs reported while processing one object, in the order the executor reported them. */
export interface ObjectPairs {
  patientIds: [string, string][];
  uids: [string, string][];
}

/** One object's result as it comes back from a worker. */
export interface WorkerResult {
  prepared: PreparedObject;
  pairs: ObjectPairs | null;
}

interface Job {
  index: number;
  file: InputFile;
}

type FromWorker = { index: number; result: WorkerResult } | { setupError: string };

class PairRecorder implements CrosswalkSink {
  private pairs: ObjectPairs = { patientIds: [], uids: [] };
  patientId(original: string, replacement: string): void {
    this.pairs.patientIds.push([original, replacement]);
  }
  uid(original: string, replacement: string): void {
    this.pairs.uids.push([original, replacement]);
  }
  take(): ObjectPairs {
    const pairs = this.pairs;
    this.pairs = { patientIds: [], uids: [] };
    return pairs;
  }
}

/** The worker's start data when this thread is a batch worker, else null. */
export function runWorkerData(): RunWorkerData | null {
  if (isMainThread || !parentPort) return null;
  const data = workerData as Partial<RunWorkerData> | null;
  return data && typeof data === "object" && data.kind === WORKER_KIND ? (data as RunWorkerData) : null;
}

/**
 * Serves the main thread's jobs until it closes the channel. `createExecutor`
 * is the program's own: the interpreter in the CLI, the generated code in a
 * processor.
 */
export function serveRunWorker(data: RunWorkerData, createExecutor: (ir: IrProgram, env: ExecutorEnvironment) => Executor): void {
  const port = parentPort!;
  const recorder = data.crosswalk ? new PairRecorder() : null;
  let executor: Executor;
  try {
    executor = createExecutor(data.ir, { ...data.env, ...(recorder ? { crosswalk: recorder } : {}) });
  } catch (e) {
    port.postMessage({ setupError: (e as Error)?.message ?? String(e) } satisfies FromWorker);
    return;
  }
  // One object at a time, and bytes that lie in the read buffer are copied off before the next read: the buffer can be reused.
  const reader = new ReusingReader();
  port.on("message", (job: Job) => {
    const read = reader.read(job.file.display);
    const prepared: PreparedObject = "problem" in read ? { kind: "unreadable", reason: read.problem } : prepareObject(executor, job.file, read.bytes, data.stage);
    const transfer: ArrayBuffer[] = [];
    if (prepared.kind === "processed" && prepared.pending) {
      // One buffer crosses to the main thread: the parts (views of the read buffer among them, which is
      // reused for the next object) are copied into it, once.
      const pending = prepared.pending;
      let whole = concatParts(pending.parts);
      if (reader.owns(whole)) whole = whole.slice();
      pending.parts = [whole];
      transfer.push(whole.buffer as ArrayBuffer);
    }
    const pairs = recorder ? recorder.take() : null;
    port.postMessage({ index: job.index, result: { prepared, pairs } } satisfies FromWorker, transfer);
  });
}

function internalError(detail: string): WorkerResult {
  return { prepared: { kind: "internal-error", bytesIn: 0, detail }, pairs: null };
}

interface Pending {
  resolve(result: WorkerResult): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Worker threads that prepare objects; `prepare` resolves with each object's result, whatever happens to a worker. */
export class RunWorkerPool {
  private readonly slots: Slot[] = [];
  private closed = false;
  /** set when a worker cannot build its executor: every later worker would fail the same way */
  private broken: string | null = null;

  constructor(
    private readonly script: URL,
    readonly size: number,
    private readonly data: Omit<RunWorkerData, "kind">,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  private start(): Slot {
    const worker = new Worker(this.script, { workerData: { kind: WORKER_KIND, ...this.data } satisfies RunWorkerData });
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (detail: string): void => {
      const pending = [...slot.pending.values()];
      slot.pending.clear();
      for (const p of pending) p.resolve(internalError(detail));
      // Later objects go to a fresh worker: one object that kills a worker does not stop the batch.
      const at = this.slots.indexOf(slot);
      if (at >= 0 && !this.closed && this.broken === null) this.slots[at] = this.start();
    };
    worker.on("message", (message: FromWorker) => {
      if ("setupError" in message) {
        this.broken = `the worker thread could not prepare the profile: ${message.setupError}`;
        failAll(this.broken);
        return;
      }
      const pending = slot.pending.get(message.index);
      slot.pending.delete(message.index);
      pending?.resolve(message.result);
    });
    worker.on("error", (e) => failAll(`the worker thread stopped: ${e?.stack ?? String(e)}`));
    worker.on("exit", (code) => {
      if (!this.closed && slot.pending.size > 0) failAll(`the worker thread exited with code ${code}`);
    });
    return slot;
  }

  /** Sends one file to the least busy worker. */
  prepare(index: number, file: InputFile): Promise<WorkerResult> {
    if (this.broken !== null) return Promise.resolve(internalError(this.broken));
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    return new Promise((resolve) => {
      slot.pending.set(index, { resolve });
      slot.worker.postMessage({ index, file } satisfies Job);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
