// `deidc run` through runWithDependencies with a fake executor: the driver's
// plumbing (walk, layout, atomic writes, report, crosswalk, quarantine,
// messages, exit codes, refusals) without real de-identification.

import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/exit";
import { runWithDependencies, type RunCliOptions } from "../../src/cli/run";
import type { IrProgram } from "../../src/ir/types";
import type { ExecutorEnvironment } from "../../src/runtime/executor/types";
import { CapturedStream, fakeDicom, fakeExecutorFactory, listFiles, put, readValidReport, reversed, TEST_KEY, tempDir } from "./helpers";

interface Outcome {
  code: number;
  stderr: CapturedStream;
  seen: { ir?: IrProgram; env?: ExecutorEnvironment };
}

async function run(inputs: string[], opts: RunCliOptions, extra: { env?: Record<string, string>; profile?: string; stderr?: CapturedStream; readInput?: (p: string) => Promise<Uint8Array> } = {}): Promise<Outcome> {
  const stderr = extra.stderr ?? new CapturedStream();
  const seen: Outcome["seen"] = {};
  const code = await runWithDependencies(extra.profile ?? "ps315.basic", inputs, opts, {
    createExecutor: fakeExecutorFactory(seen),
    stderr,
    env: extra.env ?? { DEID_KEY: TEST_KEY },
    ...(extra.readInput ? { readInput: extra.readInput } : {}),
  });
  return { code, stderr, seen };
}

/** A batch: good objects in nested folders, plus one of each thing that must not be written. */
function makeBatch(dir: string): string {
  const input = join(dir, "in");
  put(join(input, "p1", "a.dcm"), fakeDicom("P1:a"));
  put(join(input, "p1", "b.dcm"), fakeDicom("P1:b"));
  put(join(input, "p2", "c.dcm"), fakeDicom("P2:c"));
  put(join(input, "p2", "reject-me.dcm"), fakeDicom("P2:r"));
  put(join(input, "p2", "quarantine-me.dcm"), fakeDicom("P2:q"));
  put(join(input, "p3", "bad.dcm"), fakeDicom("P3:bad"));
  put(join(input, "p3", "notes.txt"), "not DICOM at all");
  put(join(input, ".hidden.dcm"), fakeDicom("P9:hidden"));
  return input;
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f)).toString("base64")]));
}

describe("deidc run, mirror layout", () => {
  it("writes good objects, reports the rest, and exits 1", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const before = snapshot(input);
    const out = join(dir, "out");
    const reportPath = join(dir, "report.jsonl");
    const { code, stderr, seen } = await run([input], { output: out, report: reportPath });

    expect(code).toBe(1);
    expect(listFiles(out)).toEqual(["p1/a.dcm", "p1/b.dcm", "p2/c.dcm"]);
    for (const f of ["p1/a.dcm", "p1/b.dcm", "p2/c.dcm"]) {
      expect(new Uint8Array(readFileSync(join(out, f)))).toEqual(reversed(new Uint8Array(readFileSync(join(input, f)))));
    }
    expect(snapshot(input)).toEqual(before);
    expect(readdirSync(out).some((n) => n.includes("deidc-tmp"))).toBe(false);

    expect(stderr.lines).toEqual([
      `deidc: ${join(input, "p2/quarantine-me.dcm")}: quarantined: fake quarantine (fake.deid:3)`,
      `deidc: ${join(input, "p2/reject-me.dcm")}: rejected: fake rejection (fake.deid:3)`,
      `deidc: ${join(input, "p3/bad.dcm")}: fake parse failure (at byte 132)`,
      `deidc: ${join(input, "p3/notes.txt")}: not a DICOM file: no "DICM" at offset 0x80 (at byte 128)`,
      expect.stringMatching(/^deidc: 7 object\(s\): 3 written, 1 rejected, 1 quarantined, 2 failed; 0\.0 MB read, 0\.0 MB written in \d+\.\d s \(\d+\.\d MB\/s\)$/),
    ]);

    const lines = readValidReport(reportPath) as Record<string, unknown>[];
    expect(lines.map((l) => [l.input, l.outcome, l.output])).toEqual([
      [join(input, "p1/a.dcm"), "written", "p1/a.dcm"],
      [join(input, "p1/b.dcm"), "written", "p1/b.dcm"],
      [join(input, "p2/c.dcm"), "written", "p2/c.dcm"],
      [join(input, "p2/quarantine-me.dcm"), "quarantined", undefined],
      [join(input, "p2/reject-me.dcm"), "rejected", undefined],
      [join(input, "p3/bad.dcm"), "failed", undefined],
      [join(input, "p3/notes.txt"), "failed", undefined],
      [undefined, undefined, undefined],
    ]);
    const summary = lines[7]!.summary as Record<string, unknown>;
    expect(summary).toMatchObject({ objects: 7, written: 3, rejected: 1, quarantined: 1, failed: 2, profile: "ps315.basic", release: "2026c", options: [], deidc: expect.any(String) });
    expect(summary.bytesIn).toBe([...before.entries()].filter(([f]) => !f.startsWith(".")).reduce((n, [f]) => n + statSync(join(input, f)).size, 0));
    expect(summary.bytesOut).toBe(3 * fakeDicom("P1:a").length);

    // The executor got the key under the fallback name, and nothing it does not need.
    expect([...seen.env!.secrets.keys()]).toEqual(["key"]);
    expect(seen.env!.crosswalk).toBeUndefined();
  });

  it("exits 0 when every object is written, and mirrors a single file argument under its name", async () => {
    const dir = tempDir();
    const file = put(join(dir, "deep", "x.dcm"), fakeDicom("P1:x"));
    const out = join(dir, "out");
    const { code, stderr } = await run([file], { output: out });
    expect(code).toBe(0);
    expect(listFiles(out)).toEqual(["x.dcm"]);
    expect(stderr.lines).toEqual([expect.stringMatching(/^deidc: 1 object\(s\): 1 written, 0 rejected, 0 quarantined, 0 failed;/)]);
  });

  it("gives identical outputs and report lines for any --jobs", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    for (let i = 0; i < 30; i++) put(join(input, "many", `${i}.dcm`), fakeDicom(`P${i % 4}:${i}`));
    const results = [];
    for (const jobs of ["1", "7"]) {
      const out = join(dir, `out-${jobs}`);
      const report = join(dir, `report-${jobs}.jsonl`);
      await run([input], { output: out, report, jobs, crosswalk: join(dir, `cw-${jobs}`) });
      const lines = readFileSync(report, "utf8").split("\n");
      lines.splice(-2); // the summary (its seconds differ) and the final empty string
      results.push({ files: snapshot(out), lines, cw: snapshot(join(dir, `cw-${jobs}`)) });
    }
    expect(results[1]).toEqual(results[0]);
  });

  it("skips an output folder inside the input folder, so a second run sees the same inputs", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const out = join(input, "deid");
    await run([input], { output: out });
    const first = snapshot(out);
    const { stderr } = await run([input], { output: out });
    expect(snapshot(out)).toEqual(first);
    expect(stderr.text).toMatch(/7 object\(s\)/);
  });

  it("never overwrites an input: an output path that is an input file fails that object", async () => {
    const dir = tempDir();
    const file = put(join(dir, "a.dcm"), fakeDicom("P1:a"));
    const original = readFileSync(file);
    const { code, stderr } = await run([file], { output: dir });
    expect(code).toBe(1);
    expect(readFileSync(file)).toEqual(original);
    expect(stderr.lines[0]).toBe(`deidc: ${file}: a.dcm is an input file of this run; it is never overwritten`);
  });

  it("fails the second of two objects bound for one output path", async () => {
    const dir = tempDir();
    const a = put(join(dir, "one", "x.dcm"), fakeDicom("P1:one"));
    put(join(dir, "two", "x.dcm"), fakeDicom("P1:two"));
    const out = join(dir, "out");
    const { code, stderr } = await run([join(dir, "one"), join(dir, "two")], { output: out });
    expect(code).toBe(1);
    expect(new Uint8Array(readFileSync(join(out, "x.dcm")))).toEqual(reversed(new Uint8Array(readFileSync(a))));
    expect(stderr.lines[0]).toBe(`deidc: ${join(dir, "two", "x.dcm")}: x.dcm was already written for ${a} in this run`);
  });

  it("reports missing inputs, empty folders and folders without DICOM, and goes on", async () => {
    const dir = tempDir();
    put(join(dir, "good", "a.dcm"), fakeDicom("P1:a"));
    put(join(dir, "text", "readme.txt"), "hello");
    put(join(dir, "empty", ".keep"), "");
    const out = join(dir, "out");
    const { code, stderr } = await run([join(dir, "missing"), join(dir, "empty"), join(dir, "text"), join(dir, "good")], { output: out });
    expect(code).toBe(1);
    expect(listFiles(out)).toEqual(["a.dcm"]);
    expect(stderr.lines.slice(0, 4)).toEqual([
      `deidc: ${join(dir, "missing")}: no such file or folder`,
      `deidc: ${join(dir, "empty")}: the folder holds no files (hidden files are skipped)`,
      `deidc: ${join(dir, "text", "readme.txt")}: not a DICOM file: no "DICM" at offset 0x80 (at byte 128)`,
      `deidc: ${join(dir, "text")}: no DICOM object among its 1 file(s)`,
    ]);
  });

  it("turns an unreadable file into a failed record", async () => {
    const dir = tempDir();
    put(join(dir, "in", "a.dcm"), fakeDicom("P1:a"));
    const locked = put(join(dir, "in", "locked.dcm"), fakeDicom("P1:b"));
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    const readInput = async (path: string): Promise<Uint8Array> => {
      if (path === locked) throw denied;
      return new Uint8Array(readFileSync(path));
    };
    const { code, stderr } = await run([join(dir, "in")], { output: join(dir, "out") }, { readInput });
    expect(code).toBe(1);
    expect(stderr.lines[0]).toBe(`deidc: ${locked}: cannot read the file: permission denied`);
  });

  it("turns a file without read permission into a failed record (needs a non-root user)", async () => {
    if (process.getuid?.() === 0) {
      console.warn("[run] skipped the chmod 000 test: root reads any file; the injected-error test above covers the message");
      return;
    }
    const dir = tempDir();
    const locked = put(join(dir, "in", "locked.dcm"), fakeDicom("P1:b"));
    chmodSync(locked, 0);
    const { code, stderr } = await run([join(dir, "in")], { output: join(dir, "out") });
    expect(code).toBe(1);
    expect(stderr.lines[0]).toBe(`deidc: ${locked}: cannot read the file: permission denied`);
  });

  it("contains an executor exception to its object: details on stderr, a generic reason in the report", async () => {
    const dir = tempDir();
    put(join(dir, "in", "a-throw.dcm"), fakeDicom("P1:a"));
    put(join(dir, "in", "b.dcm"), fakeDicom("P1:b"));
    const report = join(dir, "r.jsonl");
    const { code, stderr } = await run([join(dir, "in")], { output: join(dir, "out"), report });
    expect(code).toBe(1);
    expect(stderr.text).toMatch(/a-throw\.dcm: internal error in the executor: Error: fake executor exploded/);
    const lines = readValidReport(report) as { reason?: string; outcome?: string }[];
    expect(lines[0]).toMatchObject({ outcome: "failed", reason: "internal error in the executor (details on stderr)" });
    expect(lines[1]).toMatchObject({ outcome: "written" });
  });
});

describe("deidc run, patient/study/series layout, quarantine and crosswalk", () => {
  it("names outputs after the new identifiers, copies quarantined originals and writes the crosswalk", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const out = join(dir, "out");
    const quarantine = join(dir, "private", "quarantine");
    const crosswalk = join(dir, "private", "crosswalk");
    const report = join(dir, "r.jsonl");
    const { code, seen } = await run([input], { output: out, layout: "patient/study/series", quarantine, crosswalk, report });
    expect(code).toBe(1);
    const files = listFiles(out);
    expect(files).toHaveLength(3);
    for (const f of files) expect(f).toMatch(/^NEW-P[12]\/2\.25\.2\/2\.25\.99\/2\.25\.\d+\.dcm$/);

    expect(listFiles(quarantine)).toEqual(["p2/quarantine-me.dcm"]);
    expect(readFileSync(join(quarantine, "p2/quarantine-me.dcm"))).toEqual(readFileSync(join(input, "p2/quarantine-me.dcm")));
    expect(statSync(join(quarantine, "p2/quarantine-me.dcm")).mode & 0o777).toBe(0o600);
    const lines = readValidReport(report) as Record<string, unknown>[];
    expect(lines.find((l) => l.outcome === "quarantined")).toMatchObject({ quarantineCopy: "p2/quarantine-me.dcm" });
    expect(lines.filter((l) => l.outcome === "written").map((l) => l.output).sort()).toEqual(files);

    expect(seen.env!.crosswalk).toBeDefined();
    // Only written objects: the rejected and quarantined P2 objects share P2's pairs with c.dcm, so P2 stays.
    expect(readFileSync(join(crosswalk, "patient-ids.csv"), "utf8")).toBe("original_patient_id,new_patient_id\nP1,NEW-P1\nP2,NEW-P2\n");
    expect(readFileSync(join(crosswalk, "uids.csv"), "utf8").split("\n")).toEqual(["original_uid,new_uid", expect.stringMatching(/^1\.2\.3\.P1,2\.25\.\d+$/), expect.stringMatching(/^1\.2\.3\.P1,2\.25\.\d+$/), expect.stringMatching(/^1\.2\.3\.P2,2\.25\.\d+$/), ""]);
  });
});

describe("deidc run refuses before touching anything", () => {
  async function refusal(inputs: string[], opts: RunCliOptions, extra: Parameters<typeof run>[2] = {}): Promise<string> {
    try {
      await run(inputs, opts, extra);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error("expected a usage error");
  }

  it("without a key, naming DEID_KEY and --key-file, and creates no output folder", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const out = join(dir, "out");
    expect(await refusal([input], { output: out }, { env: {} })).toMatch(/set DEID_KEY or pass --key-file <file>/);
    expect(existsSync(out)).toBe(false);
  });

  it("an output folder that is an input folder", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    expect(await refusal([input], { output: input + "/" })).toMatch(/is the input folder .*; write the output to another folder/);
  });

  it("a crosswalk or quarantine folder inside the output folder", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const out = join(dir, "out");
    expect(await refusal([input], { output: out, crosswalk: join(out, "cw") })).toMatch(/--crosswalk .* is inside the output folder/);
    expect(await refusal([input], { output: out, quarantine: out })).toMatch(/--quarantine .* is inside the output folder/);
    expect(existsSync(out)).toBe(false);
  });

  it("a report path that is an input file", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const target = join(input, "p1", "a.dcm");
    const before = readFileSync(target);
    expect(await refusal([input], { output: join(dir, "out"), report: target })).toMatch(/p1\/a\.dcm is an input file; the run would overwrite it/);
    expect(readFileSync(target)).toEqual(before);
  });

  it("bad --layout, --jobs and --param values, and a missing lookup table", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const out = join(dir, "out");
    expect(await refusal([input], { output: out, layout: "flat" })).toMatch(/--layout must be mirror or patient\/study\/series, not `flat`/);
    expect(await refusal([input], { output: out, jobs: "0" })).toMatch(/--jobs must be a whole number from 1 to 256, not `0`/);
    expect(await refusal([input], { output: out, param: ["x=1"] })).toMatch(/--param x: profile `ps315\.basic` declares no such parameter/);
    const profile = put(join(dir, "site.deid"), 'deid 1\nprofile site.test "t" based on ps315.basic\nPatientID -> lookup("ids.csv", PatientID) else remove\n');
    expect(await refusal([input], { output: out }, { profile })).toMatch(/cannot read lookup table `ids\.csv`/);
    expect(existsSync(out)).toBe(false);
  });

  it("a profile with errors: prints the diagnostics and exits 2", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const profile = put(join(dir, "broken.deid"), 'deid 1\nprofile site.test "t" based on ps315.basic\nNoSuchKeyword -> remove\n');
    const { code, stderr } = await run([input], { output: join(dir, "out") }, { profile });
    expect(code).toBe(2);
    expect(stderr.text).toMatch(/NoSuchKeyword/);
    expect(stderr.text).toMatch(/profile `.*broken\.deid` has errors; nothing was read or written/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("progress line", () => {
  it("is drawn only on a terminal, and never under CI", async () => {
    const dir = tempDir();
    const input = makeBatch(dir);
    const tty = new CapturedStream(true);
    await run([input], { output: join(dir, "o1") }, { stderr: tty, env: { DEID_KEY: TEST_KEY } });
    expect(tty.text).toContain("\r\x1b[K[");
    const ci = new CapturedStream(true);
    await run([input], { output: join(dir, "o2") }, { stderr: ci, env: { DEID_KEY: TEST_KEY, CI: "true" } });
    expect(ci.text).not.toContain("\r");
    const pipe = new CapturedStream(false);
    await run([input], { output: join(dir, "o3") }, { stderr: pipe });
    expect(pipe.text).not.toContain("\r");
    const off = new CapturedStream(true);
    await run([input], { output: join(dir, "o4"), progress: false }, { stderr: off });
    expect(off.text).not.toContain("\r");
  });
});
