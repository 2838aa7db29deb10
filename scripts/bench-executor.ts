// De-identifying in memory, with no file system in the way: microseconds per
// object for the objects behind npm run bench's workloads, through the
// executor `deidc run` uses (the generated plan module, instantiated in
// memory). On a machine whose file-system timings swing from run to run,
// this is the figure that shows whether a change to the executor helped.
//
// Each object is the corpus file with its SOP Instance UID varied per copy,
// as in W1 and W2 (UID replacements are memoised: identical UIDs would
// measure the memo); the output parts are produced and dropped, as the batch
// driver hands them to its writer. Median and minimum of --rounds rounds
// after one not counted. Prints; asserts nothing.
//
// Usage: npx tsx scripts/bench-executor.ts [--copies 500 --rounds 9 --profile ps315.basic --with OPTION]
// Needs the corpus ($DEIDC_CORPUS or ../shared/corpus).

import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { generatedExecutors } from "../src/cli/run";
import { compileProfile } from "../src/compile";
import { openCursor, readPart10 } from "../src/runtime/dicom";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const CORPUS = process.env.DEIDC_CORPUS ?? join(ROOT, "..", "shared", "corpus");
const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
};
const COPIES = Number(arg("copies", "500"));
const ROUNDS = Number(arg("rounds", "9"));
const PROFILE = arg("profile", "ps315.basic");
const WITH = arg("with", "ps315.retain-longitudinal-modified-dates");

const OBJECTS = [
  { name: "CT slice (W1)", path: "pseudo-phi-johnsnowlabs/3209648408_09-23-1999-CT_UROGRAM-31798_3_000000-PARENCHYMAL_PHASE_Sep1999-95798_1-001.dcm" },
  { name: "CT_small, 179 private elements (W2)", path: "pydicom-debian/CT_small.dcm" },
  { name: "Enhanced CT, 2 frames (W3's source)", path: "pydicom-data/eCT_Supplemental.dcm" },
];

/** The byte offsets of the dataset's SOP Instance UID value (and the File Meta's copy of it). */
function instanceUidPlaces(bytes: Uint8Array): { uid: string; at: number[] } {
  const cursor = openCursor(readPart10(bytes));
  let uid: string | null = null;
  while (cursor.next()) {
    if (cursor.depth === 0 && cursor.tag === 0x00080018) {
      uid = cursor.readText().replace(/[\0 ]+$/, "");
      break;
    }
  }
  if (!uid) throw new Error("no SOP Instance UID");
  const at: number[] = [];
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = text.indexOf(uid); i >= 0; i = text.indexOf(uid, i + 1)) at.push(i);
  return { uid, at };
}

/** `count` copies, each with its own SOP Instance UID of the same length (every offset stays). */
function copiesOf(path: string, count: number): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(path));
  const { uid, at } = instanceUidPlaces(bytes);
  const out: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const digits = String(n).padStart(6, "0");
    const variant = Buffer.from(uid.slice(0, uid.length - digits.length) + digits, "latin1");
    const copy = bytes.slice();
    for (const i of at) copy.set(variant, i);
    out.push(copy);
  }
  return out;
}

if (!existsSync(CORPUS)) {
  process.stderr.write(`bench-executor: no corpus at ${CORPUS} (set DEIDC_CORPUS)\n`);
  process.exit(2);
}
const compiled = compileProfile(PROFILE, { withOptions: WITH === "none" ? [] : WITH.split(",") });
if (!compiled.ir) {
  process.stderr.write(`bench-executor: ${PROFILE} does not compile\n`);
  process.exit(2);
}
const executor = generatedExecutors().createExecutor(compiled.ir, { secrets: new Map([["key", new TextEncoder().encode("bench-key-0123456789abcdef")]]), params: new Map(), tables: new Map() });

console.log(`deidc bench-executor: ${PROFILE}${WITH === "none" ? "" : ` --with ${WITH}`}; ${COPIES} copies per object, median (min) of ${ROUNDS} rounds after 1 not counted`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown"}), node ${process.version}`);
for (const object of OBJECTS) {
  const path = join(CORPUS, object.path);
  if (!existsSync(path)) {
    console.log(`  ${object.name}: not in the corpus, skipped`);
    continue;
  }
  const files = copiesOf(path, COPIES);
  const perObject: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const started = performance.now();
    for (const bytes of files) {
      const { record, parts } = executor.processParts!(bytes, object.path);
      if (!parts) throw new Error(`${object.path}: not written: ${record.reason ?? record.outcome}`);
    }
    if (round > 0) perObject.push(((performance.now() - started) * 1000) / files.length);
  }
  perObject.sort((a, b) => a - b);
  const median = perObject[Math.floor(perObject.length / 2)]!;
  const kb = files[0]!.length / 1024;
  console.log(`  ${object.name}, ${kb.toFixed(0)} KB: ${median.toFixed(1)} us per object (min ${perObject[0]!.toFixed(1)}), ${(1e6 / median).toFixed(0)} objects/s`);
}
