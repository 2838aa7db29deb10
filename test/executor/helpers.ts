// Shared helpers for the executor tests: compiled profiles, a walk of an output that names elements
// the way the executor's audit record does, the external oracles (dcmdump, dciodvfy) run in
// parallel, and small datasets built with the DICOM writer.

import { execFile, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { compileProfile } from "../../src/compile";
import { validateIr } from "../../src/ir/validate";
import { lookupTag } from "../../src/dicom/dictionary";
import type { IrProgram } from "../../src/ir/types";
import { createExecutor, type Executor } from "../../src/runtime/executor";
import {
  DatasetWriter,
  TokenKind,
  openCursor,
  readPart10,
  writePart10,
  type DicomFile,
  type SpecificCharacterSet,
} from "../../src/runtime/dicom";

export { CORPUS_DIR, HAVE_DCMDUMP, corpusFiles, loadCorpusFile, readWithDcmjs, shortName, warnIfNoCorpus } from "../runtime/dicom/corpus";

/** The standard library's options that carry element rules, in the canonical order (docs/stdlib.md). */
export const STDLIB_OPTIONS = [
  "ps315.retain-safe-private",
  "ps315.retain-uids",
  "ps315.retain-device-identity",
  "ps315.retain-institution-identity",
  "ps315.retain-patient-characteristics",
  "ps315.retain-longitudinal-full-dates",
  "ps315.retain-longitudinal-modified-dates",
  "ps315.clean-descriptors",
  "ps315.clean-structured-content",
  "ps315.clean-graphics",
] as const;

/** ps315.basic alone, then ps315.basic with each option: the profiles every corpus file goes through. */
export const PROFILES: readonly { name: string; options: string[] }[] = [
  { name: "ps315.basic", options: [] },
  ...STDLIB_OPTIONS.map((o) => ({ name: o, options: [o] })),
];

export const TEST_KEY = new TextEncoder().encode("deidc executor test key");

const compiled = new Map<string, IrProgram>();

/** Compiles ps315.basic (or a rule file) with options, once per worker. */
export function compile(entry: string, options: readonly string[] = []): IrProgram {
  const cacheKey = `${entry}|${options.join(",")}`;
  let ir = compiled.get(cacheKey);
  if (!ir) {
    const result = compileProfile(entry, { withOptions: options });
    if (!result.ir) throw new Error(`${cacheKey} does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
    ir = result.ir;
    // compileProfile leaves the schema check to where IR leaves the process; the tests keep it as a net.
    validateIr(ir);
    compiled.set(cacheKey, ir);
  }
  return ir;
}

export function executorFor(ir: IrProgram, key: Uint8Array = TEST_KEY): Executor {
  return createExecutor(ir, { secrets: new Map(), params: new Map(), tables: new Map(), runKey: key });
}

// ---- walking an encoded file ----

export interface WalkedElement {
  /** the path as ObjectRecord.touched writes it: "(0008,1140)[0]/(0008,1155)", private "(0029,\"CREATOR\",10)" */
  path: string;
  tag: number;
  vr: string;
  depth: number;
  kind: TokenKind;
  /** private creator of a private element (element >= 0x1000) */
  creator: string | undefined;
  /** decoded text (text VRs), else null */
  text: string | null;
  /** value bytes [start, end) in `file.dataset` (for a Sequence token, start = end = where its items begin) */
  start: number;
  end: number;
  characterSet: SpecificCharacterSet;
  /** index of the item (in walk order) the element is in, -1 at the top level: groups creators with their elements */
  scope: number;
}

const TEXT_VRS = new Set(["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"]);

/** The VR to read a value with: a standard attribute written as UN has its dictionary's (as the executor reads it). */
export function effectiveVr(tag: number, vr: string): string {
  if (vr !== "UN" || ((tag >>> 16) & 1) === 1) return vr;
  const known = lookupTag(tag)?.vrs[0];
  return known && TEXT_VRS.has(known) ? known : vr;
}

export function hexTag(tag: number): string {
  const h = (tag >>> 0).toString(16).toUpperCase().padStart(8, "0");
  return `(${h.slice(0, 4)},${h.slice(4)})`;
}

/** Every element, sequence and pixel data token of a dataset, at every depth, in file order. */
export function walk(file: DicomFile): WalkedElement[] {
  const cursor = openCursor(file);
  const out: WalkedElement[] = [];
  const stack: { name: string; item: number; scope: number }[] = [];
  let items = 0;
  while (cursor.next()) {
    const kind = cursor.kind;
    if (kind === TokenKind.Item) {
      const top = stack[stack.length - 1]!;
      top.item++;
      top.scope = items++;
      continue;
    }
    if (kind === TokenKind.ItemEnd) continue;
    if (kind === TokenKind.SequenceEnd) {
      stack.pop();
      continue;
    }
    const tag = cursor.tag;
    let prefix = "";
    for (const a of stack) prefix += `${a.name}[${a.item}]/`;
    const creator = cursor.privateCreator();
    const name = creator !== undefined ? `(${hexTag(tag).slice(1, 5)},${JSON.stringify(creator)},${(tag & 0xff).toString(16).toUpperCase().padStart(2, "0")})` : hexTag(tag);
    const path = prefix + name;
    const vr = kind === TokenKind.Element ? effectiveVr(tag, cursor.vr) : cursor.vr;
    const isText = kind === TokenKind.Element && TEXT_VRS.has(vr);
    const element: WalkedElement = {
      path,
      tag,
      vr,
      depth: cursor.depth,
      kind,
      creator,
      text: isText ? cursor.readText() : null,
      start: cursor.valueOffset,
      end: kind === TokenKind.Sequence ? cursor.valueOffset : cursor.endOffset,
      characterSet: cursor.characterSet,
      scope: stack.length === 0 ? -1 : stack[stack.length - 1]!.scope,
    };
    out.push(element);
    if (kind === TokenKind.Sequence) stack.push({ name, item: -1, scope: -1 });
  }
  return out;
}

export function walkBytes(bytes: Uint8Array): { file: DicomFile; elements: WalkedElement[] } {
  const file = readPart10(bytes);
  return { file, elements: walk(file) };
}

/** The top-level value bytes of a tag (pixel data: the whole encapsulated item run), or undefined. */
export function topLevelValue(file: DicomFile, tag: number): Uint8Array | undefined {
  const cursor = openCursor(file);
  while (cursor.next()) {
    if (cursor.depth !== 0) continue;
    if (cursor.kind === TokenKind.Sequence) {
      cursor.skip();
      continue;
    }
    if (cursor.tag === tag) return file.dataset.subarray(cursor.valueOffset, cursor.endOffset);
    if (cursor.tag > tag) return undefined;
  }
  return undefined;
}

/** Top-level text values by tag. */
export function topLevelTexts(file: DicomFile): Map<number, string> {
  const values = new Map<number, string>();
  const cursor = openCursor(file);
  while (cursor.next()) {
    if (cursor.depth !== 0) continue;
    if (cursor.kind === TokenKind.Sequence) {
      cursor.skip();
      continue;
    }
    if (cursor.kind === TokenKind.Element && TEXT_VRS.has(effectiveVr(cursor.tag, cursor.vr))) values.set(cursor.tag, cursor.readText());
  }
  return values;
}

/** Code items (value, scheme) of a top-level code sequence. */
export function topLevelCodes(file: DicomFile, sequenceTag: number): { value: string; scheme: string; meaning: string }[] {
  const codes: { value: string; scheme: string; meaning: string }[] = [];
  const cursor = openCursor(file);
  let inside = false;
  let current: { value: string; scheme: string; meaning: string } | null = null;
  while (cursor.next()) {
    if (cursor.kind === TokenKind.Sequence && cursor.depth === 0) {
      if (cursor.tag === sequenceTag) inside = true;
      else cursor.skip();
      continue;
    }
    if (!inside) continue;
    if (cursor.kind === TokenKind.SequenceEnd && cursor.depth === 0) break;
    if (cursor.kind === TokenKind.Item && cursor.depth === 1) current = { value: "", scheme: "", meaning: "" };
    if (cursor.kind === TokenKind.ItemEnd && cursor.depth === 1 && current) codes.push(current);
    if (cursor.kind === TokenKind.Element && cursor.depth === 1 && current) {
      if (cursor.tag === 0x00080100) current.value = cursor.readText();
      if (cursor.tag === 0x00080102) current.scheme = cursor.readText();
      if (cursor.tag === 0x00080104) current.meaning = cursor.readText();
    }
  }
  return codes;
}

// ---- building small inputs ----

export type BuiltElement =
  | { tag: number; vr: string; text: string }
  | { tag: number; vr: string; bytes: Uint8Array }
  /** a sequence; `definedLength` writes its and its items' lengths instead of delimiters */
  | { tag: number; vr: "SQ" | "UN"; items: BuiltElement[][]; definedLength?: boolean };

const ENCODER = new TextEncoder();

/** Writes elements (sorted into tag order at every level) in explicit VR little endian unless told otherwise. */
export function buildDataset(elements: readonly BuiltElement[], encoding = { littleEndian: true, explicitVr: true }): Uint8Array {
  const writer = new DatasetWriter(encoding);
  const write = (list: readonly BuiltElement[]): void => {
    for (const e of [...list].sort((a, b) => a.tag - b.tag)) {
      if ("items" in e) {
        writer.beginSequence(e.tag, e.vr, !e.definedLength);
        for (const item of e.items) {
          writer.beginItem(!e.definedLength);
          write(item);
          writer.endItem();
        }
        writer.endSequence();
      } else if ("bytes" in e) writer.writeElement(e.tag, e.vr, e.bytes);
      else writer.writeElement(e.tag, e.vr, ENCODER.encode(e.text));
    }
  };
  write(elements);
  return writer.finish().slice();
}

export const TS_EXPLICIT_LE = "1.2.840.10008.1.2.1";
export const TS_IMPLICIT_LE = "1.2.840.10008.1.2";

/** A Part 10 file around a dataset; the SOP UIDs of the File Meta are taken from the elements unless given. */
export function buildPart10(elements: readonly BuiltElement[], transferSyntaxUid = TS_EXPLICIT_LE, meta: { sopClass?: string; sopInstance?: string } = {}): Uint8Array {
  const explicit = transferSyntaxUid !== TS_IMPLICIT_LE;
  const dataset = buildDataset(elements, { littleEndian: true, explicitVr: explicit });
  const text = (tag: number): string => {
    const e = elements.find((x) => x.tag === tag);
    return e && "text" in e ? e.text : "";
  };
  return writePart10(
    {
      transferSyntaxUid,
      mediaStorageSopClassUid: meta.sopClass ?? (text(0x00080016) || "1.2.840.10008.5.1.4.1.1.7"),
      mediaStorageSopInstanceUid: meta.sopInstance ?? (text(0x00080018) || "1.2.3.4"),
      implementationClassUid: "1.2.3.4.5",
    },
    dataset,
  );
}

/** Finds `needle` in `haystack`; -1 when absent. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength), from);
}

// ---- external oracles ----

export const HAVE_DCIODVFY = spawnSync("dciodvfy", [], { stdio: "ignore" }).error === undefined;

export interface ToolRun {
  stdout: string;
  stderr: string;
  /** exit code, or null when killed by a signal (a crash) */
  code: number | null;
}

/** Runs a command; never rejects (a crash is reported through `code: null`). */
export function runTool(command: string, args: readonly string[]): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "latin1", maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : error.signal ? null : 1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

export interface DciodvfyResult {
  /** dciodvfy died (it aborts on a few inputs) */
  crashed: boolean;
  /** "Error" lines, normalised so that values that legitimately change compare equal */
  errors: Set<string>;
}

/**
 * Runs `command FILE` for many files through a few shells, each looping over its share of the files.
 * Forking a test worker that holds hundreds of megabytes of outputs costs tens of milliseconds, so the
 * worker forks a shell per share rather than a process per file. Returns, per file, the combined
 * output and the exit status (128 + signal number when the command crashed).
 */
export async function runForEach(command: string, args: readonly string[], paths: readonly string[]): Promise<Map<string, { output: string; status: number }>> {
  const shares = Math.max(1, Math.min(availableParallelism(), paths.length));
  const chunks: string[][] = Array.from({ length: shares }, () => []);
  paths.forEach((p, i) => chunks[i % shares]!.push(p));
  const script = `for f in "$@"; do printf '\n@@@FILE %s\n' "$f"; ${command} ${args.map((a) => `'${a}'`).join(" ")} "$f" 2>&1; printf '\n@@@STATUS %s\n' "$?"; done`;
  const results = new Map<string, { output: string; status: number }>();
  await Promise.all(
    chunks.map(async (chunk) => {
      const run = await runTool("sh", ["-c", script, "sh", ...chunk]);
      for (const block of run.stdout.split("\n@@@FILE ").slice(1)) {
        const newline = block.indexOf("\n");
        const path = block.slice(0, newline);
        const status = /\n@@@STATUS (\d+)\n?$/.exec(block);
        results.set(path, { output: block.slice(newline + 1, status ? status.index : undefined), status: status ? Number(status[1]) : -1 });
      }
    }),
  );
  return results;
}

/**
 * The error lines dciodvfy prints for each file. Normalised: UIDs and other dotted numbers, the number
 * after "UID", and quoted values ("= <...>") are replaced by replacement marks, since a de-identified
 * output carries new UIDs and dummy values where the input had others.
 */
export async function dciodvfyAll(paths: readonly string[]): Promise<Map<string, DciodvfyResult>> {
  const runs = await runForEach("dciodvfy", [], paths);
  const results = new Map<string, DciodvfyResult>();
  for (const path of paths) {
    const run = runs.get(path);
    const errors = new Set<string>();
    for (const line of (run?.output ?? "").split("\n")) {
      if (!line.startsWith("Error")) continue;
      errors.add(
        line
          .replace(/\d+(\.\d+)+/g, "#")
          .replace(/(UID:?) \d+/g, "$1 #")
          .replace(/= <[^>]*>/g, "= <>")
          .trim(),
      );
    }
    results.set(path, { crashed: !run || run.status > 128, errors });
  }
  return results;
}

/**
 * dcmdump's verdict on several files: those it reports an error ("E:", "F:") for or cannot read.
 * dcmdump spends most of its time starting (it loads its data dictionary), so it reads the files a
 * few at a time per process; only when a batch reports a problem is each of its files read alone,
 * to name the culprit.
 */
export async function dcmdumpFailures(paths: readonly string[]): Promise<{ path: string; message: string }[]> {
  const shares = Math.max(1, Math.min(availableParallelism(), Math.ceil(paths.length / 100)));
  const chunks: string[][] = Array.from({ length: shares }, () => []);
  paths.forEach((p, i) => chunks[i % shares]!.push(p));
  const suspects: string[] = [];
  await Promise.all(
    chunks.map(async (chunk) => {
      const run = await runTool("sh", ["-c", `dcmdump -M "$@" 2>&1 >/dev/null; echo "@@@STATUS $?"`, "sh", ...chunk]);
      if (!/@@@STATUS 0\s*$/.test(run.stdout) || /^[EF]:/m.test(run.stdout)) suspects.push(...chunk);
    }),
  );
  const runs = await runForEach("dcmdump", ["-q", "-M"], suspects);
  const failures: { path: string; message: string }[] = [];
  for (const path of suspects) {
    const run = runs.get(path);
    const errors = (run?.output ?? "").split("\n").filter((l) => /^[EF]:/.test(l));
    if (!run || run.status !== 0 || errors.length > 0) failures.push({ path, message: errors.join(" | ") || `exit ${run?.status}` });
  }
  return failures;
}
