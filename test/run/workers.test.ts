// --jobs N: objects prepared elsewhere (worker threads) come back in any
// order; the driver still places, reports and crosswalks them in input order.
// A worker that dies fails only the objects it held.

import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runBatch, type ObjectPreparer } from "../../src/run/batch";
import { CrosswalkCollector } from "../../src/run/crosswalk";
import { collectInputs, type InputFile } from "../../src/run/inputs";
import type { ReportRecord } from "../../src/run/report";
import { prepareObject } from "../../src/run/stage";
import { RunWorkerPool, type WorkerResult } from "../../src/run/workers";
import { planModuleFunction } from "../../src/codegen/in-memory";
import { COMPILER_VERSION } from "../../src/ir/build";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import { CORPUS_DIR, fakeDicom, fakeExecutorFactory, listFiles, put, reversed, tempDir, TEST_KEY } from "./helpers";

const fakeIr = {} as never;
const env = () => ({ secrets: new Map(), params: new Map(), tables: new Map() });

/** Prepares in this thread like a worker would, but resolves in reverse order of submission, a few at a time. */
class ShuffledPreparer implements ObjectPreparer {
  readonly size = 2;
  private waiting: (() => void)[] = [];
  constructor(private readonly work: (file: InputFile) => WorkerResult) {}
  prepare(_index: number, file: InputFile): Promise<WorkerResult> {
    return new Promise((resolve) => {
      this.waiting.push(() => resolve(this.work(file)));
      if (this.waiting.length === 3) this.flush();
      else setTimeout(() => this.flush(), 5);
    });
  }
  private flush(): void {
    for (const release of this.waiting.splice(0).reverse()) release();
  }
}

describe("runBatch with prepared objects from elsewhere", () => {
  it("places, counts, reports and crosswalks them in input order", async () => {
    const dir = tempDir();
    const names = ["a.dcm", "b-reject.dcm", "c.dcm", "d.dcm", "e-bad.dcm", "f.dcm", "g.dcm"];
    for (const name of names) put(join(dir, "in", name), fakeDicom(`${name[0]}:patient`));
    const collected = await collectInputs([join(dir, "in")], { exclude: [] });
    const plan = { entries: collected.entries, roots: collected.roots, outputDir: join(dir, "out"), layout: "mirror" as const, quarantineDir: null, readAhead: 1 };

    // What a worker does: its own executor reporting pairs into a recorder, the pairs returned with the object.
    const pairsOf = new Map<string, { patientIds: [string, string][]; uids: [string, string][] }>();
    const recorder = { patientId: (o: string, r: string) => pending.patientIds.push([o, r]), uid: (o: string, r: string) => pending.uids.push([o, r]) };
    let pending: { patientIds: [string, string][]; uids: [string, string][] } = { patientIds: [], uids: [] };
    const workerExecutor = fakeExecutorFactory()(fakeIr, { ...env(), crosswalk: recorder });
    const preparer = new ShuffledPreparer((file) => {
      const prepared = prepareObject(workerExecutor, file, new Uint8Array(readFileSync(file.display)), plan);
      const pairs = pending;
      pending = { patientIds: [], uids: [] };
      pairsOf.set(file.display, pairs);
      return { prepared, pairs };
    });

    const records: ReportRecord[] = [];
    const crosswalk = new CrosswalkCollector();
    const counts = await runBatch(
      fakeExecutorFactory()(fakeIr, env()),
      plan,
      { record: async (r) => void records.push(r), notice: () => undefined, progress: () => undefined, crosswalk },
      preparer,
    );

    expect(records.map((r) => r.input)).toEqual(names.map((n) => join(dir, "in", n)));
    expect(records.map((r) => r.outcome)).toEqual(["written", "rejected", "written", "written", "failed", "written", "written"]);
    expect(counts).toMatchObject({ objects: 7, written: 5, rejected: 1, failed: 1 });
    expect(listFiles(join(dir, "out"))).toEqual(["a.dcm", "c.dcm", "d.dcm", "f.dcm", "g.dcm"]);
    expect(readFileSync(join(dir, "out", "c.dcm"))).toEqual(Buffer.from(reversed(fakeDicom("c:patient"))));
    // Pairs of written objects only, from the results that carried them.
    expect(crosswalk.patientIdPairs().map(([o]) => o)).toEqual(["a", "c", "d", "f", "g"]);
    expect(pairsOf.get(join(dir, "in", "b-reject.dcm"))!.patientIds).toEqual([]);
  });

  it("keeps the first object for an output path and refuses the later one", async () => {
    const dir = tempDir();
    put(join(dir, "one", "same.dcm"), fakeDicom("x:1"));
    put(join(dir, "two", "same.dcm"), fakeDicom("y:2"));
    const collected = await collectInputs([join(dir, "one"), join(dir, "two")], { exclude: [] });
    const plan = { entries: collected.entries, roots: collected.roots, outputDir: join(dir, "out"), layout: "mirror" as const, quarantineDir: null, readAhead: 1 };
    const executor = fakeExecutorFactory()(fakeIr, env());
    const preparer = new ShuffledPreparer((file) => ({ prepared: prepareObject(executor, file, new Uint8Array(readFileSync(file.display)), plan), pairs: null }));
    const records: ReportRecord[] = [];
    await runBatch(executor, plan, { record: async (r) => void records.push(r), notice: () => undefined, progress: () => undefined }, preparer);
    expect(records.map((r) => r.outcome)).toEqual(["written", "failed"]);
    expect(records[1]!.reason).toMatch(/same\.dcm was already written for .*one.*same\.dcm in this run/);
    // Only the first object's bytes, and no temporary file left behind.
    expect(listFiles(join(dir, "out"))).toEqual(["same.dcm"]);
    expect(readFileSync(join(dir, "out", "same.dcm"))).toEqual(Buffer.from(reversed(fakeDicom("x:1"))));
  });
});

describe("RunWorkerPool", () => {
  it("fails only the objects of a worker that dies, and goes on with a new worker", async () => {
    const dir = tempDir();
    // A worker that answers the first job it gets and dies on the second.
    const script = join(dir, "dying-worker.mjs");
    writeFileSync(
      script,
      `import { parentPort } from "node:worker_threads";
let jobs = 0;
parentPort.on("message", (job) => {
  if (++jobs === 2) process.exit(7);
  parentPort.postMessage({ index: job.index, result: { prepared: { kind: "unreadable", reason: "served " + job.file.display }, pairs: null } });
});
`,
    );
    const pool = new RunWorkerPool(pathToFileURL(script), 1, { ir: fakeIr, planSource: null, env: env(), crosswalk: false, stage: { outputDir: dir, layout: "mirror", quarantineDir: null } });
    const file = (name: string): InputFile => ({ kind: "file", display: name, canonical: name, mirrorPath: name, root: 0, size: 1 });
    try {
      const first = await pool.prepare(0, file("a"));
      expect(first.prepared).toEqual({ kind: "unreadable", reason: "served a" });
      const second = await pool.prepare(1, file("b"));
      expect(second.prepared.kind).toBe("internal-error");
      expect(second.prepared.kind === "internal-error" && second.prepared.detail).toMatch(/exited with code 7/);
      const third = await pool.prepare(2, file("c"));
      expect(third.prepared).toEqual({ kind: "unreadable", reason: "served c" });
    } finally {
      await pool.close();
    }
  });

  it.skipIf(!CORPUS_DIR).each([
    ["the executor built from the IR", false],
    ["the generated plan the main thread sends", true],
  ])("runs dist/run-worker.mjs with %s: the output of the main thread's interpreter, byte for byte", async (_what, generated) => {
    const ir = compileProfile("ps315.basic").ir!;
    const env = { secrets: new Map([["key", new TextEncoder().encode(TEST_KEY)]]), params: new Map(), tables: new Map() };
    const stage = { outputDir: tempDir(), layout: "mirror" as const, quarantineDir: null };
    const workerScript = pathToFileURL(join(import.meta.dirname, "../../dist/run-worker.mjs"));
    const planSource = generated ? planModuleFunction(ir, COMPILER_VERSION) : null;
    const pool = new RunWorkerPool(workerScript, 2, { ir, planSource, env, crosswalk: true, stage });
    const inThread = createExecutor(ir, env);
    try {
      for (const [index, name] of ["pydicom-debian/CT_small.dcm", "pydicom-debian/MR_small_bigendian.dcm"].entries()) {
        const path = join(CORPUS_DIR!, name);
        const file: InputFile = { kind: "file", display: path, canonical: path, mirrorPath: basename(path), root: 0, size: 0 };
        const { prepared, pairs } = await pool.prepare(index, file);
        const expected = prepareObject(inThread, file, new Uint8Array(readFileSync(path)), stage);
        expect(prepared.kind).toBe("processed");
        if (prepared.kind !== "processed" || expected.kind !== "processed") continue;
        expect(prepared.record).toEqual(expected.record);
        // In the worker the parts were joined into the one buffer that crossed to this thread.
        expect(prepared.pending!.parts).toHaveLength(1);
        expect(Buffer.from(prepared.pending!.parts[0]!).equals(Buffer.concat(expected.pending!.parts))).toBe(true);
        expect(prepared.pending!.size).toBe(expected.pending!.size);
        // The worker reports the object's crosswalk pairs with it.
        expect(pairs!.uids.length).toBeGreaterThan(0);
      }
    } finally {
      await pool.close();
    }
  });
});
