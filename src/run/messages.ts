// The one-line messages a run prints on stderr: one per object that was not
// written, and the closing summary. Like the report, they hold paths,
// reasons and rule locations, never a value from inside an object.

import type { IrSource } from "../ir/types";
import { formatMegabytes } from "./progress";
import type { ReportRecord, RunCounts } from "./report";

function at(rule: IrSource | undefined): string {
  return rule ? ` (${rule.file}:${rule.line})` : "";
}

/** The stderr line for a record, or null for a written object. */
export function recordMessage(record: ReportRecord): string | null {
  const reason = record.reason ?? "no reason given";
  switch (record.outcome) {
    case "written":
      return null;
    case "skipped":
      return `${record.input}: skipped (written unchanged, identifiers included): ${reason}${at(record.rule)}`;
    case "failed":
      return `${record.input}: ${reason}${record.offset !== undefined ? ` (at byte ${record.offset})` : ""}`;
    case "rejected":
      return `${record.input}: rejected: ${reason}${at(record.rule)}`;
    case "quarantined": {
      const copy = record.quarantineCopy !== undefined ? `; original copied to the quarantine folder as ${record.quarantineCopy}` : "";
      const notCopied = record.warnings.filter((w) => w.startsWith("not copied to the quarantine folder"));
      return `${record.input}: quarantined: ${reason}${at(record.rule)}${copy}${notCopied.length ? `; ${notCopied.join("; ")}` : ""}`;
    }
  }
}

/** "12 objects: 9 written, 1 rejected, 1 quarantined, 1 failed; 3.4 MB in 1.2 s (2.8 MB/s)" */
export function summaryMessage(counts: RunCounts, seconds: number): string {
  const rate = seconds > 0 ? counts.bytesIn / seconds : 0;
  return (
    `${counts.objects} object(s): ${counts.written} written, ${counts.skipped > 0 ? `${counts.skipped} skipped, ` : ""}${counts.rejected} rejected, ${counts.quarantined} quarantined, ${counts.failed} failed; ` +
    `${formatMegabytes(counts.bytesIn)} MB read, ${formatMegabytes(counts.bytesOut)} MB written in ${seconds.toFixed(1)} s (${formatMegabytes(rate)} MB/s)`
  );
}
