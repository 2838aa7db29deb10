// The writer thread: `deidc run` writes files in a thread of its own while it
// prepares the next objects. What it writes, reports and pairs in the
// crosswalk is what the same run writes without it; large objects, which
// share one read buffer, are each written before the next is read; a file
// that cannot be written fails only its object; and a writer thread that
// stops hands the writing back to the calling thread.

import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runWithDependencies, type RunDependencies } from "../../src/cli/run";
import type { IrProgram } from "../../src/ir/types";
import { runBatch, type OutputWriter } from "../../src/run/batch";
import type { InputFile } from "../../src/run/inputs";
import { LARGE_OBJECT_BYTES } from "../../src/run/stage";
import { WriterThread, WRITER_THREAD_MIN_BYTES } from "../../src/run/writer-thread";
import { createExecutor } from "../../src/runtime/executor";
import { CapturedStream, CORPUS_DIR, fakeExecutorFactory, listFiles, put, readValidReport, TEST_KEY, tempDir, warnIfNoCorpus } from "./helpers";

warnIfNoCorpus("run/writer-thread");

const RUN_WORKER = pathToFileURL(join(import.meta.dirname, "../../dist/run-worker.mjs"));

/** CT_small with its Pixel Data replaced by `size` bytes of `fill`: a large object when size >= LARGE_OBJECT_BYTES. */
function withPixelData(ct: Uint8Array, size: number, fill: number): Uint8Array {
  const at = Buffer.from(ct).lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57]));
  const header = new Uint8Array(12);
  header.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0]);
  new DataView(header.buffer).setUint32(8, size, true);
  const out = new Uint8Array(at + 12 + size);
  out.set(ct.subarray(0, at));
  out.set(header, at);
  out.fill(fill, at + 12);
  return out;
}

interface Ran {
  code: number;
  stderr: string;
  report: unknown[];
  files: Record<string, Buffer>;
  crosswalk: Record<string, string>;
}

async function runOnce(inputs: string, dir: string, deps: Partial<RunDependencies>): Promise<Ran> {
  const output = join(dir, "out");
  const report = join(dir, "report.jsonl");
  const crosswalk = join(dir, "crosswalk");
  const stderr = new CapturedStream();
  const code = await runWithDependencies("ps315.basic", [inputs], { output, report, crosswalk, jobs: 1, progress: false }, { createExecutor, stderr, env: { DEID_KEY: TEST_KEY }, ...deps });
  const files = Object.fromEntries(listFiles(output).map((rel) => [rel, readFileSync(join(output, rel))]));
  const lines = readValidReport(report).map((line) => {
    const l = line as { summary?: Record<string, unknown> };
    return l.summary ? { summary: { ...l.summary, seconds: 0 } } : l;
  });
  return {
    code,
    stderr: stderr.text.replace(/ in [\d.]+ s \([\d.]+ MB\/s\)/, ""),
    report: lines,
    files,
    crosswalk: Object.fromEntries(listFiles(crosswalk).map((rel) => [rel, readFileSync(join(crosswalk, rel), "utf8")])),
  };
}

describe.skipIf(!CORPUS_DIR)("deidc run with the writer thread", () => {
  it("writes, reports and pairs what the run writes without it, large objects included", async () => {
    const dir = tempDir();
    const inputs = join(dir, "in");
    mkdirSync(inputs);
    const ct = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
    // Small and large objects interleaved, two large ones back to back: each large one is read into the
    // buffer the previous one was written from.
    // The small ones are large enough to be handed to the writer thread (WRITER_THREAD_MIN_BYTES).
    const small = WRITER_THREAD_MIN_BYTES + 1000;
    const sizes = [small, LARGE_OBJECT_BYTES + 6, small, LARGE_OBJECT_BYTES + 4, LARGE_OBJECT_BYTES + 2, small, small, small, small, small];
    sizes.forEach((size, i) => writeFileSync(join(inputs, `${String(i).padStart(2, "0")}.dcm`), withPixelData(ct, size, 0x10 + i)));
    copyFileSync(join(CORPUS_DIR!, "pydicom-debian/MR_small.dcm"), join(inputs, "20-mr.dcm"));
    put(join(inputs, "21-not-dicom.dcm"), "not a DICOM file");

    const threaded = await runOnce(inputs, join(dir, "threaded"), { workerScript: RUN_WORKER });
    const inline = await runOnce(inputs, join(dir, "inline"), {});
    expect(threaded.code).toBe(1); // the non-DICOM file fails
    expect(threaded.stderr).toBe(inline.stderr);
    expect(threaded.report).toEqual(inline.report);
    expect(threaded.crosswalk).toEqual(inline.crosswalk);
    expect(Object.keys(threaded.files).sort()).toEqual(Object.keys(inline.files).sort());
    for (const [rel, bytes] of Object.entries(inline.files)) expect(threaded.files[rel]!.equals(bytes), rel).toBe(true);
    expect(Object.keys(threaded.files)).toHaveLength(sizes.length + 1);

    // Each large output holds its own pixel data, not the next large object's.
    sizes.forEach((size, i) => {
      const out = threaded.files[`${String(i).padStart(2, "0")}.dcm`]!;
      const tail = out.subarray(out.length - size);
      expect(tail.every((b) => b === 0x10 + i), `object ${i}`).toBe(true);
    });
  }, 60_000);

  it("fails only the object whose file cannot be written, and goes on", async () => {
    const dir = tempDir();
    const inputs = join(dir, "in");
    const ct = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
    // Large enough to be handed to the writer thread, whose failure is the one under test.
    for (let i = 0; i < 10; i++) put(join(inputs, `${i}.dcm`), withPixelData(ct, WRITER_THREAD_MIN_BYTES + 1000, i));
    // A folder where the output of 3.dcm goes: the rename onto it fails.
    mkdirSync(join(dir, "threaded", "out", "3.dcm", "occupied"), { recursive: true });
    const ran = await runOnce(inputs, join(dir, "threaded"), { workerScript: RUN_WORKER });
    expect(ran.code).toBe(1);
    const failed = ran.report.filter((l) => (l as { outcome?: string }).outcome === "failed") as { input: string; reason: string }[];
    expect(failed).toHaveLength(1);
    expect(failed[0]!.input).toMatch(/3\.dcm$/);
    expect(failed[0]!.reason).toMatch(/^cannot write 3\.dcm: /);
    expect(Object.keys(ran.files).filter((f) => !f.startsWith("3.dcm"))).toHaveLength(9);
    // No temporary file is left behind.
    expect(listFiles(join(dir, "threaded", "out")).filter((f) => f.includes("deidc-tmp"))).toEqual([]);
  }, 60_000);
});

describe("the batch with a writer", () => {
  it("hands small files to the writer, still reading, and writes large objects itself, each with its own bytes", async () => {
    const dir = tempDir();
    // The fake executor quarantines these: the quarantine copy is the read buffer itself. Each large one no
    // larger than the one before, so that it is read into the same buffer.
    const sizes = [1000, LARGE_OBJECT_BYTES + 6, LARGE_OBJECT_BYTES + 4, 1000, 2000, LARGE_OBJECT_BYTES + 2, 3000];
    const entries: InputFile[] = sizes.map((size, i) => {
      const path = put(join(dir, "in", `quarantine-${i}.dcm`), new Uint8Array(size).fill(0x20 + i));
      return { kind: "file", display: path, canonical: path, mirrorPath: `quarantine-${i}.dcm`, root: 0, size };
    });
    /** A slow writer that checks, when it is done, that the bytes are still those it was given. */
    const changed: string[] = [];
    const written: string[] = [];
    const writer: OutputWriter = {
      async write(path, parts) {
        const before = parts.map((p) => Buffer.from(p));
        await new Promise((resolve) => setTimeout(resolve, 30));
        if (parts.some((p, i) => !before[i]!.equals(p))) changed.push(path);
        writeFileSync(path, Buffer.concat(before));
        written.push(path.split("/").at(-1)!);
        return null;
      },
    };
    const executor = fakeExecutorFactory()({} as IrProgram, { secrets: new Map(), params: new Map(), tables: new Map() });
    const outcomes: string[] = [];
    await runBatch(
      executor,
      { entries, roots: [{ argument: "in", folder: true }], outputDir: join(dir, "out"), layout: "mirror", quarantineDir: join(dir, "q"), readAhead: 1 },
      { record: async (r) => void outcomes.push(r.outcome), notice: () => undefined, progress: () => undefined, writer },
    );
    expect(outcomes).toEqual(sizes.map(() => "quarantined"));
    expect(changed).toEqual([]);
    expect(written.sort()).toEqual(["quarantine-0.dcm", "quarantine-3.dcm", "quarantine-4.dcm", "quarantine-6.dcm"]);
    sizes.forEach((size, i) => {
      const copy = readFileSync(join(dir, "q", `quarantine-${i}.dcm`));
      expect(copy.length).toBe(size);
      expect(copy.every((b) => b === 0x20 + i), `object ${i}`).toBe(true);
    });
  }, 30_000);
});

describe("the batch with a writer that takes only larger files", () => {
  it("writes files below the writer's minimum itself, and hands it the others, with every report in input order", async () => {
    const dir = tempDir();
    const sizes = [1000, 5000, 1500, 4000, 3000, 1000];
    const entries: InputFile[] = sizes.map((size, i) => {
      const path = put(join(dir, "in", `quarantine-${i}.dcm`), new Uint8Array(size).fill(0x30 + i));
      return { kind: "file", display: path, canonical: path, mirrorPath: `quarantine-${i}.dcm`, root: 0, size };
    });
    const handed: string[] = [];
    const writer: OutputWriter = {
      minBytes: 3000,
      async write(path, parts) {
        const bytes = Buffer.concat(parts.map((p) => Buffer.from(p)));
        // Slower than the files written in the batch's thread, so that reports would come out of order if they could.
        await new Promise((resolve) => setTimeout(resolve, 20));
        writeFileSync(path, bytes);
        handed.push(path.split("/").at(-1)!);
        return null;
      },
    };
    const executor = fakeExecutorFactory()({} as IrProgram, { secrets: new Map(), params: new Map(), tables: new Map() });
    const reported: string[] = [];
    await runBatch(
      executor,
      { entries, roots: [{ argument: "in", folder: true }], outputDir: join(dir, "out"), layout: "mirror", quarantineDir: join(dir, "q"), readAhead: 2 },
      { record: async (r) => void reported.push(r.input.split("/").at(-1)!), notice: () => undefined, progress: () => undefined, writer },
    );
    expect(handed.sort()).toEqual(["quarantine-1.dcm", "quarantine-3.dcm", "quarantine-4.dcm"]);
    expect(reported).toEqual(sizes.map((_, i) => `quarantine-${i}.dcm`));
    sizes.forEach((size, i) => {
      const copy = readFileSync(join(dir, "q", `quarantine-${i}.dcm`));
      expect(copy.length).toBe(size);
      expect(copy.every((b) => b === 0x30 + i), `object ${i}`).toBe(true);
    });
  });
});

describe("WriterThread", () => {
  it("fails what a stopped thread had not written, then writes in the calling thread", async () => {
    const dir = tempDir();
    // A thread that ends at once: it never answers.
    const script = put(join(dir, "ends.mjs"), "");
    const writer = new WriterThread(pathToFileURL(script));
    try {
      const first = await writer.write(join(dir, "a.bin"), [Uint8Array.of(1, 2)], null, false);
      expect(first).toMatch(/writer thread exited with code 0/);
      const second = await writer.write(join(dir, "b.bin"), [Uint8Array.of(3), Uint8Array.of(4, 5)], null, false);
      expect(second).toBeNull();
      expect([...readFileSync(join(dir, "b.bin"))]).toEqual([3, 4, 5]);
    } finally {
      await writer.close();
    }
  });

  it("writes parts in order, from shared and unshared memory, with the mode asked for", async () => {
    const dir = tempDir();
    const writer = new WriterThread(RUN_WORKER);
    try {
      const shared = new Uint8Array(new SharedArrayBuffer(8)).fill(7);
      const plain = new Uint8Array(64).fill(9);
      const problem = await writer.write(join(dir, "f.bin"), [Uint8Array.of(1), shared.subarray(2, 5), plain.subarray(10, 12)], 0o600, false);
      expect(problem).toBeNull();
      expect([...readFileSync(join(dir, "f.bin"))]).toEqual([1, 7, 7, 7, 9, 9]);
      // Unshared memory was copied, not moved: the caller's buffer is intact.
      expect(plain.length).toBe(64);
      expect(statSync(join(dir, "f.bin")).mode & 0o777).toBe(0o600);
      expect(await writer.write(join(dir, "missing", "g.bin"), [Uint8Array.of(1)], null, false)).toMatch(/no such file or folder|ENOENT|does not exist/i);
      // A part whose buffer was moved away is empty: the file is written without it, and nothing waits forever.
      const moved = new Uint8Array(16);
      structuredClone(moved.buffer, { transfer: [moved.buffer] });
      expect(await writer.write(join(dir, "h.bin"), [Uint8Array.of(1), moved, Uint8Array.of(2)], null, true)).toBeNull();
      expect([...readFileSync(join(dir, "h.bin"))]).toEqual([1, 2]);
    } finally {
      await writer.close();
    }
  });
});
