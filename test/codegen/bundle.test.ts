// The standalone processor (`deidc compile … -o processor.mjs`): one ESM file
// without the compiler that runs from an empty folder like `deidc run`, and
// imports as a typed library. For ps315.basic and every example profile, the
// processor, createExecutor and `deidc run` give byte-identical files.

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCommand } from "../../src/cli/compile";
import { irHash } from "../../src/codegen/generate";
import { compileProfile } from "../../src/compile";
import { COMPILER_VERSION } from "../../src/ir/build";
import type { IrProgram } from "../../src/ir/types";
import { createExecutor } from "../../src/runtime/executor";
import type { ObjectRecord } from "../../src/runtime/executor/types";
import { loadTables } from "../../src/run/tables";
import { CORPUS_DIR, corpusFiles, put, removeTemporaryDirs, REPO, EXAMPLES_DIR, tempDir, TEST_KEY, warnIfNoCorpus } from "./helpers";

afterAll(removeTemporaryDirs);
warnIfNoCorpus("codegen bundle");

const PROFILES = ["ps315.basic", "rules/examples/research-date-shift.deid", "rules/examples/trial-pseudonyms.deid", "rules/examples/ultrasound-banners.deid"];

/** Inputs for the three-way comparison: images, an SR (rejected by some profiles), nested and private content. */
const INPUTS = [
  "pydicom-debian/CT_small.dcm",
  "pydicom-debian/MR_small_bigendian.dcm",
  "pydicom-debian/test-SR.dcm",
  "pydicom-debian/rtstruct.dcm",
  "pydicom-debian/liver_1frame.dcm",
  "nibabel-debian/siemens_0.dcm",
  "tcia-via-suyashkumar-dicom/PT_ACRIN-FLT-Breast_029.dcm",
  "pseudo-phi-johnsnowlabs/8732322741_01-05-2008-MRI_PROSTATE_W_WO_CONTRAST-39318_4_000000-t2spcrstaxial_oblProstate-50358_1-01.dcm",
];

interface Built {
  entry: string;
  ir: IrProgram;
  processor: string;
}

const built = new Map<string, Built>();
let keyFile = "";
let inputDir = "";

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

/** Report lines without the timing of the summary, which differs between runs. */
function reportLines(path: string): unknown[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { summary?: { seconds?: number } })
    .map((line) => (line.summary ? { summary: { ...line.summary, seconds: 0 } } : line));
}

function node(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DEID_KEY: "" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  const dir = tempDir();
  keyFile = put(join(dir, "key"), new Uint8Array([...TEST_KEY, 0x0a]));
  inputDir = join(dir, "inputs");
  for (const f of corpusFiles(INPUTS)) copyFileSync(f.path, put(join(inputDir, f.name), ""));
  // Built in the repository folder, where the entries' paths start.
  const previous = process.cwd();
  process.chdir(REPO);
  try {
    for (const [i, entry] of PROFILES.entries()) {
      const processor = join(dir, `processor-${i}.mjs`);
      // -o …mjs chooses the bundle.
      expect(await compileCommand(entry, { output: processor })).toBe(0);
      built.set(entry, { entry, ir: compileProfile(entry).ir!, processor });
    }
    // Deployed as a processor is: with the lookup tables its profile names beside it.
    for (const csv of readdirSync(EXAMPLES_DIR).filter((n) => n.endsWith(".csv"))) copyFileSync(join(EXAMPLES_DIR, csv), join(dir, csv));
  } finally {
    process.chdir(previous);
  }
}, 60_000);

describe("processor bundle", () => {
  it("is one file with the runtime and without the compiler, saying what it was compiled from", () => {
    const { processor, ir } = built.get("rules/examples/trial-pseudonyms.deid")!;
    const code = readFileSync(processor, "utf8");
    expect(code.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(processor).mode & 0o111).not.toBe(0);
    const preamble = code.slice(0, code.indexOf("\nimport "));
    expect(preamble).toContain("generated; do not edit");
    expect(preamble).toMatch(/profile\s+xyz301\.core-lab/);
    expect(preamble).toMatch(/options\s+ps315\.retain-safe-private, ps315\.retain-longitudinal-full-dates/);
    expect(preamble).toMatch(/standard release\s+DICOM PS3\.15 2026c/);
    expect(preamble).toContain(`deidc version     ${COMPILER_VERSION}`);
    expect(preamble).toContain(irHash(ir));
    expect(code).not.toMatch(/chevrotain|src\/syntax\/|src\/check\/|src\/program\//);
    expect(code).not.toMatch(/^import .* from "(?!node:)/m);
    expect(code).toContain("// src/runtime/executor/process.ts");
    expect(existsSync(processor.replace(/\.mjs$/, ".d.mts"))).toBe(true);
  });

  it.skipIf(!CORPUS_DIR)("runs from an empty folder without node_modules, like deidc run", () => {
    const empty = tempDir("deidc-processor-");
    copyFileSync(built.get("ps315.basic")!.processor, join(empty, "processor.mjs"));
    expect(readdirSync(empty)).toEqual(["processor.mjs"]);
    const input = join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm");
    const run = node(["processor.mjs", input, "-o", "out", "--key-file", keyFile, "--report", "report.jsonl"], empty);
    expect(run.stderr).toMatch(/1 object\(s\): 1 written/);
    expect(run.status).toBe(0);
    expect(listFiles(join(empty, "out"))).toEqual(["CT_small.dcm"]);
    const lines = reportLines(join(empty, "report.jsonl")) as { outcome?: string; summary?: { profile: string; deidc: string } }[];
    expect(lines[0]!.outcome).toBe("written");
    // The summary names the exact rules: the hash the processor states in its preamble and `--version`.
    const hash = irHash(built.get("ps315.basic")!.ir);
    expect(lines[1]!.summary).toMatchObject({ profile: "ps315.basic", irHash: hash, deidc: COMPILER_VERSION });
    expect(node(["processor.mjs", "--version"], empty).stdout).toContain(hash);

    // Usage errors are exit 2, before anything is read.
    const noKey = node(["processor.mjs", input, "-o", "out2"], empty);
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toMatch(/no secret key/);
    expect(existsSync(join(empty, "out2"))).toBe(false);
    const help = node(["processor.mjs", "--help"], empty);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/ps315\.basic \(DICOM PS3\.15 2026c\), compiled\s+by deidc/);
  });

  describe.skipIf(!CORPUS_DIR)("gives the files and report of createExecutor and deidc run", () => {
    it.each(PROFILES)("%s", (entry) => {
      const { processor, ir } = built.get(entry)!;
      const dir = tempDir();
      // A processor finds the lookup tables its rule files name beside itself, from any working directory.
      const viaProcessor = node([processor, inputDir, "-o", join(dir, "bundle"), "--key-file", keyFile, "--report", join(dir, "bundle.jsonl")], dir);
      const viaCli = node([join(REPO, "dist/deidc.mjs"), "run", entry, inputDir, "-o", join(dir, "cli"), "--key-file", keyFile, "--report", join(dir, "cli.jsonl")], REPO);
      expect(viaProcessor.status, viaProcessor.stderr).toBe(viaCli.status);
      expect(viaProcessor.stderr.replace(/ in [\d.]+ s \([\d.]+ MB\/s\)/, "")).toBe(viaCli.stderr.replace(/ in [\d.]+ s \([\d.]+ MB\/s\)/, ""));
      expect(reportLines(join(dir, "bundle.jsonl"))).toEqual(reportLines(join(dir, "cli.jsonl")));
      const files = listFiles(join(dir, "bundle"));
      expect(files).toEqual(listFiles(join(dir, "cli")));
      expect(files.length).toBeGreaterThan(0);

      // The interpreter, given the same key for every secret (as --key-file does), writes the same bytes.
      const secrets = new Map([...(ir.secrets.length ? ir.secrets.map((s) => s.name) : ["key"])].map((name) => [name, TEST_KEY]));
      const executor = createExecutor(ir, { secrets, params: new Map(), tables: loadTables(ir, EXAMPLES_DIR) });
      const records = reportLines(join(dir, "bundle.jsonl")) as (ObjectRecord & { output?: string })[];
      for (const record of records.filter((r) => r.output)) {
        const result = executor.process(new Uint8Array(readFileSync(record.input)), record.input);
        const written = readFileSync(join(dir, "bundle", record.output!));
        expect(Buffer.compare(Buffer.from(result.output!), written), `${entry}: ${record.input}`).toBe(0);
        const cli = readFileSync(join(dir, "cli", record.output!));
        expect(Buffer.compare(cli, written), `${entry}: ${record.input} (deidc run)`).toBe(0);
      }
    });
  });

  it.skipIf(!CORPUS_DIR)("imports as a library: deidentify, the streaming variant and the profile constants", async () => {
    const dir = tempDir("deidc-processor-");
    const processor = join(dir, "processor.mjs");
    copyFileSync(built.get("rules/examples/research-date-shift.deid")!.processor, processor);
    const lib = await import(pathToFileURL(processor).href);
    expect(lib.PROFILE).toBe("acme.research");
    expect(lib.DEIDC_VERSION).toBe(COMPILER_VERSION);

    const ir = built.get("rules/examples/research-date-shift.deid")!.ir;
    const executor = createExecutor(ir, { secrets: new Map(ir.secrets.map((s) => [s.name, TEST_KEY])), params: new Map(), tables: new Map() });
    const [file] = corpusFiles(["pydicom-debian/CT_small.dcm"]);
    const expected = executor.process(file!.bytes, "ct");
    const { output, record } = lib.deidentify(file!.bytes, { key: TEST_KEY }, "ct");
    expect(record).toEqual(expected.record);
    expect(Buffer.compare(Buffer.from(output), Buffer.from(expected.output!))).toBe(0);

    const chunks: Uint8Array[] = [];
    let streamed: ObjectRecord | undefined;
    const source = Readable.from([file!.bytes.subarray(0, 1000), file!.bytes.subarray(1000)]);
    for await (const chunk of lib.deidentifyStream(source, { key: TEST_KEY, inputPath: "ct", onRecord: (r: ObjectRecord) => (streamed = r) })) chunks.push(chunk);
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(expected.output!))).toBe(0);
    expect(streamed).toEqual(expected.record);

    const bad = lib.deidentify(new TextEncoder().encode("not DICOM"), { key: TEST_KEY });
    expect(bad.output).toBeNull();
    expect(bad.record.outcome).toBe("failed");
    await expect(async () => {
      for await (const _ of lib.deidentifyStream(Readable.from([new TextEncoder().encode("not DICOM")]), { key: TEST_KEY })) void _;
    }).rejects.toThrow(lib.ObjectNotWrittenError);
  });

  it("declares its library API for TypeScript, with the executor's record types", () => {
    const dir = tempDir();
    copyFileSync(built.get("ps315.basic")!.processor, join(dir, "processor.mjs"));
    copyFileSync(built.get("ps315.basic")!.processor.replace(/\.mjs$/, ".d.mts"), join(dir, "processor.d.mts"));
    writeFileSync(
      join(dir, "use.mts"),
      `import { deidentify, deidentifyStream, createDeidentifier, PROFILE, ObjectNotWrittenError, RunSetupError, MissingSecretError, type ObjectRecord as Declared } from "./processor.mjs";
import type { ObjectRecord } from ${JSON.stringify(join(REPO, "src/runtime/executor/types"))};

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const sameRecord: Equal<Declared, ObjectRecord> = true;
export const profile: "ps315.basic" = PROFILE;
const result = deidentify(new Uint8Array(0), { key: "k" });
export const bytes: Uint8Array | null = result.output;
export const outcome: "written" | "skipped" | "rejected" | "quarantined" | "failed" = result.record.outcome;
export const run: (bytes: Uint8Array, inputPath?: string) => { output: Uint8Array | null } = createDeidentifier({ key: new Uint8Array(16) });
export const stream: AsyncGenerator<Uint8Array> = deidentifyStream((async function* () { yield new Uint8Array(0); })());
export const error: ObjectRecord = new ObjectNotWrittenError(result.record).record;
export const fromBuffer = deidentify(new ArrayBuffer(0), { key: "k" }, "buffer").output;
export const fromView = createDeidentifier()(new DataView(new ArrayBuffer(0)));
export const setupError: Error = new RunSetupError("x");
export const missingSecret: Error = new MissingSecretError("x");
export function kind(e: unknown): string {
  return e instanceof RunSetupError ? "setup" : e instanceof MissingSecretError ? "secret" : "other";
}
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: join(REPO, "tsconfig.json"), compilerOptions: { typeRoots: [join(REPO, "node_modules/@types")] }, include: ["use.mts"] }),
    );
    const tsc = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
    const ours = tsc.stdout.split("\n").filter((line) => /^(use\.mts|processor\.d\.mts)\(/.test(line));
    expect(ours, tsc.stdout).toEqual([]);
  });
});
