// Shared pieces of the code generator tests: the corpus, temporary folders,
// generating and importing plan modules, and running one object through both
// the generated plan and createExecutor's interpreted plan.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { transformSync } from "esbuild";
import { expect } from "vitest";
import * as runtime from "../../src/codegen/runtime";
import { generatePlanModule } from "../../src/codegen/generate";
import type { PlanModule } from "../../src/codegen/instantiate";
import { COMPILER_VERSION } from "../../src/ir/build";
import type { IrProgram } from "../../src/ir/types";
import type { Executor, ExecutorEnvironment, ObjectResult } from "../../src/runtime/executor/types";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Folder of the example profiles: the IR names them relative to it, and their lookup tables are found from it. */
export const EXAMPLES_DIR = join(REPO, "rules/examples");
export const RUNTIME = join(REPO, "src", "codegen", "runtime");

/** The shared corpus: $DEIDC_CORPUS, else shared/corpus beside the work tree. */
export const CORPUS_DIR: string | undefined = [process.env.DEIDC_CORPUS, resolve(REPO, "../shared/corpus"), "/work/shared/corpus"].find(
  (dir): dir is string => dir !== undefined && existsSync(dir),
);

export function warnIfNoCorpus(suite: string): void {
  if (!CORPUS_DIR) console.warn(`[${suite}] corpus tests skipped: no DICOM corpus (set DEIDC_CORPUS or provide ../shared/corpus)`);
}

/**
 * A varied selection: GE, Siemens and CTP private blocks, private sequences,
 * deep SR and SEG nesting, UN sequences, big endian, no File Meta, deflate,
 * character sets, a waveform and a real CT with synthetic PHI.
 */
export const CORPUS_SELECTION = [
  "pydicom-debian/CT_small.dcm",
  "pydicom-debian/MR_small_bigendian.dcm",
  "pydicom-debian/ExplVR_BigEndNoMeta.dcm",
  "pydicom-debian/test-SR.dcm",
  "pydicom-debian/liver_1frame.dcm",
  "pydicom-debian/UN_sequence.dcm",
  "pydicom-debian/chrSQEncoding.dcm",
  "pydicom-debian/chrJapMulti.dcm",
  "pydicom-debian/rtstruct.dcm",
  "pydicom-debian/priv_SQ.dcm",
  "pydicom-debian/nested_priv_SQ.dcm",
  "pydicom-debian/image_dfl.dcm",
  "pydicom-debian/waveform_ecg.dcm",
  "nibabel-debian/siemens_0.dcm",
  "tcia-via-suyashkumar-dicom/PT_ACRIN-FLT-Breast_029.dcm",
  "pseudo-phi-johnsnowlabs/3209648408_09-23-1999-CT_UROGRAM-31798_3_000000-PARENCHYMAL_PHASE_Sep1999-95798_1-001.dcm",
];

export interface CorpusFile {
  name: string;
  path: string;
  bytes: Uint8Array;
}

export function corpusFiles(names: readonly string[] = CORPUS_SELECTION): CorpusFile[] {
  if (!CORPUS_DIR) return [];
  return names
    .map((name) => ({ name, path: join(CORPUS_DIR!, name) }))
    .filter((f) => existsSync(f.path))
    .map((f) => ({ ...f, bytes: new Uint8Array(readFileSync(f.path)) }));
}

/** Every DICOM file of the corpus (`*.dcm`, and `*.dcm.gz` unpacked), sorted by name. */
export function allCorpusFiles(): CorpusFile[] {
  if (!CORPUS_DIR) return [];
  const names = readdirSync(CORPUS_DIR, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".dcm") || name.endsWith(".dcm.gz"))
    .sort();
  return names.map((name) => {
    const path = join(CORPUS_DIR!, name);
    const raw = readFileSync(path);
    return { name, path, bytes: new Uint8Array(name.endsWith(".gz") ? gunzipSync(raw) : raw) };
  });
}

const temporaryDirs: string[] = [];

/** A fresh folder; `removeTemporaryDirs` (afterAll) deletes it. */
export function tempDir(prefix = "deidc-codegen-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

export function removeTemporaryDirs(): void {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function put(path: string, content: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** What a generated plan module exports. */
export type GeneratedPlan = PlanModule;

/** Writes the plan module for `ir` into `dir` (importing the runtime by absolute path) and imports it. */
export async function loadGenerated(ir: IrProgram, dir: string, name: string): Promise<{ path: string; source: string; plan: GeneratedPlan }> {
  const source = generatePlanModule(ir, { runtimeImport: RUNTIME, deidcVersion: COMPILER_VERSION, command: `test ${name}` });
  const path = put(join(dir, `${name}.ts`), source);
  const plan = (await import(path)) as GeneratedPlan;
  return { path, source, plan };
}

/**
 * The plan module for `ir`, evaluated without a file: transpiled by esbuild
 * to CommonJS and run with the runtime this test process already loaded.
 * The same code as `loadGenerated`, at a tenth of the cost, for the property
 * test's many modules.
 */
export function evaluateGenerated(ir: IrProgram): GeneratedPlan {
  const source = generatePlanModule(ir, { runtimeImport: RUNTIME, deidcVersion: COMPILER_VERSION });
  const { code } = transformSync(source, { loader: "ts", format: "cjs", target: "node20" });
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string): unknown => {
    if (specifier !== RUNTIME) throw new Error(`generated code imports ${specifier}`);
    return runtime;
  };
  new Function("module", "exports", "require", code)(module, module.exports, require);
  return module.exports as unknown as GeneratedPlan;
}

export const TEST_KEY = new TextEncoder().encode("codegen-test-key-0123456789");

/** Keys for every secret the profile declares, and the fallback name. */
export function testEnvironment(ir: IrProgram, extra: Partial<ExecutorEnvironment> = {}): ExecutorEnvironment {
  const secrets = new Map<string, Uint8Array>([["key", TEST_KEY], ...ir.secrets.map((s): [string, Uint8Array] => [s.name, TEST_KEY])]);
  return { secrets, params: new Map(), tables: new Map(), ...extra };
}

/** Asserts byte-identical outputs and equal records. */
export function expectSameResult(actual: ObjectResult, expected: ObjectResult, what: string): void {
  expect(actual.record, `${what}: record`).toEqual(expected.record);
  if (expected.output === null) expect(actual.output, `${what}: output`).toBeNull();
  else {
    expect(actual.output, `${what}: output`).not.toBeNull();
    expect(Buffer.compare(Buffer.from(actual.output!), Buffer.from(expected.output)), `${what}: output bytes differ`).toBe(0);
  }
}
