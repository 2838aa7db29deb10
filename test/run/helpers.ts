// Shared pieces of the `deidc run` tests: temporary folders, a captured
// stderr, a fake executor that exercises the driver's plumbing without
// depending on real de-identification, the report schema validator, and the
// shared DICOM corpus (used only when present).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import Ajv from "ajv";
import { afterEach } from "vitest";
import type { IrProgram, IrSource } from "../../src/ir/types";
import type { Executor, ExecutorEnvironment, ObjectRecord } from "../../src/runtime/executor/types";
import schema from "../../src/run/report.schema.json";


export { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";

const temporaryDirs: string[] = [];

/** A fresh folder, removed after the test. */
export function tempDir(prefix = "deidc-run-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` at `path`, creating folders. */
export function put(path: string, content: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** Bytes shaped like a Part 10 file for the fake executor: 128-byte preamble, "DICM", then `body`. */
export function fakeDicom(body: string): Uint8Array {
  const bytes = new Uint8Array(132 + body.length);
  bytes.set(new TextEncoder().encode("DICM"), 128);
  bytes.set(new TextEncoder().encode(body), 132);
  return bytes;
}

/** Every file below `dir`, as "/"-separated relative paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** A stderr that keeps what is written. */
export class CapturedStream {
  text = "";
  constructor(readonly isTTY = false, readonly columns = 100) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  get lines(): string[] {
    return this.text.split("\n").filter((l) => l !== "");
  }
}

export const FAKE_RULE: IrSource = { file: "fake.deid", line: 3, column: 1 };

export function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/**
 * An executor that de-identifies nothing but behaves like one at the
 * interface: by the input's file name it rejects ("reject"), quarantines
 * ("quarantine"), fails with an offset ("bad"), throws ("throw"), and fails
 * on bytes without "DICM" at 128. Otherwise it "writes" the input bytes
 * reversed, names new identifiers after a digest of the content, and reports
 * crosswalk pairs.
 */
export function fakeExecutorFactory(seen?: { ir?: IrProgram; env?: ExecutorEnvironment }): (ir: IrProgram, env: ExecutorEnvironment) => Executor {
  return (ir, env) => {
    if (seen) {
      seen.ir = ir;
      seen.env = env;
    }
    return {
      process(bytes, inputPath) {
        const name = basename(inputPath);
        const base: ObjectRecord = { input: inputPath, outcome: "failed", touched: [], warnings: [] };
        if (name.includes("throw")) throw new Error("fake executor exploded");
        if (name.includes("reject")) return { record: { ...base, outcome: "rejected", reason: "fake rejection", rule: FAKE_RULE }, output: null };
        if (name.includes("quarantine")) return { record: { ...base, outcome: "quarantined", reason: "fake quarantine", rule: FAKE_RULE }, output: null };
        if (name.includes("bad")) return { record: { ...base, reason: "fake parse failure", offset: 132 }, output: null };
        if (bytes.length < 132 || new TextDecoder().decode(bytes.subarray(128, 132)) !== "DICM") {
          return { record: { ...base, reason: 'not a DICOM file: no "DICM" at offset 0x80', offset: 128 }, output: null };
        }
        const digest = createHash("sha256").update(bytes).digest();
        const uid = (salt: number): string => `2.25.${BigInt("0x" + digest.subarray(salt, salt + 8).toString("hex"))}`;
        const body = new TextDecoder().decode(bytes.subarray(132));
        const patient = body.split(":")[0] || "anonymous";
        env.crosswalk?.patientId(patient, `NEW-${patient}`);
        env.crosswalk?.uid(`1.2.3.${patient}`, uid(0));
        return {
          record: {
            ...base,
            outcome: "written",
            sopClassUid: "1.2.840.10008.5.1.4.1.1.7",
            newPatientId: `NEW-${patient}`,
            newStudyUid: `2.25.${patient.length}`,
            newSeriesUid: "2.25.99",
            newSopInstanceUid: uid(8),
            touched: [{ path: "(0010,0010)", action: "Z", rule: FAKE_RULE }],
          },
          output: reversed(bytes),
        };
      },
    };
  };
}

let validator: ((data: unknown) => boolean) & { errors?: unknown } | null = null;

/** Throws unless `value` is a valid report line (src/run/report.schema.json): an executor's record is one. */
export function assertValidReportLine(value: unknown, what = "report line"): void {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  if (!validator(value)) throw new Error(`${what} does not match the schema: ${JSON.stringify(validator.errors)}\n${JSON.stringify(value)}`);
}

/** Validates every line of a report file against src/run/report.schema.json; returns the parsed lines. */
export function readValidReport(path: string): unknown[] {
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines.pop() !== "") throw new Error("report does not end with a newline");
  return lines.map((line, i) => {
    const value: unknown = JSON.parse(line);
    assertValidReportLine(value, `report line ${i + 1}`);
    return value;
  });
}

export const TEST_KEY = "test-key-7f3a9c2e5b8d1f4a6c0e9b2d";
