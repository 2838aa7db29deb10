// The crosswalk (`--crosswalk <dir>`): original-to-new Patient IDs and UIDs,
// the only output of a run that holds original values. It is collected only
// when asked for, kept to objects that were written (pairs seen while
// processing an object that was then rejected or failed describe nothing that
// was released), and written with owner-only permissions.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { CrosswalkSink } from "../runtime/executor/types";
import { writeFileAtomic } from "./atomic";

export const PATIENT_ID_CROSSWALK = "patient-ids.csv";
export const UID_CROSSWALK = "uids.csv";

/** Owner read and write only: the crosswalk re-identifies every object. */
const CROSSWALK_MODE = 0o600;

/** One RFC 4180 field: quoted when it holds a comma, quote, line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvText(header: readonly [string, string], pairs: Iterable<readonly [string, string]>): string {
  const lines = [header.join(",")];
  for (const [original, replacement] of pairs) lines.push(`${csvField(original)},${csvField(replacement)}`);
  return lines.join("\n") + "\n";
}

/** Pairs sorted by original, then replacement (code-unit order), each pair once. */
function sortedPairs(pairs: ReadonlyMap<string, ReadonlySet<string>>): [string, string][] {
  const out: [string, string][] = [];
  for (const [original, replacements] of pairs) for (const replacement of replacements) out.push([original, replacement]);
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]));
}

type PairMap = Map<string, Set<string>>;

function addPair(map: PairMap, original: string, replacement: string): void {
  let set = map.get(original);
  if (!set) map.set(original, (set = new Set()));
  set.add(replacement);
}

export class CrosswalkCollector implements CrosswalkSink {
  private readonly patientIds: PairMap = new Map();
  private readonly uids: PairMap = new Map();
  private pendingPatientIds: [string, string][] = [];
  private pendingUids: [string, string][] = [];

  patientId(original: string, replacement: string): void {
    this.pendingPatientIds.push([original, replacement]);
  }

  uid(original: string, replacement: string): void {
    this.pendingUids.push([original, replacement]);
  }

  /** Keeps the pairs reported while processing the object just written. */
  commitObject(): void {
    for (const [o, r] of this.pendingPatientIds) addPair(this.patientIds, o, r);
    for (const [o, r] of this.pendingUids) addPair(this.uids, o, r);
    this.discardObject();
  }

  /**
   * Takes the pairs reported while processing the object just prepared, to be
   * given back (patientId/uid) when its outcome is known: the batch prepares
   * the next object before the last one's file is written.
   */
  takeObject(): { patientIds: [string, string][]; uids: [string, string][] } {
    const pairs = { patientIds: this.pendingPatientIds, uids: this.pendingUids };
    this.discardObject();
    return pairs;
  }

  /** Drops the pairs of an object that was not written. */
  discardObject(): void {
    this.pendingPatientIds = [];
    this.pendingUids = [];
  }

  patientIdPairs(): [string, string][] {
    return sortedPairs(this.patientIds);
  }

  uidPairs(): [string, string][] {
    return sortedPairs(this.uids);
  }

  /** Writes patient-ids.csv and uids.csv into `dir` (created if needed), each atomically. */
  async write(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(dir, PATIENT_ID_CROSSWALK), csvText(["original_patient_id", "new_patient_id"], this.patientIdPairs()), { mode: CROSSWALK_MODE });
    await writeFileAtomic(join(dir, UID_CROSSWALK), csvText(["original_uid", "new_uid"], this.uidPairs()), { mode: CROSSWALK_MODE });
  }
}
