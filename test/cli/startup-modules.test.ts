// What `deidc run` loads at start: the parser (Chevrotain) only when a rule
// file has no syntax tree from the build (src/program/load-lazily.ts). The
// bundled CLI runs with a module hook that lists every file it loads.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./cli";

const dir = mkdtempSync(join(tmpdir(), "deidc-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hooks = join(dir, "hooks.mjs");
writeFileSync(
  hooks,
  `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  if (url.startsWith("file:")) appendFileSync(process.env.DEIDC_TEST_LOADED, url + "\\n");
  return next(url, context);
}
`,
);
const register = join(dir, "register.mjs");
writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
const input = join(dir, "notes.txt");
writeFileSync(input, "not DICOM");

/** The files `deidc run <profile>` loads, and whether any of them holds Chevrotain. */
function runLoading(profile: string, name: string): { code: number | null; files: string[]; chevrotain: boolean } {
  const list = join(dir, `${name}.txt`);
  writeFileSync(list, "");
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, join(ROOT, "dist/deidc.mjs"), "run", profile, input, "-o", join(dir, `out-${name}`), "--no-progress"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, DEID_KEY: "startup-test-key-0123456789", DEIDC_TEST_LOADED: list },
  });
  const files = readFileSync(list, "utf8").split("\n").filter((u) => u.startsWith("file:")).map((u) => fileURLToPath(u));
  const chevrotain = files.some((f) => f.endsWith(".mjs") && /node_modules\/(@chevrotain\/|chevrotain\/)/.test(readFileSync(f, "utf8")));
  return { code: r.status, files, chevrotain };
}

describe("deidc run start-up", () => {
  it("runs a standard-library profile without loading the parser", () => {
    const run = runLoading("ps315.basic", "stdlib");
    expect(run.code).toBe(1); // the input is not DICOM: the batch ran
    expect(run.files.some((f) => f.endsWith("deidc.mjs"))).toBe(true);
    expect(run.chevrotain).toBe(false);
  });

  it("loads the parser for a site's rule file", () => {
    const run = runLoading("rules/examples/research-date-shift.deid", "site");
    expect(run.code).toBe(1);
    expect(run.chevrotain).toBe(true);
  });
});
