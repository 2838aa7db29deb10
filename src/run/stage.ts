// The part of one object's work that does not depend on the objects before
// it: read the file, de-identify it and work out where the output goes. It
// runs in the main thread with --jobs 1 and in worker threads otherwise;
// either way the batch driver then decides, in input order, whether each file
// may be written, and writes it (src/run/batch.ts), so output and report do
// not depend on --jobs. Files are never written here, by the workers: measured,
// two threads creating files in one folder took twice as long as one (the file
// system serialises creation within a folder).

import { closeSync, fstatSync, openSync, read as readAsync, readFileSync, readSync } from "node:fs";
import type { Executor, ObjectParts, ObjectRecord } from "../runtime/executor/types";
import type { InputFile } from "./inputs";
import { outputPathFor, type LayoutName } from "./layout";
import { fsReason } from "./paths";
import type { ReportRecord } from "./report";

/** Where files go: the plain-data part of the batch plan, sent to worker threads. */
export interface StagePlan {
  /** absolute path of the output folder */
  outputDir: string;
  layout: LayoutName;
  /** absolute path of the --quarantine folder, or null to only report quarantined objects */
  quarantineDir: string | null;
}

/** A file to write once the driver has decided it may exist. */
export interface PendingFile {
  /** "output": the de-identified object; "quarantine": the unchanged original */
  purpose: "output" | "quarantine";
  /** absolute folder the path is relative to */
  baseDir: string;
  /** "/"-separated path below baseDir */
  rel: string;
  /** the file's bytes in order (ObjectParts): written with one gathering write */
  parts: readonly Uint8Array[];
  /** the sum of the parts' lengths */
  size: number;
}

/** One object after the order-independent work. */
export type PreparedObject =
  | { kind: "unreadable"; reason: string }
  /** the executor threw: `detail` is its stack, for stderr only */
  | { kind: "internal-error"; bytesIn: number; detail: string }
  | { kind: "processed"; bytesIn: number; record: ReportRecord; pending: PendingFile | null };

/** The executor's record with the input path as this run shows it and the arrays the report schema requires. */
function normalisedRecord(record: ObjectRecord, input: string): ReportRecord {
  return { ...record, input, touched: record.touched ?? [], warnings: record.warnings ?? [] };
}

/**
 * An object at least this large (a multi-frame image, not a slice) is read
 * into its own buffer, so that it does not pin its size in memory for the
 * rest of the run, and the batch driver prepares it with nothing else in
 * flight (src/run/batch.ts): peak memory is then about one large object's
 * input and output, whatever --jobs.
 */
export const LARGE_OBJECT_BYTES = 16 << 20;

/**
 * The buffer of large objects, which are read one at a time. A fresh buffer
 * per large object is garbage once the object is written, and the garbage
 * collector lets several such buffers pile up before it runs (measured: 64-frame
 * CT objects of 34 MB, peak RSS varying from 250 to 310 MB from run to run);
 * one buffer, reused while large objects follow each other and dropped at the
 * next small one, holds one object's size.
 */
class LargeBuffer {
  private buffer: Uint8Array | null = null;

  take(size: number): Uint8Array {
    if (!this.buffer || this.buffer.length < size) {
      this.buffer = null; // the old one is garbage before the new one is allocated
      this.buffer = new Uint8Array(size);
    }
    return this.buffer;
  }

  drop(): void {
    this.buffer = null;
  }

  owns(bytes: Uint8Array): boolean {
    return this.buffer !== null && bytes.buffer === this.buffer.buffer;
  }
}

/**
 * Reads inputs into one buffer reused from file to file. A fresh buffer per
 * file costs a page fault per 4 KiB on first touch (measured: 500 CT slices,
 * 263 MB, read in 77-154 ms with readFileSync, 37 ms into a reused buffer).
 * The bytes it returns are valid until the next `read`: for a thread that is
 * done with each object (written, or copied off) before reading the next one.
 */
export class ReusingReader {
  private buffer = new Uint8Array(0);

  /** Large objects' buffer: kept while large objects follow each other, dropped at the next small one (see LargeBuffer). */
  private readonly large = new LargeBuffer();

  /** Whether `bytes` lie in a reused buffer, and so must be copied to outlive the next read. */
  owns(bytes: Uint8Array): boolean {
    return bytes.buffer === this.buffer.buffer || this.large.owns(bytes);
  }

  read(path: string): { bytes: Uint8Array } | { problem: string } {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      return { problem: `cannot read the file: ${fsReason(e)}` };
    }
    try {
      const size = fstatSync(fd).size;
      let buffer: Uint8Array;
      if (size >= LARGE_OBJECT_BYTES) buffer = this.large.take(size + 1);
      else {
        this.large.drop();
        if (this.buffer.length < size + 1) this.buffer = new Uint8Array(Math.max(size + 1, this.buffer.length * 2));
        buffer = this.buffer;
      }
      let at = 0;
      for (;;) {
        const wanted = size + 1 - at;
        const n = readSync(fd, buffer, at, wanted, at);
        at += n;
        if (n === 0 || n < wanted || at > size) break;
      }
      // A file that changed size while being read: read it again, whole, as it is now.
      if (at !== size) return { bytes: readFileSync(path) };
      return { bytes: buffer.subarray(0, size) };
    } catch (e) {
      return { problem: `cannot read the file: ${fsReason(e)}` };
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Memory the writer thread (src/run/writer-thread.ts) can write from without
 * a copy: an output's pixel data is a view of its input's read buffer.
 */
function sharedBytes(size: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(size));
}

/** One file read ahead: its bytes, and `release` to call once nothing refers to them any more. */
export type PooledRead = { bytes: Uint8Array; release(): void } | { problem: string };

function readAt(fd: number, buffer: Uint8Array, at: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => readAsync(fd, buffer, at, length, at, (e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * Reads a file of `size` bytes into `buffer` (room for size + 1) and returns
 * how many bytes it holds: `size` unless it changed while being read. Asking
 * one byte more than the size makes the end of the file show as a short
 * read, so one read call usually does (not a second one to see that nothing
 * follows); a read that stops early for another reason reads as a changed
 * file, which the caller reads again whole.
 */
async function readWhole(fd: number, buffer: Uint8Array, size: number): Promise<number> {
  let at = 0;
  for (;;) {
    const wanted = size + 1 - at;
    const n = await readAt(fd, buffer, at, wanted);
    at += n;
    if (n === 0 || n < wanted || at > size) return at;
  }
}

/**
 * Reads files ahead of their turn, asynchronously, into buffers reused from
 * file to file: the read of the next files overlaps de-identifying and
 * writing this one, which is what counts when inputs come from the disk
 * (measured: 500 CT slices, 263 MB, out of the page cache, took 0.84 s to
 * read, longer than de-identifying and writing them), without a fresh buffer
 * (and its page faults) per file. Opening and sizing are synchronous: one
 * thread-pool round trip per file, the read.
 */
export class ReadAheadPool {
  private readonly free: Uint8Array[] = [];
  /**
   * Large objects are read one at a time, with nothing else in flight (src/run/batch.ts): one buffer serves them all.
   * Not shared memory: a large object is written by the batch driver's own thread, and shared buffers are freed
   * late (measured: 48 MB objects alternating with small ones took RSS from 221 to 536 MB with shared buffers).
   */
  private readonly large = new LargeBuffer();

  /**
   * `large`: whether the driver started this file as a large object, alone. A file that has grown past
   * LARGE_OBJECT_BYTES since the driver listed it is read into a buffer of its own, never into the one
   * a large object started alone may be using.
   */
  async read(path: string, large: boolean): Promise<PooledRead> {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      return { problem: `cannot read the file: ${fsReason(e)}` };
    }
    let buffer: Uint8Array | null = null;
    try {
      const size = fstatSync(fd).size;
      if (size >= LARGE_OBJECT_BYTES) {
        const own = large ? this.large.take(size + 1) : new Uint8Array(size + 1);
        if ((await readWhole(fd, own, size)) !== size) return { bytes: readFileSync(path), release: () => undefined };
        return { bytes: own.subarray(0, size), release: () => undefined };
      }
      this.large.drop();
      buffer = this.free.pop() ?? sharedBytes(0);
      if (buffer.length < size + 1) buffer = sharedBytes(Math.max(size + 1, buffer.length * 2));
      // A file that changed size while being read: read it again, whole, as it is now.
      if ((await readWhole(fd, buffer, size)) !== size) {
        this.free.push(buffer);
        return { bytes: readFileSync(path), release: () => undefined };
      }
      const owned = buffer;
      buffer = null;
      return { bytes: owned.subarray(0, size), release: () => this.free.push(owned) };
    } catch (e) {
      if (buffer) this.free.push(buffer);
      return { problem: `cannot read the file: ${fsReason(e)}` };
    } finally {
      closeSync(fd);
    }
  }
}

function sizeOf(parts: readonly Uint8Array[]): number {
  let size = 0;
  for (const p of parts) size += p.length;
  return size;
}

/** De-identifies one object that has been read and says what to write. */
export function prepareObject(executor: Executor, file: InputFile, bytes: Uint8Array, plan: StagePlan): PreparedObject {
  let result: ObjectParts;
  try {
    if (executor.processParts) result = executor.processParts(bytes, file.display);
    else {
      const { record, output } = executor.process(bytes, file.display);
      result = { record, parts: output ? [output] : null };
    }
  } catch (e) {
    return { kind: "internal-error", bytesIn: bytes.length, detail: (e as Error)?.stack ?? String(e) };
  }
  const record = normalisedRecord(result.record, file.display);
  // A skipped object's output is its input, unchanged: placed like a written one.
  if (record.outcome === "written" || record.outcome === "skipped") {
    if (!result.parts) return { kind: "processed", bytesIn: bytes.length, record: { ...record, outcome: "failed", reason: "the executor reported the object written but returned no bytes" }, pending: null };
    const where = outputPathFor(plan.layout, file, record);
    if ("problem" in where) return { kind: "processed", bytesIn: bytes.length, record: { ...record, outcome: "failed", reason: where.problem }, pending: null };
    return { kind: "processed", bytesIn: bytes.length, record, pending: { purpose: "output", baseDir: plan.outputDir, rel: where.path, parts: result.parts, size: sizeOf(result.parts) } };
  }
  if (record.outcome === "quarantined" && plan.quarantineDir) {
    // The original, unchanged: a person must judge what the profile could not.
    return { kind: "processed", bytesIn: bytes.length, record, pending: { purpose: "quarantine", baseDir: plan.quarantineDir, rel: file.mirrorPath, parts: [bytes], size: bytes.length } };
  }
  return { kind: "processed", bytesIn: bytes.length, record, pending: null };
}
