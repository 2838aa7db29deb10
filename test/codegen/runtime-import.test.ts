// `deidc compile --emit ts|js` modules import the runtime as "deidc/runtime"
// (package.json "exports" -> dist/runtime.mjs), not by a path into this
// checkout: a module written into another project that has deidc installed
// runs there and de-identifies like createExecutor.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import type { Executor, ExecutorEnvironment } from "../../src/runtime/executor/types";
import { CORPUS_DIR, removeTemporaryDirs, REPO, tempDir, TEST_KEY, warnIfNoCorpus } from "./helpers";

afterAll(removeTemporaryDirs);
warnIfNoCorpus("codegen runtime import");

/** A project folder outside the checkout with deidc "installed" (node_modules/deidc -> the checkout). */
function consumerProject(): string {
  const dir = tempDir("deidc-consumer-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "deidc"), "dir");
  return dir;
}

function compile(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(REPO, "dist/deidc.mjs"), "compile", ...args], { cwd, encoding: "utf8" });
}

describe("generated plan modules", () => {
  it("import the runtime by the package's own export, wherever they are written", () => {
    const dir = consumerProject();
    for (const [emit, file] of [["ts", "plan.ts"], ["js", "plan.js"]] as const) {
      const result = compile(["ps315.basic", "--emit", emit, "-o", join(dir, file)], REPO);
      expect(result.status, result.stderr).toBe(0);
      const code = readFileSync(join(dir, file), "utf8");
      expect(code).toMatch(/from "deidc\/runtime"/);
      expect(code).not.toContain(REPO);
    }
    const stdout = compile(["ps315.basic", "--emit", "ts"], REPO);
    expect(stdout.stdout).toMatch(/from "deidc\/runtime"/);
  });

  it.skipIf(!CORPUS_DIR)("run in another project against dist/runtime.mjs and write what createExecutor writes", async () => {
    const dir = consumerProject();
    const result = compile(["ps315.basic", "--emit", "js", "-o", join(dir, "plan.js")], REPO);
    expect(result.status, result.stderr).toBe(0);
    const plan = (await import(pathToFileURL(join(dir, "plan.js")).href)) as { createProcessor(env: ExecutorEnvironment): Executor };
    const ir = compileProfile("ps315.basic").ir!;
    const env: ExecutorEnvironment = { secrets: new Map([["key", TEST_KEY]]), params: new Map(), tables: new Map() };
    const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
    const generated = plan.createProcessor(env).process(bytes, "ct");
    const interpreted = createExecutor(ir, env).process(bytes, "ct");
    expect(generated.record).toEqual(interpreted.record);
    expect(generated.output).not.toBeNull();
    expect(Buffer.compare(Buffer.from(generated.output!), Buffer.from(interpreted.output!))).toBe(0);
  });
});
