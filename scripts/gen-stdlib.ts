// Regenerates stdlib/ from NEMA's part15.xml:
//   npx tsx scripts/gen-stdlib.ts [--source <part15.xml>] [--out <dir>]
// The default source is the copy shared next to this repository
// (../shared/standard/part15-2026c.xml); the default output is stdlib/.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateStdlib } from "../src/stdlib/generate";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (i >= 0 && value === undefined) throw new Error(`${name} needs a value`);
  return value ?? fallback;
}

const source = resolve(argument("--source", join(root, "..", "shared", "standard", "part15-2026c.xml")));
const out = resolve(argument("--out", join(root, "stdlib")));
const result = await generateStdlib(source, out);
console.log(`DICOM PS3.15 ${result.release} from ${result.source.file} (SHA-256 ${result.source.sha256})`);
for (const file of result.files) console.log(`  ${join(out, file.path)}  ${file.lines} lines`);
console.log(
  `  Table E.1-1: ${result.counts.e11Rows} rows; Table E.3.10-1: ${result.counts.safePrivate} attributes of ${result.counts.safePrivateCreators} creators; ${result.counts.codes} CID 7050 codes`,
);
