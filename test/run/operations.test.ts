// `deidc run` as an unattended production job: where its files may not go
// (over the report, the key file), what a signal or a report that can no
// longer be written does part-way, crosswalks kept across batches, file
// names that are not UTF-8 or that hold control characters, and a stderr
// whose reader went away.

import { EventEmitter } from "node:events";
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/exit";
import { runWithDependencies, type RunCliOptions } from "../../src/cli/run";
import type { InterruptSignal } from "../../src/run/report";
import type { InterruptSource } from "../../src/run/interrupts";
import { guardedSink, terminalSafe } from "../../src/run/stderr";
import { CROSSWALK_LOCK } from "../../src/run/crosswalk";
import { CapturedStream, fakeDicom, fakeExecutorFactory, listFiles, put, readValidReport, TEST_KEY, tempDir } from "./helpers";

interface Extra {
  env?: Record<string, string>;
  readInput?: (p: string) => Promise<Uint8Array>;
  interrupts?: InterruptSource;
}

async function run(inputs: string[], opts: RunCliOptions, extra: Extra = {}): Promise<{ code: number; stderr: CapturedStream }> {
  const stderr = new CapturedStream();
  const code = await runWithDependencies("ps315.basic", inputs, opts, {
    createExecutor: fakeExecutorFactory(),
    stderr,
    env: extra.env ?? { DEID_KEY: TEST_KEY },
    ...(extra.readInput ? { readInput: extra.readInput } : {}),
    ...(extra.interrupts ? { interrupts: extra.interrupts } : {}),
  });
  return { code, stderr };
}

/** A folder of `n` good fake objects, named 00.dcm, 01.dcm, ... */
function batch(dir: string, n: number): string {
  const input = join(dir, "in");
  for (let i = 0; i < n; i++) put(join(input, `${String(i).padStart(2, "0")}.dcm`), fakeDicom(`P${i}:x`));
  return input;
}

/** Reads files as the file system does, calling `onRead` with how many were read so far. */
function countingReader(onRead: (count: number) => void): (path: string) => Promise<Uint8Array> {
  let count = 0;
  return async (path) => {
    onRead(++count);
    return new Uint8Array(readFileSync(path));
  };
}

function hiddenTemporaries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".deidc-tmp")) : [];
}

describe("places a run never writes to", () => {
  it("an output that would land on the report fails, and the report stays the report", async () => {
    const dir = tempDir();
    const input = put(join(dir, "in", "a.dcm"), fakeDicom("P1:a"));
    const out = join(dir, "out");
    const { code, stderr } = await run([join(dir, "in")], { output: out, report: join(out, "a.dcm") });
    expect(code).toBe(1);
    const lines = readValidReport(join(out, "a.dcm")) as Record<string, unknown>[];
    expect(lines[0]).toMatchObject({ input, outcome: "failed", reason: "a.dcm is the report of this run; choose another output folder" });
    // The object was DICOM: its folder is not "without DICOM objects" because its output could not be written.
    expect(stderr.text).not.toContain("no DICOM object");
  });

  it("refuses a report or crosswalk over the key file, and a key file among the inputs or in the output", async () => {
    const dir = tempDir();
    const input = batch(dir, 1);
    const key = put(join(dir, "k.key"), "a-key-of-more-than-sixteen-bytes");
    const out = join(dir, "out");
    await expect(run([input], { output: out, keyFile: key, report: key })).rejects.toThrow(/k\.key is the key file; the run would overwrite it/);
    expect(readFileSync(key, "utf8")).toBe("a-key-of-more-than-sixteen-bytes");

    const inside = put(join(input, "k.key"), "a-key-of-more-than-sixteen-bytes");
    await expect(run([input], { output: out, keyFile: inside })).rejects.toThrow(/the key file .*k\.key is inside the input folder .*; keep keys apart from the data/);
    rmSync(inside);
    await expect(run([join(input, "00.dcm"), key], { output: out, keyFile: key })).rejects.toThrow(/the key file .*k\.key is an input/);

    const released = put(join(out, "k.key"), "a-key-of-more-than-sixteen-bytes");
    await expect(run([input], { output: out, keyFile: released })).rejects.toThrow(/inside the output folder; it would be released with the data/);
    expect(listFiles(out)).toEqual(["k.key"]);
  });

  it("refuses a report path that is a device, and follows a link to the file it names", async () => {
    const dir = tempDir();
    const input = batch(dir, 1);
    for (const device of ["/dev/stdout", "/dev/fd/1", "/dev/null", "/proc/self/fd/1"]) {
      const attempt = run([input], { output: join(dir, "out"), report: device });
      await expect(attempt).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(/is not a file \(the report is written to a temporary file and renamed into place/);
    }
    const target = put(join(dir, "reports", "r.jsonl"), "");
    const link = join(dir, "r.jsonl");
    symlinkSync(target, link);
    expect((await run([input], { output: join(dir, "out"), report: link })).code).toBe(0);
    expect(readValidReport(target)).toHaveLength(2);
    expect(readdirSync(dir).includes("r.jsonl")).toBe(true);
    expect(readFileSync(link, "utf8")).toBe(readFileSync(target, "utf8"));
  });

  it.skipIf(!existsSync("/dev/shm"))("writes a report to an ordinary file in /dev/shm (memory), which is no device", async () => {
    const dir = tempDir();
    const shm = mkdtempSync("/dev/shm/deidc-report-");
    try {
      const report = join(shm, "r.jsonl");
      expect((await run([batch(dir, 1)], { output: join(dir, "out"), report })).code).toBe(0);
      expect(readValidReport(report)).toHaveLength(2);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });
});

describe("crosswalks across batches", () => {
  it("adds a batch's pairs to the files an earlier batch wrote", async () => {
    const dir = tempDir();
    const crosswalk = join(dir, "cw");
    put(join(dir, "one", "a.dcm"), fakeDicom("P1:a"));
    put(join(dir, "two", "b.dcm"), fakeDicom("P2:b"));
    await run([join(dir, "one")], { output: join(dir, "out1"), crosswalk });
    await run([join(dir, "two")], { output: join(dir, "out2"), crosswalk });
    expect(readFileSync(join(crosswalk, "patient-ids.csv"), "utf8")).toBe("original_patient_id,new_patient_id\nP1,NEW-P1\nP2,NEW-P2\n");
    expect(readFileSync(join(crosswalk, "uids.csv"), "utf8").trim().split("\n")).toHaveLength(3);
    // The same batch again adds nothing twice.
    await run([join(dir, "two")], { output: join(dir, "out3"), crosswalk });
    expect(readFileSync(join(crosswalk, "patient-ids.csv"), "utf8")).toBe("original_patient_id,new_patient_id\nP1,NEW-P1\nP2,NEW-P2\n");
    expect(hiddenTemporaries(crosswalk)).toEqual([]);
  });

  it("refuses, before reading any input, a crosswalk folder whose files it did not write", async () => {
    const dir = tempDir();
    const input = batch(dir, 1);
    const crosswalk = join(dir, "cw");
    put(join(crosswalk, "uids.csv"), "study,notes\n1.2.3,keep me\n");
    await expect(run([input], { output: join(dir, "out"), crosswalk })).rejects.toThrow(/the existing .*uids\.csv does not start with the header `original_uid,new_uid`/);
    expect(readFileSync(join(crosswalk, "uids.csv"), "utf8")).toBe("study,notes\n1.2.3,keep me\n");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("crosswalk files that are links, and two runs on one folder", () => {
  it("follows a link to the file it names and keeps that file's mode", async () => {
    const dir = tempDir();
    const vault = join(dir, "vault");
    put(join(vault, "patient-ids.csv"), "original_patient_id,new_patient_id\nP0,NEW-P0\n");
    put(join(vault, "uids.csv"), "original_uid,new_uid\n");
    chmodSync(join(vault, "patient-ids.csv"), 0o640);
    chmodSync(join(vault, "uids.csv"), 0o604);
    const crosswalk = join(dir, "cw");
    put(join(crosswalk, ".keep"), "");
    for (const name of ["patient-ids.csv", "uids.csv"]) symlinkSync(join(vault, name), join(crosswalk, name));
    put(join(dir, "in", "a.dcm"), fakeDicom("P1:a"));
    expect((await run([join(dir, "in")], { output: join(dir, "out"), crosswalk })).code).toBe(0);
    expect(lstatSync(join(crosswalk, "patient-ids.csv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(vault, "patient-ids.csv"), "utf8")).toBe("original_patient_id,new_patient_id\nP0,NEW-P0\nP1,NEW-P1\n");
    expect(statSync(join(vault, "patient-ids.csv")).mode & 0o777).toBe(0o640);
    expect(statSync(join(vault, "uids.csv")).mode & 0o777).toBe(0o604);
    expect(readFileSync(join(vault, "uids.csv"), "utf8").trim().split("\n")).toHaveLength(2);
    expect(hiddenTemporaries(vault)).toEqual([]);
  });

  it("refuses a crosswalk folder another run holds, and gives the folder back however a run ends", async () => {
    const dir = tempDir();
    const input = batch(dir, 2);
    const crosswalk = join(dir, "cw");
    put(join(crosswalk, CROSSWALK_LOCK), "12345\n");
    await expect(run([input], { output: join(dir, "out"), crosswalk })).rejects.toThrow(/another run is using the crosswalk folder .*process 12345\); wait for it, or remove the lock file if no run is using the folder/);
    expect(existsSync(join(dir, "out"))).toBe(false);
    rmSync(join(crosswalk, CROSSWALK_LOCK));
    // While a run holds it, a second is refused; once it ends, the folder is free again.
    let second: Promise<unknown> | null = null;
    const first = run([input], { output: join(dir, "out1"), crosswalk }, {
      readInput: countingReader((n) => {
        if (n === 1) second = run([input], { output: join(dir, "out2"), crosswalk }).then(() => "ran", (e: Error) => e.message);
      }),
    });
    expect((await first).code).toBe(0);
    expect(await second).toMatch(/another run is using the crosswalk folder/);
    expect(readdirSync(crosswalk).sort()).toEqual(["patient-ids.csv", "uids.csv"]);
    // A bad earlier file gives the folder back too.
    writeFileSync(join(crosswalk, "uids.csv"), "not,a crosswalk\n");
    await expect(run([input], { output: join(dir, "out3"), crosswalk })).rejects.toThrow(/is not a crosswalk this program wrote/);
    expect(existsSync(join(crosswalk, CROSSWALK_LOCK))).toBe(false);
  });
});

describe("stopping part-way", () => {
  it("on a signal, finishes the objects under way, writes the report with the signal, and exits 128 + its number", async () => {
    for (const [signal, exit] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
      const dir = tempDir();
      const input = batch(dir, 12);
      const out = join(dir, "out");
      const reportPath = join(dir, "report.jsonl");
      let fire: ((s: InterruptSignal) => void) | null = null;
      let listening = false;
      const interrupts: InterruptSource = {
        listen(handler) {
          fire = handler;
          listening = true;
          return () => (listening = false);
        },
      };
      const { code, stderr } = await run([input], { output: out, report: reportPath }, { interrupts, readInput: countingReader((n) => n === 3 && fire?.(signal)) });
      expect(code).toBe(exit);
      expect(listening).toBe(false);
      const lines = readValidReport(reportPath) as { summary?: Record<string, unknown>; outcome?: string; output?: string }[];
      const summary = lines.pop()!.summary!;
      expect(summary.interrupted).toBe(signal);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThan(12);
      expect(summary.objects).toBe(lines.length);
      expect(summary.unprocessed).toBe(12 - lines.length);
      // Every object the report lists is in place, and nothing else is.
      expect(listFiles(out)).toEqual(lines.map((l) => l.output).sort());
      expect(hiddenTemporaries(out)).toEqual([]);
      expect(hiddenTemporaries(dir)).toEqual([]);
      expect(stderr.lines.at(-1)).toBe(`deidc: stopped by ${signal}: ${12 - lines.length} input(s) not processed; the report lists what was done`);
    }
  });

  it("a signal once every input is done stops nothing: the run ends as usual", async () => {
    const dir = tempDir();
    const input = batch(dir, 3);
    const reportPath = join(dir, "report.jsonl");
    let fire: ((s: InterruptSignal) => void) | null = null;
    const interrupts: InterruptSource = { listen: (handler) => ((fire = handler), () => undefined) };
    // The signal comes while the crosswalk is written, after the last object was reported.
    const crosswalk = join(dir, "cw");
    const { code, stderr } = await run([input], { output: join(dir, "out"), report: reportPath, crosswalk }, {
      interrupts,
      readInput: countingReader((n) => n === 3 && setImmediate(() => setImmediate(() => fire?.("SIGINT")))),
    });
    const summary = (readValidReport(reportPath).pop() as { summary: Record<string, unknown> }).summary;
    expect(summary.interrupted).toBeUndefined();
    expect(summary.objects).toBe(3);
    expect(code).toBe(0);
    expect(stderr.text).not.toContain("stopped by");
  });

  it("a report that cannot be put in place stops with exit 3 and says what is where", async () => {
    const dir = tempDir();
    const input = batch(dir, 4);
    const reports = join(dir, "reports");
    const crosswalk = join(dir, "cw");
    const { code, stderr } = await run([input], { output: join(dir, "out"), report: join(reports, "r.jsonl"), crosswalk }, {
      // The report's folder disappears part-way (an unmounted volume, a cleanup job): the report cannot be renamed into place.
      readInput: countingReader((n) => n === 2 && rmSync(reports, { recursive: true, force: true })),
    });
    expect(code).toBe(3);
    expect(stderr.lines.at(-1)).toMatch(/^deidc: the report .*r\.jsonl could not be written \(no such file or folder\); the 4 output file\(s\) written are in place but no report lists them$/);
    // The crosswalk of what was written is there all the same: without it, the outputs' pseudonyms could not be traced back.
    expect(readFileSync(join(crosswalk, "patient-ids.csv"), "utf8").trim().split("\n")).toHaveLength(5);
    expect(stderr.text).not.toContain("internal error");
    expect(listFiles(join(dir, "out"))).toHaveLength(4);
  });
});

describe("file names", () => {
  it("reports a name that is not UTF-8 as such, not as a missing file", async () => {
    const dir = tempDir();
    const input = batch(dir, 1);
    // "Müller.dcm" in Latin-1, as an old Windows share writes it.
    const latin1 = Buffer.concat([Buffer.from(input + "/M"), Buffer.from([0xfc]), Buffer.from("ller.dcm")]);
    writeFileSync(latin1, fakeDicom("P2:m"));
    const reportPath = join(dir, "r.jsonl");
    const { code } = await run([input], { output: join(dir, "out"), report: reportPath });
    expect(code).toBe(1);
    const lines = readValidReport(reportPath) as Record<string, unknown>[];
    expect(lines[1]).toMatchObject({ input: join(input, "M\uFFFDller.dcm"), outcome: "failed" });
    expect(lines[1]!.reason).toMatch(/^the file name is not valid UTF-8, so it cannot be opened or written under its name; rename it/);
  });

  it("reports a name that is not UTF-8 even beside a valid name that reads the same", async () => {
    const dir = tempDir();
    const input = join(dir, "in");
    put(join(input, "M\uFFFDller.dcm"), fakeDicom("P1:valid"));
    writeFileSync(Buffer.concat([Buffer.from(input + "/M"), Buffer.from([0xfc]), Buffer.from("ller.dcm")]), fakeDicom("P2:latin1"));
    const reportPath = join(dir, "r.jsonl");
    expect((await run([input], { output: join(dir, "out"), report: reportPath })).code).toBe(1);
    const lines = readValidReport(reportPath) as Record<string, unknown>[];
    expect(lines.slice(0, -1).map((l) => l.outcome).sort()).toEqual(["failed", "written"]);
    expect(lines.find((l) => l.outcome === "failed")!.reason).toMatch(/^the file name is not valid UTF-8/);
  });

  it("shows control characters in names escaped, one message per line", async () => {
    const dir = tempDir();
    const input = join(dir, "in");
    put(join(input, "odd\nname\u001b]0;owned\u0007.dcm"), "not DICOM");
    const { stderr } = await run([input], { output: join(dir, "out") });
    expect(stderr.lines[0]).toBe(`deidc: ${input}/odd\\nname\\x1b]0;owned\\x07.dcm: not a DICOM file: no "DICM" at offset 0x80 (at byte 128)`);
    expect(terminalSafe("a\u202eb\u2066c\td")).toBe("a\\u202eb\\u2066c\td");
  });
});

describe("a stderr whose reader went away", () => {
  it("drops messages after the first failure instead of ending the process", () => {
    class ClosedPipe extends EventEmitter {
      written: string[] = [];
      isTTY = false;
      fail = false;
      write(text: string): boolean {
        if (this.fail) throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
        this.written.push(text);
        return true;
      }
    }
    const pipe = new ClosedPipe();
    const sink = guardedSink(pipe);
    sink.write("one\n");
    pipe.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    sink.write("two\n");
    expect(pipe.written).toEqual(["one\n"]);

    const throwing = new ClosedPipe();
    const second = guardedSink(throwing);
    throwing.fail = true;
    expect(() => second.write("x\n")).not.toThrow();
    throwing.fail = false;
    second.write("y\n");
    expect(throwing.written).toEqual([]);
  });
});
