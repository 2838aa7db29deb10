// Writing outputs in a thread of their own. Writing a file costs about as
// much as de-identifying it (the kernel copies every byte into the page
// cache, and creating a file is a journal transaction): done by the thread
// that de-identifies, the two add up; done here, the next object is
// de-identified while this one is written (measured on 2,000 CT slices: see
// docs/run.md, "Performance"). It is still one thread that creates files, in
// the order the batch driver decided (creation within one folder is
// serialised by the file system: two threads writing took longer than one).
// Small files are not sent here (WRITER_THREAD_MIN_BYTES): handing one over
// costs more than writing it.
//
// The thread is the program's own file started again (dist/run-worker.mjs,
// or a standalone processor), as the batch workers are (src/run/workers.ts).
// Parts whose memory is shared (the read buffers) cross without a copy; any
// other part is copied once and moved.

import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { writeFileAtomicSync } from "./atomic";
import { fsReason } from "./paths";

const WRITER_KIND = "deidc-run-writer";

/**
 * Files smaller than this are written by the batch driver's own thread. Handing a file over wakes
 * this thread and, when it is done, the driver's: two thread wake-ups, which cost more than writing
 * a small file (measured on 2 cores, 5,000 objects of 39 KB: 3.1-4.7 s with every file handed over,
 * 2.6-3.9 s written by the driver), while writing a CT slice (515 KB) overlaps de-identifying the
 * next (2,000 slices to ext4: 2.1-4.1 s handed over, 3.7-5.4 s written by the driver).
 */
export const WRITER_THREAD_MIN_BYTES = 256 << 10;

interface WriteJob {
  id: number;
  path: string;
  parts: Uint8Array[];
  mode: number | null;
}

interface WriteDone {
  id: number;
  /** why the file could not be written (fsReason), or null */
  problem: string | null;
}

/** The files handed over in one message, in the order the batch driver decided. */
interface WriteBatch {
  jobs: WriteJob[];
}

/** The writer's answer to one batch: each file's outcome, in order. */
interface WriteAnswer {
  done: WriteDone[];
}

/** Whether this thread was started as the batch's writer. */
export function isWriterThread(): boolean {
  if (isMainThread || !parentPort) return false;
  const data = workerData as { kind?: unknown } | null;
  return data !== null && typeof data === "object" && data.kind === WRITER_KIND;
}

/** Writes each file it is sent, atomically, in order, and answers once for each batch it was sent. */
export function serveWriter(): void {
  const port = parentPort!;
  port.on("message", (batch: WriteBatch) => {
    const done: WriteDone[] = [];
    for (const job of batch.jobs) {
      let problem: string | null = null;
      try {
        writeFileAtomicSync(job.path, job.parts, job.mode === null ? {} : { mode: job.mode });
      } catch (e) {
        problem = fsReason(e);
      }
      done.push({ id: job.id, problem });
    }
    port.postMessage({ done } satisfies WriteAnswer);
  });
}

/** Bytes the writer may take without a copy: views of shared memory. */
function isShared(part: Uint8Array): boolean {
  return typeof SharedArrayBuffer !== "undefined" && part.buffer instanceof SharedArrayBuffer;
}

/**
 * The main thread's side. `write` resolves once the file is in place (null)
 * or could not be written (the reason); it never rejects. If the thread
 * stops, what it had not written fails with the reason and later files are
 * written in the calling thread.
 */
export class WriterThread {
  readonly minBytes = WRITER_THREAD_MIN_BYTES;
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (problem: string | null) => void>();
  private nextId = 0;
  private stopped: string | null = null;
  private closing = false;
  /**
   * Files not yet handed over: they go in one message once this thread turns to its event loop (the batch
   * driver waits for a read or a write), so the writer is woken once for several files. Each hand-over
   * woke the writer, and on a 2-vCPU machine the woken thread took the core from the driver at once
   * (perf sched_switch on W1: the main thread preempted 0.16 s in postMessage's wake-ups).
   */
  private queued: WriteJob[] = [];
  private queuedTransfer: ArrayBuffer[] = [];
  private sendScheduled = false;
  /** writes sent and not yet answered; each settles (answered, or the thread stopped) */
  private readonly inFlight = new Set<Promise<string | null>>();

  constructor(script: URL) {
    this.worker = new Worker(script, { workerData: { kind: WRITER_KIND } });
    this.worker.on("message", (answer: WriteAnswer) => {
      for (const done of answer.done) {
        const resolve = this.waiting.get(done.id);
        this.waiting.delete(done.id);
        resolve?.(done.problem);
      }
    });
    this.worker.on("error", (e) => this.stop(`the writer thread stopped: ${e?.message ?? String(e)}`));
    this.worker.on("exit", (code) => {
      if (!this.closing) this.stop(`the writer thread exited with code ${code}`);
    });
  }

  private stop(reason: string): void {
    this.stopped ??= reason;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of waiting) resolve(reason);
  }

  /**
   * Writes `parts` to `path` atomically; the parts must not change until the promise settles.
   * `movable`: the parts' buffers belong to this file alone (a worker's result), so they are moved, not copied.
   */
  write(path: string, parts: readonly Uint8Array[], mode: number | null, movable = false): Promise<string | null> {
    if (this.stopped !== null) {
      try {
        writeFileAtomicSync(path, parts, mode === null ? {} : { mode });
        return Promise.resolve(null);
      } catch (e) {
        return Promise.resolve(fsReason(e));
      }
    }
    const sent: Uint8Array[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const part of parts) {
      // Nothing to write; and a view whose buffer was moved away (detached) is empty too: in a transfer list,
      // such a buffer makes the message vanish without an error, and the write would never be answered.
      if (part.byteLength === 0) continue;
      if (isShared(part)) sent.push(part);
      else if (movable) {
        sent.push(part);
        if (!transfer.includes(part.buffer as ArrayBuffer)) transfer.push(part.buffer as ArrayBuffer);
      } else {
        // Copied once, just the view's bytes, and moved: never the whole buffer it lies in, and never a buffer someone else holds.
        const copy = part.slice();
        sent.push(copy);
        transfer.push(copy.buffer as ArrayBuffer);
      }
    }
    const id = this.nextId++;
    const written = new Promise<string | null>((resolve) => {
      this.waiting.set(id, resolve);
      this.queued.push({ id, path, parts: sent, mode });
      for (const buffer of transfer) if (!this.queuedTransfer.includes(buffer)) this.queuedTransfer.push(buffer);
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(this.send);
      }
    });
    this.inFlight.add(written);
    void written.then(() => this.inFlight.delete(written));
    return written;
  }

  private readonly send = (): void => {
    this.sendScheduled = false;
    const jobs = this.queued;
    const transfer = this.queuedTransfer;
    this.queued = [];
    this.queuedTransfer = [];
    if (jobs.length === 0) return;
    // A thread that stopped meanwhile has answered these already (stop), with its reason.
    if (this.stopped !== null) return;
    try {
      this.worker.postMessage({ jobs } satisfies WriteBatch, transfer);
      return;
    } catch {
      // One file the thread cannot take fails alone: the others are handed over one by one.
    }
    for (const job of jobs) {
      try {
        this.worker.postMessage({ jobs: [job] } satisfies WriteBatch, transfer.filter((b) => job.parts.some((p) => p.buffer === b)));
      } catch (e) {
        const resolve = this.waiting.get(job.id);
        this.waiting.delete(job.id);
        resolve?.(`the writer thread could not take the file: ${(e as Error)?.message ?? String(e)}`);
      }
    }
  };

  /**
   * Ends the thread once every write sent has been answered, so that a run
   * that stops early (an error in the batch) leaves no temporary file behind.
   */
  async close(): Promise<void> {
    await Promise.all(this.inFlight);
    this.closing = true;
    await this.worker.terminate();
    this.stop("the run ended before the file was written");
  }
}
