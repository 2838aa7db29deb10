// The audit report (`--report file.jsonl`): one JSON line per object, the
// executor's ObjectRecord plus where the output went, then one summary line.
// src/run/report.schema.json describes both kinds of line. No line holds an
// original value: the executor's records never do, and the driver adds only
// paths, counts and the profile's identity.

import type { ObjectRecord } from "../runtime/executor/types";
import { AtomicStreamWriter } from "./atomic";

/** A report line for one object, or for an input path that yielded none (missing, unreadable, an empty folder). */
export interface ReportRecord extends ObjectRecord {
  /** where the unchanged original was copied, relative to the --quarantine folder */
  quarantineCopy?: string;
}

export interface RunCounts {
  /** report lines before the summary: objects, plus input paths that yielded none */
  objects: number;
  written: number;
  /** passed through unchanged by a `skip` filter */
  skipped: number;
  rejected: number;
  quarantined: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

export interface RunSummary extends RunCounts {
  seconds: number;
  profile: string;
  /** DICOM standard release of the standard-library units, or null when not pinned */
  release: string | null;
  /** the options applied, in layer order (the profile's own `with` and --with) */
  options: string[];
  /** deidc version */
  deidc: string;
}

export function emptyCounts(): RunCounts {
  return { objects: 0, written: 0, skipped: 0, rejected: 0, quarantined: 0, failed: 0, bytesIn: 0, bytesOut: 0 };
}

/** Streams lines to a temporary file; the report appears under its name only when complete. */
export class ReportWriter {
  private constructor(private readonly out: AtomicStreamWriter) {}

  static async create(path: string): Promise<ReportWriter> {
    return new ReportWriter(await AtomicStreamWriter.create(path));
  }

  async record(record: ReportRecord): Promise<void> {
    await this.out.write(JSON.stringify(record), true);
  }

  async finish(summary: RunSummary): Promise<void> {
    await this.out.write(JSON.stringify({ summary }), true);
    await this.out.commit();
  }

  async discard(): Promise<void> {
    await this.out.discard();
  }
}
