// Generates src/dicom/dictionary.json from the PS3.6 data dictionary
// (Innolitics' transcription, release 2024b, in ../shared/standard/secondary)
// plus the attributes dcmjs knows that 2024b does not (newer releases).
// Usage: node scripts/gen-dictionary.mjs [path-to-attributes.json]
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const source = process.argv[2] ?? new URL("../../shared/standard/secondary/innolitics-attributes-PS3.6-2024b.json", import.meta.url).pathname;
const innolitics = JSON.parse(readFileSync(source, "utf8"));
const dcmjs = require("dcmjs");

const normVr = (vr) => (vr === "" || vr.startsWith("See") ? "UN" : vr.split(" or ").join("|"));
const rows = [];
const seen = new Set();
for (const a of innolitics) {
  const tag = a.tag.slice(1, 10).replace(",", "").toUpperCase();
  if (!a.keyword) continue;
  seen.add(tag);
  rows.push([tag, a.keyword, normVr(a.valueRepresentation), a.valueMultiplicity, a.retired === "Y" ? 1 : 0, a.name]);
}
let added = 0;
for (const e of Object.values(dcmjs.data.DicomMetaDictionary.nameMap)) {
  const tag = e.tag.slice(1, 10).replace(",", "").toUpperCase();
  if (seen.has(tag) || tag.startsWith("0000") || e.version !== "DICOM") continue;
  const retired = e.name.startsWith("RETIRED_");
  const keyword = retired ? e.name.slice(8) : e.name;
  const vr = e.vr === "ox" ? "OB|OW" : e.vr === "xs" ? "US|SS" : e.vr;
  rows.push([tag, keyword, vr, e.vm, retired ? 1 : 0, keyword.replace(/([a-z])([A-Z])/g, "$1 $2")]);
  seen.add(tag);
  added++;
}
rows.sort((a, b) => (a[0] < b[0] ? -1 : 1));
const out = {
  generated: "by scripts/gen-dictionary.mjs; do not edit",
  release: "2024b",
  sources: ["innolitics/dicom-standard standard/attributes.json (PS3.6 2024b)", `dcmjs ${JSON.parse(readFileSync(new URL("../node_modules/dcmjs/package.json", import.meta.url), "utf8")).version} (${added} newer attributes)`],
  format: "each row is one string: the columns separated by tabs (one string per row loads faster than an array per row)",
  columns: ["tag", "keyword", "vr", "vm", "retired", "name"],
  rows: rows.map((row) => row.join("\t")),
};
// One row per line, so that a regenerated dictionary diffs by attribute.
const text = JSON.stringify({ ...out, rows: [] }).replace('"rows":[]', `"rows":[\n${out.rows.map((row) => JSON.stringify(row)).join(",\n")}\n]`);
writeFileSync(new URL("../src/dicom/dictionary.json", import.meta.url), `${text}\n`);
console.log(`wrote ${rows.length} attributes (${added} from dcmjs)`);
