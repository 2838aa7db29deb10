// Measures `deidc lint` on a generated 5,000-rule profile: wall time of the
// bundled CLI (start-up included), median of several runs. Prints; asserts nothing.
// Usage: npm run bench:lint [-- --rules 5000 --runs 7]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg("rules", 5000);
const runs = arg("runs", 7);

const dictionary = JSON.parse(readFileSync(new URL("../src/dicom/dictionary.json", import.meta.url), "utf8"));
const text = ["deid 1", "", 'profile bench.large "generated benchmark profile"', "  based on ps315.basic", "  with ps315.retain-uids", "", "secret key from env DEID_KEY", "let offset = days(key, PatientID, -365 .. -30)", ""];
const conditions = ['Modality == "CT"', "Rows >= 512", 'ImageType contains "ORIGINAL"', 'Manufacturer ~ /^GE/i', 'Modality in ["US", "MR"]'];
let n = 0;
for (const [tag, keyword, vr, , retired] of dictionary.rows.map((row) => row.split("\t"))) {
  if (n >= count) break;
  if (/X/.test(tag) || vr.includes("|") || retired === "1") continue;
  const action = vr === "UI" ? "U" : vr === "DA" || vr === "DT" ? "shift(offset)" : vr === "SQ" ? "K" : ["X", "Z", "D", "X/Z"][n % 4];
  const when = n % 7 === 0 ? ` when ${conditions[n % conditions.length]}` : "";
  const because = action === "K" ? ' because "benchmark"' : "";
  text.push(`${keyword} -> ${action}${when}${because}`);
  n++;
}
while (n < count) {
  const group = (0x0009 + 2 * (n % 50)).toString(16).toUpperCase().padStart(4, "0");
  text.push(`(${group},"BENCH CREATOR ${n % 13}",${(n % 256).toString(16).toUpperCase().padStart(2, "0")}) -> X`);
  n++;
}
const dir = mkdtempSync(join(tmpdir(), "deidc-bench-lint-"));
const file = join(dir, "large.deid");
writeFileSync(file, text.join("\n") + "\n");

const times = [];
let last;
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  last = spawnSync(process.execPath, [new URL("../dist/deidc.mjs", import.meta.url).pathname, "lint", file, "--format", "json"], { encoding: "utf8" });
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const report = JSON.parse(last.stdout);
console.log(`deidc lint, ${n} rules (${text.length} lines), ${runs} runs on ${cpus()[0]?.model ?? "?"} (${cpus().length} cores), Node ${process.version}`);
console.log(`  wall time: median ${times[Math.floor(runs / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[runs - 1].toFixed(0)} ms (process start-up included)`);
console.log(`  diagnostics: ${report.summary.errors} errors, ${report.summary.warnings} warnings; exit ${last.status}`);
console.log(`  budget: 1000 ms -> ${times[Math.floor(runs / 2)] < 1000 ? "within" : "OVER"}`);
