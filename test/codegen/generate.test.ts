// The generated plan module as source: deterministic, typechecking under the
// project's strict settings (plus noUnused*), stating where it comes from,
// and the same module in TypeScript and in JavaScript.

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileCommand } from "../../src/cli/compile";
import { emitJavaScript } from "../../src/codegen/emit";
import { generatePlanModule, irHash, irText } from "../../src/codegen/generate";
import { compileProfile } from "../../src/compile";
import { COMPILER_VERSION } from "../../src/ir/build";
import type { IrProgram } from "../../src/ir/types";
import { corpusFiles, expectSameResult, loadGenerated, put, removeTemporaryDirs, REPO, RUNTIME, tempDir, testEnvironment, type GeneratedPlan } from "./helpers";
import { randomProfile } from "./random-profile";

afterAll(removeTemporaryDirs);

function compiled(entry: string, withOptions: string[] = []): IrProgram {
  const result = compileProfile(entry, { withOptions });
  if (!result.ir) throw new Error(`${entry} does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.ir;
}

const generate = (ir: IrProgram): string => generatePlanModule(ir, { runtimeImport: RUNTIME, deidcVersion: COMPILER_VERSION });

describe("generated plan module", () => {
  it("is deterministic: the same IR gives the same bytes, also across compilations", () => {
    const first = generate(compiled("rules/examples/research-date-shift.deid"));
    const again = generate(compiled("rules/examples/research-date-shift.deid"));
    expect(again).toBe(first);
    const ir = compiled("ps315.basic", ["ps315.retain-safe-private"]);
    expect(generate(ir)).toBe(generate(structuredClone(ir)));
    expect(emitJavaScript(ir, RUNTIME, { deidcVersion: COMPILER_VERSION })).toBe(emitJavaScript(ir, RUNTIME, { deidcVersion: COMPILER_VERSION }));
  });

  it("states profile, options, release, deidc version and IR hash in its preamble and exports", async () => {
    const ir = compiled("rules/examples/trial-pseudonyms.deid");
    const { source, plan } = await loadGenerated(ir, tempDir(), "trial");
    const preamble = source.slice(0, source.indexOf("\nimport"));
    expect(preamble).toContain("generated; do not edit");
    expect(preamble).toMatch(/profile\s+xyz301\.core-lab/);
    expect(preamble).toMatch(/options\s+ps315\.retain-safe-private, ps315\.retain-longitudinal-full-dates/);
    expect(preamble).toMatch(/standard release\s+DICOM PS3\.15 2026c/);
    expect(preamble).toMatch(new RegExp(`deidc version\\s+${COMPILER_VERSION.replace(/\./g, "\\.")}`));
    expect(preamble).toContain(irHash(ir));
    expect(plan.PROFILE).toBe("xyz301.core-lab");
    expect(plan.OPTIONS).toEqual(["ps315.retain-safe-private", "ps315.retain-longitudinal-full-dates"]);
    expect(plan.STANDARD_RELEASE).toBe("2026c");
    expect(plan.DEIDC_VERSION).toBe(COMPILER_VERSION);
    // The IR is carried unchanged, and the hash is that of `deidc compile --emit ir`.
    expect(plan.IR).toEqual(ir);
    expect(plan.IR_HASH).toBe(`sha256:${createHash("sha256").update(irText(plan.IR)).digest("hex")}`);
    const cli = execFileSync(process.execPath, [join(REPO, "dist/deidc.mjs"), "compile", "rules/examples/trial-pseudonyms.deid", "--emit", "ir"], { cwd: REPO });
    expect(plan.IR_HASH).toBe(`sha256:${createHash("sha256").update(cli).digest("hex")}`);
  });

  it("names each rule's source before its code, and folds constant conditions", () => {
    const dir = tempDir();
    const file = put(
      join(dir, "fold.deid"),
      [
        "deid 1",
        "profile fold.test",
        'StudyDescription -> "x" when "a" in ["a", "b"]',
        'SeriesDescription -> "y" when 1 == 2',
        'ReferencedImageSequence/ReferencedSOPInstanceUID -> U when Modality == "CT"',
        "ContentSequence/**/CodeMeaning -> X",
        '(0029,"SIEMENS CSA HEADER",10) -> X',
        "",
      ].join("\n"),
    );
    const ir = compiled(file);
    const source = generate(ir);
    for (const rule of ir.rules) {
      const comment = `// rule ${rule.source.file}:${rule.source.line}:${rule.source.column}  `;
      expect(source).toContain(comment);
    }
    expect(source).toMatch(/\/\/ rule [^\n]*:3:1 {2}StudyDescription -> "x" when "a" in \["a", "b"\]\nconst r\d+: PlannedRule = \{[^\n]*when: null,/);
    expect(source).toMatch(/:4:1 {2}SeriesDescription -> "y" when 1 == 2\n\/\/ {3}never applies \(its condition is always false\)/);
    expect(source).toContain('when: (ctx) => eq(ctx.attr(0x00080060 /* Modality */), "CT")');
    expect(source).toContain('["0029,SIEMENS CSA HEADER,10", [r');
    expect(source).toMatch(/function r\d+_ancestors_step1\(anc: readonly Ancestor\[\], depth: number, at: number\): boolean \{\n {2}for \(let k = at; k <= depth; k\+\+\)/);
  });

  it("typechecks with the project's settings and noUnusedLocals/Parameters", () => {
    const dir = tempDir();
    const irs: [string, IrProgram][] = [
      ["basic", compiled("ps315.basic")],
      ["basic_private", compiled("ps315.basic", ["ps315.retain-safe-private", "ps315.retain-uids"])],
      ["research", compiled("rules/examples/research-date-shift.deid")],
      ["trial", compiled("rules/examples/trial-pseudonyms.deid")],
      ["ultrasound", compiled("rules/examples/ultrasound-banners.deid")],
    ];
    for (let seed = 100, n = 0; n < 5; seed++) {
      const profile = put(join(dir, `random${seed}.deid`), randomProfile(seed).text);
      const result = compileProfile(profile);
      if (!result.ir) continue;
      irs.push([`random${seed}`, result.ir]);
      n++;
    }
    for (const [name, ir] of irs) writeFileSync(join(dir, `${name}.ts`), generate(ir));
    // `deidc compile --emit ts -o file.ts` imports the runtime as the package's export "deidc/runtime", typed by its sources.
    expect(compileCommand("rules/examples/research-date-shift.deid", { output: join(dir, "cli.ts") })).toBe(0);
    expect(readFileSync(join(dir, "cli.ts"), "utf8")).toMatch(/from "deidc\/runtime";/);
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(REPO, join(dir, "node_modules", "deidc"), "dir");
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: join(REPO, "tsconfig.json"),
        compilerOptions: { typeRoots: [join(REPO, "node_modules/@types")], noUnusedLocals: true, noUnusedParameters: true },
        include: ["*.ts"],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
    // Only the generated files are judged here: the runtime's own sources are checked by the project's typecheck.
    const ours = tsc.stdout.split("\n").filter((line) => /^[\w.-]+\.ts\(/.test(line));
    expect(ours, tsc.stdout + tsc.stderr).toEqual([]);
    expect(tsc.stderr).toBe("");
  });

  it("emits JavaScript (the module without its type syntax) that keeps the comments and behaves as the TypeScript", async () => {
    const files = corpusFiles(["pydicom-debian/CT_small.dcm", "pydicom-debian/test-SR.dcm"]);
    const ir = compiled("rules/examples/research-date-shift.deid");
    const dir = tempDir();
    const js = emitJavaScript(ir, RUNTIME, { deidcVersion: COMPILER_VERSION, command: "test" });
    expect(js).toContain("generated; do not edit");
    expect(js).toContain(`// rule ${ir.rules[0]!.source.file}:${ir.rules[0]!.source.line}:${ir.rules[0]!.source.column}  `);
    expect(js).not.toMatch(/: PlannedRule\b|\/\/!|^import type/m);
    const jsPlan = (await import(put(join(dir, "plan.mjs"), js))) as GeneratedPlan;
    const { plan } = await loadGenerated(ir, dir, "plan");
    const env = testEnvironment(ir);
    for (const f of files) expectSameResult(jsPlan.createProcessor(env).process(f.bytes, f.name), plan.createProcessor(env).process(f.bytes, f.name), f.name);
  });

  it("chooses what to emit from -o when --emit is absent", () => {
    const dir = tempDir();
    expect(compileCommand("ps315.basic", { output: join(dir, "basic.ir.json") })).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "basic.ir.json"), "utf8")).irVersion).toBe(1);
    expect(compileCommand("ps315.basic", { output: join(dir, "basic.ts") })).toBe(0);
    expect(readFileSync(join(dir, "basic.ts"), "utf8")).toContain("export function createPlan(");
    expect(compileCommand("ps315.basic", { output: join(dir, "basic.js") })).toBe(0);
    expect(readFileSync(join(dir, "basic.js"), "utf8")).toContain("function createPlan(env) {");
    expect(() => compileCommand("ps315.basic", { emit: "wasm" })).toThrow(/--emit must be one of ir, ts, js, bundle/);
    expect(() => compileCommand("ps315.basic", { emit: "bundle" })).toThrow(/give -o/);
    expect(() => compileCommand("ps315.basic", { emit: "bundle", output: join(dir, "processor.js") })).toThrow(/must end in \.mjs/);
  });
});
