// The batch driver: reads each input, hands its bytes to the executor, and
// places what comes back. Objects are processed one at a time in input order,
// so output files, report lines and crosswalks are the same for every
// --jobs value; --jobs only sets how many files are read ahead while the
// executor works.
//
// Nothing here stops the batch for one bad object: a missing file, an
// unreadable one, a non-DICOM file or an executor error becomes a "failed"
// record and the loop goes on.

import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Executor, ObjectRecord } from "../runtime/executor/types";
import { writeFileAtomicSync } from "./atomic";
import type { CrosswalkCollector } from "./crosswalk";
import type { InputEntry, InputFile, InputProblem, InputRoot } from "./inputs";
import { outputPathFor, type LayoutName } from "./layout";
import { fsReason } from "./paths";
import { emptyCounts, type ReportRecord, type RunCounts } from "./report";

/** Quarantined originals identify people: owner read and write only. */
const QUARANTINE_MODE = 0o600;

export interface BatchPlan {
  entries: readonly InputEntry[];
  roots: readonly InputRoot[];
  /** absolute path of the output folder */
  outputDir: string;
  layout: LayoutName;
  /** absolute path of the --quarantine folder, or null to only report quarantined objects */
  quarantineDir: string | null;
  /** files read ahead of the one being processed (at least 1) */
  readAhead: number;
}

export interface BatchHooks {
  /** every record, in input order, after its output (if any) is in place */
  record(record: ReportRecord): Promise<void>;
  /** a message about the batch that belongs to no single record */
  notice(text: string): void;
  /** called after each entry with the files and input bytes done so far */
  progress(doneEntries: number, doneBytes: number): void;
  /** the executor's crosswalk sink, when --crosswalk was given */
  crosswalk?: CrosswalkCollector;
  /** reads an input file; the file system unless a test replaces it */
  readInput?: (path: string) => Promise<Uint8Array>;
  /** an executor exception, with its detail, for stderr only (the report gets a generic reason) */
  internalError?: (input: string, error: unknown) => void;
}

type ReadResult = { bytes: Uint8Array } | { problem: string };

function problemRecord(problem: InputProblem): ReportRecord {
  return { input: problem.display, outcome: "failed", reason: problem.reason, touched: [], warnings: [] };
}

function failedRecord(input: string, reason: string): ReportRecord {
  return { input, outcome: "failed", reason, touched: [], warnings: [] };
}

/** The executor's record with the input path as this run shows it and the arrays the report schema requires. */
function normalisedRecord(record: ObjectRecord, input: string): ReportRecord {
  return { ...record, input, touched: record.touched ?? [], warnings: record.warnings ?? [] };
}

async function defaultReadInput(path: string): Promise<Uint8Array> {
  return readFile(path);
}

/** Without read-ahead nothing overlaps the read, so the synchronous call saves a thread-pool round trip. */
async function readInputNow(path: string): Promise<Uint8Array> {
  return readFileSync(path);
}

export async function runBatch(executor: Executor, plan: BatchPlan, hooks: BatchHooks): Promise<RunCounts> {
  const counts = emptyCounts();
  const readInput = hooks.readInput ?? (plan.readAhead > 1 ? defaultReadInput : readInputNow);
  const inputFiles = new Set(plan.entries.flatMap((e) => (e.kind === "file" ? [e.canonical] : [])));
  // Every path this run wrote (canonical) and the input it came from: a second object for the same path is an error, not a silent overwrite.
  const claimed = new Map<string, string>();
  /** Output folders already created, with their canonical paths: created and resolved once, not per file. */
  const canonicalFolders = new Map<string, string>();
  const usableObjects = new Map<number, number>();
  const filesPerRoot = new Map<number, number>();

  /** Writes `bytes` at `rel` below `baseDir`, atomically; a problem string when it must not or cannot. */
  const place = async (baseDir: string, rel: string, bytes: Uint8Array, input: string, mode?: number): Promise<string | null> => {
    const target = join(baseDir, ...rel.split("/"));
    try {
      const folder = dirname(target);
      let canonicalFolder = canonicalFolders.get(folder);
      if (canonicalFolder === undefined) {
        mkdirSync(folder, { recursive: true });
        canonicalFolder = realpathSync(folder);
        canonicalFolders.set(folder, canonicalFolder);
      }
      const canonical = join(canonicalFolder, basename(target));
      if (inputFiles.has(canonical)) return `${rel} is an input file of this run; it is never overwritten`;
      const other = claimed.get(canonical);
      if (other !== undefined) return `${rel} was already written for ${other} in this run`;
      claimed.set(canonical, input);
      writeFileAtomicSync(target, bytes, mode === undefined ? {} : { mode });
      return null;
    } catch (e) {
      return `cannot write ${rel}: ${fsReason(e)}`;
    }
  };

  const processFile = async (file: InputFile, read: ReadResult): Promise<ReportRecord> => {
    if ("problem" in read) return failedRecord(file.display, read.problem);
    counts.bytesIn += read.bytes.length;
    let result;
    try {
      result = executor.process(read.bytes, file.display);
    } catch (e) {
      hooks.internalError?.(file.display, e);
      return failedRecord(file.display, "internal error in the executor (details on stderr)");
    }
    const record = normalisedRecord(result.record, file.display);
    if (record.outcome === "written") {
      if (!result.output) return { ...record, outcome: "failed", reason: "the executor reported the object written but returned no bytes" };
      const where = outputPathFor(plan.layout, file, record);
      if ("problem" in where) return { ...record, outcome: "failed", reason: where.problem };
      const problem = await place(plan.outputDir, where.path, result.output, file.display);
      if (problem) return { ...record, outcome: "failed", reason: problem };
      counts.bytesOut += result.output.length;
      return { ...record, output: where.path };
    }
    if (record.outcome === "quarantined" && plan.quarantineDir) {
      // The original, unchanged: a person must judge what the profile could not.
      const problem = await place(plan.quarantineDir, file.mirrorPath, read.bytes, file.display, QUARANTINE_MODE);
      if (problem) return { ...record, warnings: [...record.warnings, `not copied to the quarantine folder: ${problem}`] };
      return { ...record, quarantineCopy: file.mirrorPath };
    }
    return record;
  };

  const reads = new Map<number, Promise<ReadResult>>();
  const startRead = (index: number): void => {
    const entry = plan.entries[index];
    if (entry?.kind !== "file" || reads.has(index)) return;
    reads.set(
      index,
      readInput(entry.display).then(
        (bytes): ReadResult => ({ bytes }),
        (e): ReadResult => ({ problem: `cannot read the file: ${fsReason(e)}` }),
      ),
    );
  };

  let nextRead = 0;
  let doneBytes = 0;
  for (const [index, entry] of plan.entries.entries()) {
    while (nextRead < plan.entries.length && nextRead < index + Math.max(1, plan.readAhead)) startRead(nextRead++);
    let record: ReportRecord;
    if (entry.kind === "problem") record = problemRecord(entry);
    else {
      const read = await reads.get(index)!;
      reads.delete(index);
      record = await processFile(entry, read);
      doneBytes += entry.size;
      filesPerRoot.set(entry.root, (filesPerRoot.get(entry.root) ?? 0) + 1);
      if (record.outcome !== "failed") usableObjects.set(entry.root, (usableObjects.get(entry.root) ?? 0) + 1);
    }
    if (record.outcome === "written") hooks.crosswalk?.commitObject();
    else hooks.crosswalk?.discardObject();
    counts.objects++;
    counts[record.outcome]++;
    await hooks.record(record);
    hooks.progress(index + 1, doneBytes);
  }

  for (const [index, root] of plan.roots.entries()) {
    const files = filesPerRoot.get(index) ?? 0;
    if (root.folder && files > 0 && !usableObjects.has(index)) hooks.notice(`${root.argument}: no DICOM object among its ${files} file(s)`);
  }
  return counts;
}
