// The crosswalk (`--crosswalk <dir>`): original-to-new Patient IDs and UIDs,
// the only output of a run that holds original values. It is collected only
// when asked for, kept to objects that were written (pairs seen while
// processing an object that was then rejected or failed describe nothing that
// was released), and written with owner-only permissions.
//
// A folder used again (one release in several batches) keeps what earlier
// runs wrote: its files are read before the run and the new pairs added, so
// the crosswalk of a release is the union of its batches, never the last one.

import { lstat, mkdir, open, readFile, realpath, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { CrosswalkSink } from "../runtime/executor/types";
import { temporaryPathFor } from "./atomic";
import { fsReason, displayPath } from "./paths";
import { CsvSyntaxError, parseCsvRows } from "./tables";

export const PATIENT_ID_CROSSWALK = "patient-ids.csv";
export const UID_CROSSWALK = "uids.csv";

/** Owner read and write only: the crosswalk re-identifies every object. */
const CROSSWALK_MODE = 0o600;

/** One RFC 4180 field: quoted when it holds a comma, quote, line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const PATIENT_ID_HEADER = ["original_patient_id", "new_patient_id"] as const;
const UID_HEADER = ["original_uid", "new_uid"] as const;

/** An earlier crosswalk file that cannot be read or is not one deidc wrote, or a folder another run is using: the run must not go on. */
export class CrosswalkFileError extends Error {}

/** Hidden, so no walk of the folder takes it for an input. */
export const CROSSWALK_LOCK = ".deidc-crosswalk.lock";

/**
 * Takes the crosswalk folder for this run: two runs that read the same files
 * at their start and replace them at their end would each drop the other's
 * pairs. Returns the release. A run killed outright leaves the lock file; the
 * message says to remove it when no run is using the folder.
 */
export async function lockCrosswalkFolder(dir: string): Promise<() => Promise<void>> {
  const lock = join(dir, CROSSWALK_LOCK);
  try {
    const handle = await open(lock, "wx", 0o600);
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new CrosswalkFileError(`cannot lock the crosswalk folder ${displayPath(dir)}: ${fsReason(e)}`);
    const holder = (await readFile(lock, "utf8").catch(() => "")).trim();
    throw new CrosswalkFileError(
      `another run is using the crosswalk folder ${displayPath(dir)} (${displayPath(lock)}${/^\d+$/.test(holder) ? `, process ${holder}` : ""}); wait for it, or remove the lock file if no run is using the folder`,
    );
  }
  return () => unlink(lock).catch(() => undefined);
}

/**
 * The file a crosswalk path stands for, and the mode to give it: a link is
 * followed to the file it names (renaming over the link would leave that file
 * stale), and an existing file keeps its mode (a vault may share it with a
 * group); a new one is owner-only.
 */
async function crosswalkTarget(path: string): Promise<{ path: string; mode: number }> {
  let info;
  try {
    info = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { path, mode: CROSSWALK_MODE };
    throw new CrosswalkFileError(`cannot read the existing crosswalk ${displayPath(path)}: ${fsReason(e)}`);
  }
  let target = path;
  if (info.isSymbolicLink()) {
    try {
      target = await realpath(path);
      info = await stat(target);
    } catch {
      throw new CrosswalkFileError(`the crosswalk ${displayPath(path)} is a link to nothing`);
    }
  }
  if (!info.isFile()) throw new CrosswalkFileError(`the crosswalk ${displayPath(path)} is not a file`);
  return { path: target, mode: info.mode & 0o777 };
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

  /**
   * Adds the pairs of an earlier run's files in `dir`, if there are any; throws CrosswalkFileError when
   * one exists but cannot be read or is not a crosswalk (then writing would lose it).
   */
  async addExisting(dir: string): Promise<void> {
    for (const [name, header, map] of [
      [PATIENT_ID_CROSSWALK, PATIENT_ID_HEADER, this.patientIds],
      [UID_CROSSWALK, UID_HEADER, this.uids],
    ] as const) {
      const path = (await crosswalkTarget(join(dir, name))).path;
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw new CrosswalkFileError(`cannot read the existing crosswalk ${displayPath(path)}: ${fsReason(e)}`);
      }
      let rows;
      try {
        rows = parseCsvRows(text);
      } catch (e) {
        if (!(e instanceof CsvSyntaxError)) throw e;
        throw new CrosswalkFileError(`the existing crosswalk ${displayPath(path)}, line ${e.line}: ${e.message}; repair it, or move it away`);
      }
      const [first, ...pairs] = rows;
      if (!first || first.fields.join(",") !== header.join(",")) {
        throw new CrosswalkFileError(`the existing ${displayPath(path)} does not start with the header \`${header.join(",")}\`: it is not a crosswalk this program wrote; move it away or choose another folder`);
      }
      for (const row of pairs) {
        if (row.fields.length !== 2) throw new CrosswalkFileError(`the existing crosswalk ${displayPath(path)}, line ${row.line}: ${row.fields.length} fields, not 2; repair it, or move it away`);
        addPair(map, row.fields[0]!, row.fields[1]!);
      }
    }
  }

  /**
   * Writes patient-ids.csv and uids.csv into `dir`: both are written to temporary files first and
   * renamed only when both are complete, so a full disk leaves the earlier pair of files, not a new
   * one beside an old one.
   */
  async write(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const files: { path: string; mode: number; text: string; temporary: string }[] = [];
    for (const [name, text] of [
      [PATIENT_ID_CROSSWALK, csvText(PATIENT_ID_HEADER, this.patientIdPairs())],
      [UID_CROSSWALK, csvText(UID_HEADER, this.uidPairs())],
    ] as const) {
      const target = await crosswalkTarget(join(dir, name));
      files.push({ ...target, text, temporary: temporaryPathFor(target.path) });
    }
    try {
      for (const f of files) {
        // "wx": never follow or reuse a file someone else put at the temporary name.
        const handle = await open(f.temporary, "wx", CROSSWALK_MODE);
        try {
          // The mode exactly, whatever the umask: the file's own, or owner-only for a new one.
          await handle.chmod(f.mode);
          await handle.writeFile(f.text);
        } finally {
          await handle.close();
        }
      }
      for (const f of files) await rename(f.temporary, f.path);
    } catch (e) {
      for (const f of files) await unlink(f.temporary).catch(() => undefined);
      throw e;
    }
  }
}
