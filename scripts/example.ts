// The README's first command: makes three synthetic CT objects of one study
// (fake identifiers, a private Siemens block, a reference between images),
// de-identifies them with rules/examples/research-date-shift.deid through the
// bundled CLI, and prints what changed. Nothing here is real patient data.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatasetWriter, TokenKind, openCursor, readPart10, writePart10 } from "../src/runtime/dicom";
import { lookupTag } from "../src/dicom/dictionary";

const root = new URL("../", import.meta.url).pathname;
const CT = "1.2.840.10008.5.1.4.1.1.2";
const STUDY = "1.2.826.0.1.3680043.8.498.10001";
const SERIES = "1.2.826.0.1.3680043.8.498.10002";
const sop = (n: number): string => `1.2.826.0.1.3680043.8.498.2000${n}`;

function syntheticCt(n: number): Uint8Array {
  const w = new DatasetWriter({ littleEndian: true, explicitVr: true });
  w.writeText(0x00080005, "CS", "ISO_IR 100");
  w.writeText(0x00080008, "CS", "ORIGINAL\\PRIMARY\\AXIAL");
  w.writeText(0x00080016, "UI", CT);
  w.writeText(0x00080018, "UI", sop(n));
  w.writeText(0x00080020, "DA", "20240115");
  w.writeText(0x00080030, "TM", "101500");
  w.writeText(0x00080050, "SH", "ACC123456");
  w.writeText(0x00080060, "CS", "CT");
  w.writeText(0x00080070, "LO", "SIEMENS");
  w.writeText(0x00080080, "LO", "ACME GENERAL HOSPITAL");
  w.writeText(0x00080090, "PN", "SMITH^JOHN^^DR");
  w.writeText(0x00081030, "LO", "CT CHEST for DOE JANE MRN-0042");
  if (n > 1) {
    w.beginSequence(0x00081140);
    w.beginItem();
    w.writeText(0x00081150, "UI", CT);
    w.writeText(0x00081155, "UI", sop(n - 1));
    w.endItem();
    w.endSequence();
  }
  w.writeText(0x00100010, "PN", "DOE^JANE");
  w.writeText(0x00100020, "LO", "MRN-0042");
  w.writeText(0x00100030, "DA", "19700401");
  w.writeText(0x00100040, "CS", "F");
  w.writeText(0x0020000d, "UI", STUDY);
  w.writeText(0x0020000e, "UI", SERIES);
  w.writeText(0x00200013, "IS", String(n));
  w.writeNumbers(0x00280002, "US", [1]);
  w.writeText(0x00280004, "CS", "MONOCHROME2");
  w.writeNumbers(0x00280010, "US", [16]);
  w.writeNumbers(0x00280011, "US", [16]);
  w.writeNumbers(0x00280100, "US", [16]);
  w.writeNumbers(0x00280101, "US", [12]);
  w.writeNumbers(0x00280102, "US", [11]);
  w.writeNumbers(0x00280103, "US", [0]);
  w.writeText(0x00290010, "LO", "SIEMENS CSA HEADER");
  w.writeElement(0x00291010, "OB", new TextEncoder().encode("CSA image header (slice timing)"));
  w.writeElement(0x00291020, "OB", new TextEncoder().encode("CSA series header: DOE^JANE"));
  const pixels = new Uint8Array(16 * 16 * 2);
  for (let i = 0; i < pixels.length; i += 2) pixels[i] = (i * 7 + n) & 0xff;
  w.writeElement(0x7fe00010, "OW", pixels);
  return writePart10(
    { transferSyntaxUid: "1.2.840.10008.1.2.1", mediaStorageSopClassUid: CT, mediaStorageSopInstanceUid: sop(n), implementationClassUid: "1.2.826.0.1.3680043.8.498.1" },
    w.finish(),
  );
}

/** "Keyword = value" for the top-level elements worth showing, and private creators. */
function summary(bytes: Uint8Array): Map<string, string> {
  const file = readPart10(bytes);
  const cur = openCursor(file);
  const out = new Map<string, string>();
  while (cur.next()) {
    if (cur.depth === 0 && cur.kind === TokenKind.Sequence) {
      out.set(lookupTag(cur.tag)?.keyword ?? "?", "(sequence)");
      continue;
    }
    if (cur.kind !== TokenKind.Element) continue;
    const name = cur.depth > 0 ? `  ${lookupTag(cur.tag)?.keyword ?? cur.tag.toString(16)}` : (lookupTag(cur.tag)?.keyword ?? `(${(cur.tag >>> 16).toString(16).toUpperCase().padStart(4, "0")},${(cur.tag & 0xffff).toString(16).toUpperCase().padStart(4, "0")})`);
    if (cur.tag >>> 16 === 0x0028 || cur.tag === 0x7fe00010) continue;
    // Items repeat names: number the later ones so every item shows.
    let key = name;
    for (let n = 2; out.has(key); n++) key = `${name} #${n}`;
    out.set(key, cur.vr === "OB" || cur.vr === "OW" ? `(${cur.valueLength} bytes)` : cur.readText());
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), "deidc-example-"));
const input = join(work, "input");
const output = join(work, "output");
mkdirSync(input);
for (let n = 1; n <= 3; n++) writeFileSync(join(input, `ct-${n}.dcm`), syntheticCt(n));

const demoKey = "demo-key-for-the-bundled-example-only";
console.log(`Synthetic study written to ${input} (3 CT objects; fake identifiers).`);
console.log(`Running: DEID_KEY=<demo key> deidc run rules/examples/research-date-shift.deid ${input} -o ${output} --report ${output}.jsonl\n`);
const run = spawnSync(process.execPath, [join(root, "dist/deidc.mjs"), "run", join(root, "rules/examples/research-date-shift.deid"), input, "-o", output, "--report", `${output}.jsonl`], {
  env: { ...process.env, DEID_KEY: demoKey },
  encoding: "utf8",
});
process.stderr.write(run.stderr);
if (run.status !== 0) process.exit(run.status ?? 2);

const before = summary(readFileSync(join(input, "ct-2.dcm")));
const after = summary(readFileSync(join(output, readdirSync(output).sort()[1]!)));
const keys = [...new Set([...before.keys(), ...after.keys()])];
const width = Math.max(...keys.map((k) => k.length));
console.log(`\nct-2.dcm, before -> after:\n`);
for (const k of keys) {
  const b = before.get(k) ?? "(absent)";
  const a = after.get(k) ?? "(removed)";
  console.log(`  ${k.padEnd(width)}  ${b.padEnd(34)} ${a === b ? "  (kept)" : `-> ${a}`}`);
}
const lines = readFileSync(`${output}.jsonl`, "utf8").trim().split("\n");
console.log(`\nAudit report: ${output}.jsonl (${lines.length - 1} objects; every change names its rule, no original value).`);
console.log(`Published description of the profile: node dist/deidc.mjs explain rules/examples/research-date-shift.deid`);
