// Shared helpers for the DICOM I/O tests: locating the developer corpus, loading files, running the
// dcmjs and dcmdump oracles.

import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  DatasetWriter,
  type DicomFile,
  TokenKind,
  UNDEFINED_LENGTH,
  openCursor,
  writePart10,
} from "../../../src/runtime/dicom/index";


export { CORPUS_DIR, warnIfNoCorpus } from "../../support/corpus";
import { CORPUS_DIR } from "../../support/corpus";

/** Corpus files that are not valid DICOM although named .dcm, and the error the reader must give. */
export const KNOWN_MALFORMED: ReadonlyMap<string, RegExp> = new Map([
  // CT_small.dcm's dataset preceded by one stray byte (0x20): dcmdump rejects it too.
  ["no_meta.dcm", /^not a DICOM file: no "DICM" at offset 0x80/],
]);

/** Every *.dcm and *.dcm.gz under the corpus, sorted. */
export function corpusFiles(): string[] {
  if (!CORPUS_DIR) return [];
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (name.endsWith(".dcm") || name.endsWith(".dcm.gz")) out.push(path);
    }
  };
  visit(CORPUS_DIR);
  return out.sort();
}

export function loadCorpusFile(path: string): Uint8Array {
  const raw = readFileSync(path);
  return new Uint8Array(path.endsWith(".gz") ? gunzipSync(raw) : raw);
}

export function shortName(path: string): string {
  return basename(path);
}

// ---- dcmjs (no type declarations ship with it; only the calls used here are typed) ----

interface DcmjsModule {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: object): { meta: Record<string, unknown>; dict: Record<string, unknown> } };
    DicomMetaDictionary: { naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown> };
  };
  log?: { setLevel?(level: string): void };
}

let dcmjsModule: DcmjsModule | undefined;

export function dcmjs(): DcmjsModule {
  if (!dcmjsModule) {
    dcmjsModule = createRequire(import.meta.url)("dcmjs") as DcmjsModule;
    dcmjsModule.log?.setLevel?.("silent");
  }
  return dcmjsModule;
}

/** The naturalized dataset dcmjs reads, or undefined when dcmjs cannot read the file. */
export function readWithDcmjs(bytes: Uint8Array): Record<string, unknown> | undefined {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const quiet = silenceConsole();
  try {
    const message = dcmjs().data.DicomMessage.readFile(buffer);
    return dcmjs().data.DicomMetaDictionary.naturalizeDataset(message.dict);
  } catch {
    return undefined;
  } finally {
    quiet();
  }
}

/** dcmjs logs through console.log/warn about things it tolerates; the tests do not need that noise. */
function silenceConsole(): () => void {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  console.log = console.warn = console.error = console.info = () => undefined;
  return () => Object.assign(console, saved);
}

// ---- dcmdump (dcmtk) ----

export const HAVE_DCMDUMP = spawnSync("dcmdump", ["--version"], { stdio: "ignore" }).status === 0;

export interface DcmdumpResult {
  ok: boolean;
  stderr: string;
  /** tags of data elements (not items/delimiters, not group 0002) in dump order, as "gggg,eeee" */
  tags: string[];
}

export function dcmdump(path: string): DcmdumpResult {
  const run = spawnSync("dcmdump", ["-q", "-M", path], { encoding: "latin1", maxBuffer: 64 << 20 });
  const tags: string[] = [];
  for (const line of (run.stdout ?? "").split("\n")) {
    const m = /^\s*\(([0-9a-f]{4}),([0-9a-f]{4})\)/.exec(line);
    if (!m || m[1] === "fffe" || m[1] === "0002") continue;
    tags.push(`${m[1]},${m[2]}`);
  }
  return { ok: run.status === 0 && !/^E:/m.test(run.stderr ?? ""), stderr: run.stderr ?? "", tags };
}

// ---- walking and rewriting with the code under test ----

/** Tags of data elements at all depths, as dcmdump lists them. */
export function walkTags(file: DicomFile): string[] {
  const cursor = openCursor(file);
  const tags: string[] = [];
  while (cursor.next()) {
    if (cursor.kind === TokenKind.Element || cursor.kind === TokenKind.Sequence || cursor.kind === TokenKind.EncapsulatedPixelData) {
      const hex = cursor.tag.toString(16).padStart(8, "0");
      tags.push(`${hex.slice(0, 4)},${hex.slice(4)}`);
    }
  }
  return tags;
}

/**
 * Rewrites a file the way the executor does when it keeps everything: every header re-encoded by the
 * writer, every value copied from the input, sequences and items re-opened in their original length
 * form. Returns the new Part 10 file and its (uncompressed) dataset.
 */
export function rewriteKeepingEverything(file: DicomFile): { part10: Uint8Array; dataset: Uint8Array } {
  const cursor = openCursor(file);
  const writer = new DatasetWriter(file.encoding);
  let sopClass: string | undefined;
  let sopInstance: string | undefined;
  while (cursor.next()) {
    switch (cursor.kind) {
      case TokenKind.Element:
        if (cursor.depth === 0 && cursor.tag === 0x00080016) sopClass = cursor.readText();
        if (cursor.depth === 0 && cursor.tag === 0x00080018) sopInstance = cursor.readText();
        writer.writeHeader(cursor.tag, cursor.vr, cursor.valueLength);
        writer.copy(cursor.bytes, cursor.valueOffset, cursor.valueOffset + cursor.valueLength);
        break;
      case TokenKind.EncapsulatedPixelData:
        writer.writeHeader(cursor.tag, cursor.vr, UNDEFINED_LENGTH);
        writer.copy(cursor.bytes, cursor.valueOffset, cursor.endOffset);
        break;
      case TokenKind.Sequence:
        writer.beginSequence(cursor.tag, cursor.vr === "UN" ? "UN" : "SQ", cursor.valueLength === UNDEFINED_LENGTH);
        break;
      case TokenKind.Item:
        writer.beginItem(cursor.valueLength === UNDEFINED_LENGTH);
        break;
      case TokenKind.ItemEnd:
        writer.endItem();
        break;
      case TokenKind.SequenceEnd:
        writer.endSequence();
        break;
    }
  }
  const dataset = writer.finish();
  const meta = file.meta;
  const part10 = writePart10(
    {
      transferSyntaxUid: file.transferSyntaxUid,
      mediaStorageSopClassUid: meta?.mediaStorageSopClassUid || sopClass || "1.2.840.10008.5.1.4.1.1.7",
      mediaStorageSopInstanceUid: meta?.mediaStorageSopInstanceUid || sopInstance || "2.25.1",
      implementationClassUid: "2.25.329800735698586629295641978511506172918",
      implementationVersionName: "DEIDC_TEST",
    },
    dataset,
  );
  return { part10, dataset };
}
