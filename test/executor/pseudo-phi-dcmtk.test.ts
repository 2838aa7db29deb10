// The Pseudo-PHI objects after rules/examples/pseudo-phi-burned-in.deid, read by an independent
// decoder: dcmtk renders every frame of each output (dcm2pnm), and its dump shows what the
// profile's `complete` blocks claim, Burned In Annotation NO and the Clean Pixel Data code.
// test/pixels/pseudo-phi.test.ts checks the blanked pixels against the ground-truth boxes.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";

warnIfNoCorpus("executor/pseudo-phi-dcmtk");
const HAVE_DCMTK = spawnSync("dcm2pnm", ["--version"], { stdio: "ignore" }).status === 0 && spawnSync("dcmdump", ["--version"], { stdio: "ignore" }).status === 0;
if (CORPUS_DIR && !HAVE_DCMTK) console.warn("[executor/pseudo-phi-dcmtk] dcmtk (dcm2pnm, dcmdump) not installed (apt-get install dcmtk): these tests are skipped");

const ROOT = new URL("../../", import.meta.url).pathname;
const key = new TextEncoder().encode("pseudo-phi-dcmtk-key-0123456789");
const env = { secrets: new Map(), params: new Map(), tables: new Map(), runKey: key };
const work = mkdtempSync(join(tmpdir(), "deidc-pseudo-phi-dcmtk-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!CORPUS_DIR || !HAVE_DCMTK)("Pseudo-PHI outputs through dcmtk", () => {
  const dir = CORPUS_DIR ? join(CORPUS_DIR, "pseudo-phi-johnsnowlabs") : "";
  const files = dir ? readdirSync(dir).filter((n) => n.endsWith(".dcm")).sort() : [];
  const compiled = compileProfile(join(ROOT, "rules/examples/pseudo-phi-burned-in.deid"));
  const executor = createExecutor(compiled.ir!, env);

  it("has every Pseudo-PHI file", () => expect(files.length).toBe(15));

  it.each(files.map((f) => [f.slice(0, 40), f] as const))("%s: dcmtk renders every frame; Burned In Annotation is NO", (_s, name) => {
    const { record, output } = executor.process(new Uint8Array(readFileSync(join(dir, name))), name);
    expect(record.outcome, record.reason).toBe("written");
    const path = join(work, name);
    writeFileSync(path, output!);
    const render = spawnSync("dcm2pnm", ["--all-frames", "--write-raw-pnm", path, join(work, `${name}.pnm`)], { encoding: "utf8" });
    expect(render.status, render.stderr).toBe(0);
    expect(render.stderr).not.toMatch(/^E:/m);
    const dump = spawnSync("dcmdump", ["+P", "0028,0301", "+P", "0008,0100", path], { encoding: "utf8" });
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toMatch(/\(0028,0301\) CS \[NO\]/);
    expect(dump.stdout).toMatch(/\(0008,0100\) SH \[113101\]/);
  });
});
