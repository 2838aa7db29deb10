// The output of a run does not depend on how it is run: for the whole corpus
// and every profile (ps315.basic alone, with each option, every example), the
// standalone processor, `deidc run --jobs 1` (the interpreter in the main
// thread) and `deidc run --jobs 4` (the interpreter in worker threads) write
// byte-identical files, crosswalks and quarantine copies, equal reports, the
// same messages and the same exit code.
//
// One process per (profile, way of running) over the whole corpus keeps this
// to a few seconds per profile.

import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS_DIR, listFiles, put, TEST_KEY, tempDir, warnIfNoCorpus } from "./helpers";

const REPO = join(import.meta.dirname, "../..");
const DEIDC = join(REPO, "dist/deidc.mjs");

warnIfNoCorpus("run --jobs equivalence");

interface Profile {
  name: string;
  entry: string;
  with: string[];
}

const units = Object.keys((JSON.parse(readFileSync(join(REPO, "stdlib/index.json"), "utf8")) as { units: Record<string, string> }).units);
const PROFILES: Profile[] = [
  { name: "ps315.basic", entry: "ps315.basic", with: [] },
  ...units.filter((u) => u !== "ps315.basic").map((option) => ({ name: `ps315.basic --with ${option}`, entry: "ps315.basic", with: [option] })),
  ...readdirSync(join(REPO, "rules/examples"))
    .filter((f) => f.endsWith(".deid"))
    .sort()
    .map((f) => ({ name: `rules/examples/${f}`, entry: `rules/examples/${f}`, with: [] })),
];

interface Outcome {
  status: number | null;
  stderr: string;
  report: unknown[];
  /** relative path -> sha256, for each folder the run writes */
  output: Record<string, string>;
  crosswalk: Record<string, string>;
  quarantine: Record<string, string>;
}

function digests(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((rel) => [rel, createHash("sha256").update(readFileSync(join(dir, rel))).digest("hex")]));
}

/**
 * Runs `program args…` over the corpus from `cwd`: the repository folder for deidc run, another folder for a
 * processor (which finds the lookup tables its rule files name beside its own file, from any working directory).
 */
async function runOver(dir: string, label: string, program: string[], keyFile: string, cwd: string = REPO): Promise<Outcome> {
  const base = join(dir, label);
  const args = [...program, CORPUS_DIR!, "-o", join(base, "out"), "--report", join(base, "report.jsonl"), "--crosswalk", join(base, "crosswalk"), "--quarantine", join(base, "quarantine"), "--key-file", keyFile, "--no-progress"];
  // Asynchronous, so the three ways of running overlap and the test runner stays responsive.
  const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DEID_KEY: "" }, maxBuffer: 1 << 26 }, (_error, _stdout, stderr) =>
      resolve({ status: child.exitCode, stderr }),
    );
  });
  const report = readFileSync(join(base, "report.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { summary?: Record<string, unknown> })
    // The summary's timing is the only thing that may differ.
    .map((line) => (line.summary ? { summary: { ...line.summary, seconds: 0 } } : line));
  return {
    status: result.status,
    stderr: result.stderr.replace(/ in [\d.]+ s \([\d.]+ MB\/s\)/, ""),
    report,
    output: digests(join(base, "out")),
    crosswalk: digests(join(base, "crosswalk")),
    quarantine: digests(join(base, "quarantine")),
  };
}

describe.skipIf(!CORPUS_DIR)("deidc run --jobs 1, --jobs 4 and the processor give the same result", () => {
  it.each(PROFILES)("$name", async (profile) => {
    const dir = tempDir("deidc-jobs-");
    const keyFile = put(join(dir, "key"), TEST_KEY);
    const withArgs = profile.with.flatMap((o) => ["--with", o]);
    const processor = join(dir, "processor.mjs");
    const compiled = spawnSync(process.execPath, [DEIDC, "compile", profile.entry, ...withArgs, "-o", processor], { cwd: REPO, encoding: "utf8" });
    expect(compiled.status, compiled.stderr).toBe(0);
    // Deployed as a processor is: with the lookup tables its profile names beside it.
    const examples = join(REPO, "rules", "examples");
    for (const csv of readdirSync(examples).filter((n) => n.endsWith(".csv"))) copyFileSync(join(examples, csv), join(dir, csv));

    const [inThread, inWorkers, viaProcessor] = await Promise.all([
      runOver(dir, "jobs1", [DEIDC, "run", profile.entry, ...withArgs, "--jobs", "1"], keyFile),
      runOver(dir, "jobs4", [DEIDC, "run", profile.entry, ...withArgs, "--jobs", "4"], keyFile),
      runOver(dir, "processor", [processor, "--jobs", "4"], keyFile, tmpdir()),
    ]);

    // The run did something worth comparing, and no worker broke down.
    expect(Object.keys(inThread.output).length).toBeGreaterThan(10);
    expect(inThread.report.length).toBeGreaterThan(Object.keys(inThread.output).length);
    for (const outcome of [inThread, inWorkers, viaProcessor]) expect(outcome.stderr).not.toMatch(/internal error|worker thread/);

    expect(inWorkers).toEqual(inThread);
    expect(viaProcessor).toEqual(inThread);
  });
});
