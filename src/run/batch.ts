// The batch driver: hands each input to the per-object work (read,
// de-identify, choose the output path: src/run/stage.ts), in this thread or
// in worker threads (src/run/workers.ts), and then, one object at a time in
// input order, decides whether its file may be written, writes it
// atomically, counts it and reports it. Because every decision that depends on
// earlier objects (an output path already written, crosswalk pairs) is taken
// here in input order, output files, report lines and crosswalks are the same
// for every --jobs value.
//
// Nothing here stops the batch for one bad object: a missing file, an
// unreadable one, a non-DICOM file, an executor error or a worker that dies
// becomes a "failed" record and the loop goes on.

import { mkdirSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Executor } from "../runtime/executor/types";
import { writeFileAtomicSync } from "./atomic";
import type { CrosswalkCollector } from "./crosswalk";
import type { InputEntry, InputFile, InputProblem, InputRoot } from "./inputs";
import { fsReason } from "./paths";
import { emptyCounts, type ReportRecord, type RunCounts } from "./report";
import { LARGE_OBJECT_BYTES, prepareObject, ReadAheadPool, type PendingFile, type PooledRead, type PreparedObject, type StagePlan } from "./stage";
import type { ObjectPairs, WorkerResult } from "./workers";

export interface BatchPlan extends StagePlan {
  entries: readonly InputEntry[];
  roots: readonly InputRoot[];
  /** files read ahead of the one being processed in this thread (at least 1); with workers, objects in flight per worker */
  readAhead: number;
  /** paths no output may take (canonical path: what it is, e.g. "the report of this run") */
  reserved?: ReadonlyMap<string, string>;
}

/** Prepares objects elsewhere (worker threads); RunWorkerPool is the real one. */
export interface ObjectPreparer {
  readonly size: number;
  prepare(index: number, file: InputFile): Promise<WorkerResult>;
}

export interface BatchHooks {
  /** every record, in input order, after its output (if any) is in place */
  record(record: ReportRecord): Promise<void>;
  /** a message about the batch that belongs to no single record */
  notice(text: string): void;
  /** called after each entry with the files and input bytes done so far */
  progress(doneEntries: number, doneBytes: number): void;
  /** the executor's crosswalk sink, when --crosswalk was given */
  crosswalk?: CrosswalkCollector;
  /** reads an input file; the file system unless a test replaces it */
  readInput?: (path: string) => Promise<Uint8Array>;
  /** an executor exception, with its stack, for stderr only (the report gets a generic reason) */
  internalError?: (input: string, detail: string) => void;
  /** writes files while the next objects are prepared (WriterThread); without it, files are written in this thread */
  writer?: OutputWriter;
  /**
   * Asked before each entry: true stops the batch there (a signal). Objects
   * already prepared are finished and reported; no new one is started.
   */
  shouldStop?: () => boolean;
}

/** Writes one file atomically; resolves with why it could not (fsReason), or null. Never rejects. */
export interface OutputWriter {
  write(path: string, parts: readonly Uint8Array[], mode: number | null, movable: boolean): Promise<string | null>;
  /** files smaller than this are written by the batch's own thread (0 or absent: every file goes to the writer) */
  readonly minBytes?: number;
}

type ReadResult = { bytes: Uint8Array; release?: () => void } | { problem: string };

function problemRecord(problem: InputProblem): ReportRecord {
  return { input: problem.display, outcome: "failed", reason: problem.reason, touched: [], warnings: [] };
}

function failedRecord(input: string, reason: string): ReportRecord {
  return { input, outcome: "failed", reason, touched: [], warnings: [] };
}

/** Quarantined originals identify people: owner read and write only. */
const QUARANTINE_MODE = 0o600;

/** Objects kept in flight per worker: enough to keep each busy while the main thread writes results. */
const IN_FLIGHT_PER_WORKER = 4;

/** Files being written (by the writer) while the next objects are prepared. */
const WRITES_IN_FLIGHT = 4;

/** Files read ahead when objects are processed in this thread. */
const READ_AHEAD = 4;

/** Input bytes in flight beyond one object per worker: bounds memory for large objects. */
const IN_FLIGHT_BYTES = 64 << 20;

/**
 * Runs the batch. `executor` prepares objects in this thread unless
 * `preparer` is given, in which case it only vouches that the profile could
 * be prepared and the preparer's workers do the work.
 */
export async function runBatch(executor: Executor, plan: BatchPlan, hooks: BatchHooks, preparer?: ObjectPreparer): Promise<RunCounts> {
  const counts = emptyCounts();
  const inputFiles = new Set(plan.entries.flatMap((e) => (e.kind === "file" ? [e.canonical] : [])));
  // Every path this run wrote (canonical) and the input it came from: a second object for the same path is an error, not a silent overwrite.
  const claimed = new Map<string, string>();
  /** Output folders already created, with their canonical paths: created and resolved once, not per file. */
  const canonicalFolders = new Map<string, string>();
  const usableObjects = new Map<number, number>();
  const filesPerRoot = new Map<number, number>();

  /**
   * Decides, in input order, whether a file may be written, and writes it
   * atomically (with a writer, starts writing it): a problem string when it
   * must not or cannot. `movable`: the parts belong to this file alone.
   */
  const place = (pending: PendingFile, input: string, movable: boolean): string | null | Promise<string | null> => {
    const target = join(pending.baseDir, ...pending.rel.split("/"));
    try {
      const folder = dirname(target);
      let canonicalFolder = canonicalFolders.get(folder);
      if (canonicalFolder === undefined) {
        mkdirSync(folder, { recursive: true });
        canonicalFolder = realpathSync(folder);
        canonicalFolders.set(folder, canonicalFolder);
      }
      const canonical = join(canonicalFolder, basename(target));
      if (inputFiles.has(canonical)) return `${pending.rel} is an input file of this run; it is never overwritten`;
      const reserved = plan.reserved?.get(canonical);
      if (reserved !== undefined) return `${pending.rel} is ${reserved}; choose another output folder`;
      const other = claimed.get(canonical);
      if (other !== undefined) return `${pending.rel} was already written for ${other} in this run`;
      claimed.set(canonical, input);
      const mode = pending.purpose === "quarantine" ? QUARANTINE_MODE : null;
      // A large object is written here: it is prepared alone anyway, and its buffers, handed to another thread,
      // stay there until that thread collects garbage (measured, 48 MB objects between small ones: peak RSS
      // 536 MB with shared read buffers, 344 MB with a copy moved to the writer, 204 MB written here).
      if (hooks.writer && pending.size < LARGE_OBJECT_BYTES && pending.size >= (hooks.writer.minBytes ?? 0)) {
        return hooks.writer.write(target, pending.parts, mode, movable).then((problem) => (problem === null ? null : `cannot write ${pending.rel}: ${problem}`));
      }
      writeFileAtomicSync(target, pending.parts, mode === null ? {} : { mode });
      return null;
    } catch (e) {
      return `cannot write ${pending.rel}: ${fsReason(e)}`;
    }
  };

  /** The object's report record, once its file (if any) is written. */
  const finish = (file: InputFile, prepared: PreparedObject, movable: boolean): ReportRecord | Promise<ReportRecord> => {
    if (prepared.kind === "unreadable") return failedRecord(file.display, prepared.reason);
    counts.bytesIn += prepared.bytesIn;
    if (prepared.kind === "internal-error") {
      hooks.internalError?.(file.display, prepared.detail);
      return failedRecord(file.display, "internal error in the executor (details on stderr)");
    }
    const { record, pending } = prepared;
    if (!pending) return record;
    const settle = (problem: string | null): ReportRecord => {
      if (pending.purpose === "output") {
        if (problem) return { ...record, outcome: "failed", reason: problem };
        counts.bytesOut += pending.size;
        return { ...record, output: pending.rel };
      }
      if (problem) return { ...record, warnings: [...record.warnings, `not copied to the quarantine folder: ${problem}`] };
      return { ...record, quarantineCopy: pending.rel };
    };
    const placed = place(pending, file.display, movable);
    return placed instanceof Promise ? placed.then(settle) : settle(placed);
  };

  // In this thread: files are read ahead asynchronously, into buffers reused from file to file (src/run/stage.ts),
  // and de-identified when their turn comes.
  const pool = new ReadAheadPool();
  const readInput = hooks.readInput
    ? (path: string): Promise<ReadResult> => hooks.readInput!(path).then((bytes) => ({ bytes }), (e: unknown) => ({ problem: `cannot read the file: ${fsReason(e)}` }))
    : (path: string, large: boolean): Promise<PooledRead> => pool.read(path, large);
  const inFlight = new Map<number, Promise<WorkerResult | ReadResult>>();
  let inFlightBytes = 0;
  /** large objects in flight: while one is, nothing else starts */
  let largeInFlight = 0;
  const window = preparer ? preparer.size * IN_FLIGHT_PER_WORKER : Math.max(READ_AHEAD, plan.readAhead);
  const atLeast = preparer ? preparer.size : 1;
  /**
   * Starts entry `index` unless enough is in flight; false when it must wait.
   * A large object (a multi-frame image) is prepared alone: its input and
   * output both live in its worker, then the output in this thread, so two at
   * once would double the peak memory whatever --jobs allows.
   */
  const start = (index: number): boolean => {
    const entry = plan.entries[index];
    if (entry?.kind !== "file" || inFlight.has(index)) return true;
    const large = entry.size >= LARGE_OBJECT_BYTES;
    if (inFlight.size > 0 && (large || largeInFlight > 0)) return false;
    if (large && unreported.length > 0) return false;
    if (inFlight.size >= atLeast && inFlightBytes + entry.size > IN_FLIGHT_BYTES) return false;
    inFlightBytes += entry.size;
    if (large) largeInFlight++;
    inFlight.set(index, preparer ? preparer.prepare(index, entry) : readInput(entry.display, large));
    return true;
  };
  /** The object's result, and what to call once its file is written: the read buffer goes back to the pool. */
  const resultFor = async (index: number, file: InputFile): Promise<WorkerResult & { release?: () => void }> => {
    const pending = await inFlight.get(index)!;
    inFlight.delete(index);
    inFlightBytes -= file.size;
    if (file.size >= LARGE_OBJECT_BYTES) largeInFlight--;
    if (preparer) return pending as WorkerResult;
    const read = pending as ReadResult;
    if ("problem" in read) return { prepared: { kind: "unreadable", reason: read.problem }, pairs: null };
    return { prepared: prepareObject(executor, file, read.bytes, plan), pairs: null, ...(read.release ? { release: read.release } : {}) };
  };
  const replayPairs = (pairs: ObjectPairs | null): void => {
    if (!pairs || !hooks.crosswalk) return;
    for (const [original, replacement] of pairs.patientIds) hooks.crosswalk.patientId(original, replacement);
    for (const [original, replacement] of pairs.uids) hooks.crosswalk.uid(original, replacement);
  };

  /**
   * Objects decided but not yet reported, in input order: each is reported
   * once its file is in place. With a writer, up to WRITES_IN_FLIGHT files
   * are being written while the next objects are prepared; the read buffer
   * of each (its output's pixel data, or its quarantine copy) goes back to
   * the pool only then.
   */
  interface Unreported {
    index: number;
    entry: InputEntry;
    /** the input was read and parsed as DICOM, whatever became of it (a write can still fail) */
    dicom: boolean;
    record: ReportRecord | null;
    wait: Promise<void> | null;
    release: (() => void) | undefined;
    pairs: ObjectPairs | null;
  }
  const unreported: Unreported[] = [];
  let doneBytes = 0;
  const report = async (u: Unreported): Promise<void> => {
    if (u.wait) await u.wait;
    const record = u.record!;
    u.release?.();
    const entry = u.entry;
    if (entry.kind === "file") {
      doneBytes += entry.size;
      filesPerRoot.set(entry.root, (filesPerRoot.get(entry.root) ?? 0) + 1);
      if (u.dicom) usableObjects.set(entry.root, (usableObjects.get(entry.root) ?? 0) + 1);
    }
    replayPairs(u.pairs);
    if (record.outcome === "written") hooks.crosswalk?.commitObject();
    else hooks.crosswalk?.discardObject();
    counts.objects++;
    counts[record.outcome]++;
    await hooks.record(record);
    hooks.progress(u.index + 1, doneBytes);
  };
  const reportAll = async (): Promise<void> => {
    while (unreported.length > 0) await report(unreported.shift()!);
  };

  let next = 0;
  for (const [index, entry] of plan.entries.entries()) {
    if (hooks.shouldStop?.()) break;
    // An entry not yet started waits for a large object before it (see `start`); a large one also waits for every
    // file still being written, since large objects share one read buffer.
    if (entry.kind === "file" && !inFlight.has(index) && unreported.length > 0) await reportAll();
    while (next < plan.entries.length && next < index + window && start(next)) next++;
    const u: Unreported = { index, entry, dicom: false, record: null, wait: null, release: undefined, pairs: null };
    if (entry.kind === "problem") u.record = problemRecord(entry);
    else {
      const { prepared, pairs, release } = await resultFor(index, entry);
      // In this thread the executor reported the object's crosswalk pairs to the collector: taken now, replayed when it is reported.
      u.pairs = preparer ? pairs : (hooks.crosswalk?.takeObject() ?? null);
      u.release = release;
      u.dicom = prepared.kind === "processed" && (prepared.record.outcome !== "failed" || prepared.pending !== null);
      const record = finish(entry, prepared, preparer !== undefined);
      if (record instanceof Promise) {
        u.wait = record.then((r) => {
          u.record = r;
          u.wait = null;
        });
      } else u.record = record;
    }
    unreported.push(u);
    while (unreported.length > 0 && (unreported[0]!.wait === null || unreported.length > WRITES_IN_FLIGHT)) await report(unreported.shift()!);
  }
  await reportAll();

  for (const [index, root] of plan.roots.entries()) {
    const files = filesPerRoot.get(index) ?? 0;
    if (root.folder && files > 0 && !usableObjects.has(index)) hooks.notice(`${root.argument}: no DICOM object among its ${files} file(s)`);
  }
  // A stop leaves entries started but not reported: their reads (or workers) finish on their own and are dropped.
  for (const pending of inFlight.values()) void pending.then((r) => ("release" in r ? r.release?.() : undefined), () => undefined);
  return counts;
}
