// The standard library's syntax trees that the build writes beside the
// bundle (dist/stdlib-parsed.json, src/program/stdlib-preparsed.ts): each is
// what parsing its file gives now; the bundle compiles the same IR as the
// sources; and a file whose text changed is parsed again, not taken from the
// cache.

import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { irText } from "../../src/codegen/generate";
import { compileProfile } from "../../src/compile";
import type { PreparsedStdlib } from "../../src/program/stdlib-preparsed";
import { parseDeid } from "../../src/syntax/parse";

const REPO = join(import.meta.dirname, "../..");
const DIST = join(REPO, "dist");
const UNITS = Object.keys((JSON.parse(readFileSync(join(REPO, "stdlib/index.json"), "utf8")) as { units: Record<string, string> }).units);

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the standard library parsed at build time", () => {
  const trees = JSON.parse(readFileSync(join(DIST, "stdlib-parsed.json"), "utf8")) as PreparsedStdlib;

  it("holds, for every standard-library file, the tree parsing it gives now", () => {
    expect(Object.keys(trees).length).toBeGreaterThanOrEqual(UNITS.length);
    for (const [rel, entry] of Object.entries(trees)) {
      const { file, diagnostics } = parseDeid(readFileSync(join(REPO, "stdlib", rel), "utf8"), rel);
      expect(diagnostics, rel).toEqual([]);
      expect(entry.ast, rel).toEqual(file);
    }
  });

  it("gives the bundle the IR the sources compile, for every unit", () => {
    for (const unit of UNITS) {
      const fromSources = compileProfile("ps315.basic", unit === "ps315.basic" ? {} : { withOptions: [unit] }).ir!;
      const bundled = spawnSync(process.execPath, [join(DIST, "deidc.mjs"), "compile", "ps315.basic", ...(unit === "ps315.basic" ? [] : ["--with", unit]), "--emit", "ir"], { cwd: REPO, encoding: "utf8" });
      expect(bundled.status, bundled.stderr).toBe(0);
      expect(bundled.stdout.trim(), unit).toBe(irText(fromSources).trim());
    }
  }, 60_000);

  it("parses a standard-library file whose text is not the text the build parsed", () => {
    // A copy of the bundle beside a standard library whose basic profile keeps Accession Number.
    const root = mkdtempSync(join(tmpdir(), "deidc-preparsed-"));
    made.push(root);
    mkdirSync(join(root, "dist"));
    // The CLI is deidc.mjs and the chunks it imports (scripts/build.mjs).
    for (const name of readdirSync(DIST).filter((n) => n.endsWith(".mjs") || n === "stdlib-parsed.json")) copyFileSync(join(DIST, name), join(root, "dist", name));
    cpSync(join(REPO, "stdlib"), join(root, "stdlib"), { recursive: true });
    const basic = join(root, "stdlib/ps315/basic.deid");
    writeFileSync(basic, readFileSync(basic, "utf8").replace("AccessionNumber -> Z", "AccessionNumber -> K"));
    const compiled = spawnSync(process.execPath, [join(root, "dist/deidc.mjs"), "compile", "ps315.basic", "--emit", "ir"], { cwd: root, encoding: "utf8" });
    expect(compiled.status, compiled.stderr).toBe(0);
    const rules = (JSON.parse(compiled.stdout) as { rules: { selector: unknown; action: { kind: string; code?: string } }[] }).rules;
    const accession = rules.find((r) => JSON.stringify(r.selector).includes('"AccessionNumber"'))!;
    expect(accession.action).toMatchObject({ kind: "code", code: "K" });
  });
});
