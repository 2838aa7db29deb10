// The plan module `deidc run` executes in memory: the generated JavaScript as
// a function body (planModuleFunction), instantiated with `new Function`
// (instantiatePlanModule). It must behave as createExecutor on every file of
// the corpus, for the standard profile with each option and for the examples;
// it must be the JavaScript module's code; and no text in a profile may
// escape the string literals and comments it is written into.

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { emitJavaScript } from "../../src/codegen/emit";
import { generatePlanModule } from "../../src/codegen/generate";
import { planModuleFunction } from "../../src/codegen/in-memory";
import { instantiatePlanModule, type PlanModule } from "../../src/codegen/instantiate";
import { compileProfile } from "../../src/compile";
import { COMPILER_VERSION } from "../../src/ir/build";
import type { IrProgram } from "../../src/ir/types";
import { loadTables } from "../../src/run/tables";
import { createExecutor } from "../../src/runtime/executor";
import type { Executor } from "../../src/runtime/executor/types";
import { allCorpusFiles, corpusFiles, expectSameResult, put, removeTemporaryDirs, REPO, EXAMPLES_DIR, RUNTIME, tempDir, testEnvironment, warnIfNoCorpus, type CorpusFile } from "./helpers";
import { randomProfile } from "./random-profile";

afterAll(removeTemporaryDirs);

const files = allCorpusFiles();
warnIfNoCorpus("codegen in-memory");

function compiled(entry: string, withOptions: string[] = []): IrProgram {
  const result = compileProfile(entry, { withOptions });
  if (!result.ir) throw new Error(`${entry} does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.ir;
}

const inMemory = (ir: IrProgram): PlanModule => instantiatePlanModule(planModuleFunction(ir, COMPILER_VERSION), ir);

/** Both executors on `files`: the same records, the same bytes from process and from processParts. Returns how many were written. */
function expectSameOnFiles(generated: Executor, interpreted: Executor, files: readonly CorpusFile[], what: string): number {
  let written = 0;
  for (const f of files) {
    const expected = interpreted.process(f.bytes, f.name);
    expectSameResult(generated.process(f.bytes, f.name), expected, `${what} on ${f.name}`);
    const parts = generated.processParts!(f.bytes, f.name);
    const expectedParts = interpreted.processParts!(f.bytes, f.name);
    expect(parts.record, `${what} on ${f.name}: processParts record`).toEqual(expectedParts.record);
    expect(parts.parts === null, `${what} on ${f.name}: processParts output`).toBe(expectedParts.parts === null);
    if (parts.parts && expectedParts.parts) {
      expect(Buffer.compare(Buffer.concat(parts.parts), Buffer.concat(expectedParts.parts)), `${what} on ${f.name}: processParts bytes differ`).toBe(0);
    }
    if (expected.record.outcome === "written") written++;
  }
  return written;
}

const OPTIONS = Object.keys((JSON.parse(readFileSync(join(REPO, "stdlib/index.json"), "utf8")) as { units: Record<string, string> }).units).filter((u) => u !== "ps315.basic");
const EXAMPLES = readdirSync(join(REPO, "rules/examples"))
  .filter((name) => name.endsWith(".deid"))
  .sort();
const PROFILES: [name: string, entry: string, withOptions: string[]][] = [
  ["ps315.basic", "ps315.basic", []],
  ...OPTIONS.map((o): [string, string, string[]] => [`ps315.basic with ${o}`, "ps315.basic", [o]]),
  ...EXAMPLES.map((e): [string, string, string[]] => [`rules/examples/${e}`, join(REPO, "rules/examples", e), []]),
];

describe.skipIf(files.length === 0)("in-memory plan = createExecutor, on every file of the corpus", () => {
  it.each(PROFILES)("%s", (name, entry, withOptions) => {
    const ir = compiled(entry, withOptions);
    const env = testEnvironment(ir, { tables: loadTables(ir, EXAMPLES_DIR) });
    const written = expectSameOnFiles(inMemory(ir).createProcessor(env), createExecutor(ir, env), files, name);
    // The comparison means something only if objects get through.
    expect(written).toBeGreaterThan(0);
  });

  it("random profiles (property test)", () => {
    const selection = corpusFiles();
    const dir = tempDir();
    let accepted = 0;
    for (let seed = 1001; accepted < 40 && seed <= 1200; seed++) {
      const path = join(dir, `p${seed}.deid`);
      writeFileSync(path, randomProfile(seed).text);
      const ir = compileProfile(path).ir;
      if (!ir) continue;
      accepted++;
      const params = ir.params.length > 0 && seed % 2 === 0 ? new Map([["site", "S2"]]) : new Map<string, string>();
      const env = testEnvironment(ir, { params });
      expectSameOnFiles(inMemory(ir).createProcessor(env), createExecutor(ir, env), selection, `seed ${seed}`);
    }
    expect(accepted).toBe(40);
  });
});

describe("planModuleFunction", () => {
  const ir = compiled("rules/examples/trial-pseudonyms.deid");

  it("is the JavaScript module with the import as a parameter and the exports returned", () => {
    const module = generatePlanModule(ir, { runtimeImport: "deidc/runtime", language: "js", deidcVersion: COMPILER_VERSION });
    const body = planModuleFunction(ir, COMPILER_VERSION);
    const exported = [...module.matchAll(/^export (?:const|function) (\w+)/gm)].map((m) => m[1]);
    expect(body).toMatch(/^"use strict";$/m);
    expect(body).toMatch(/^const \{\n(?: {2}\w+,\n)+\} = runtime;$/m);
    expect(body).not.toMatch(/^(?:import|export) /m);
    expect(body.trimEnd().split("\n").at(-1)).toBe(`return { ${exported.join(", ")} };`);
    // Line for line the module's code, once the imports are bindings and the exports plain declarations.
    const code = (text: string): string[] =>
      text
        .split("\n")
        .filter((line) => line !== "" && !/^(?:\/\/|"use strict";$|return \{ )/.test(line))
        .map((line) => line.replace(/^export /, "").replace(/^import \{$/, "const {").replace(/^\} from "deidc\/runtime";$/, "} = runtime;"));
    // ... up to the IR, which the body takes from its caller instead of spelling it out.
    const beforeIr = (lines: string[]): string[] => lines.slice(0, lines.findIndex((line) => line.startsWith("/** The IR this")));
    expect(beforeIr(code(body))).toEqual(beforeIr(code(module)));
    expect(beforeIr(code(body)).length).toBeGreaterThan(50);
    expect(body).toMatch(/^const IR = embeddedIr\(ir\);$/m);
    expect(body).not.toContain(JSON.stringify(ir.rules[0]));
    expect(planModuleFunction(ir, COMPILER_VERSION)).toBe(body);
  });

  it("instantiates to the module's exports", async () => {
    const plan = inMemory(ir);
    const module = (await import(put(join(tempDir(), "plan.mjs"), emitJavaScript(ir, RUNTIME, { deidcVersion: COMPILER_VERSION })))) as Record<string, unknown>;
    expect(Object.keys(plan).sort()).toEqual(Object.keys(module).sort());
    expect(plan.PROFILE).toBe("xyz301.core-lab");
    expect(plan.OPTIONS).toEqual(module.OPTIONS);
    expect(plan.IR_HASH).toBe(module.IR_HASH);
    expect(plan.IR).toEqual(ir);
    expect(plan.createPlan(testEnvironment(ir, { tables: loadTables(ir, EXAMPLES_DIR) })).methodDescription.length).toBeGreaterThan(0);
  });

  it("writes a JavaScript module that plain Node parses, with no TypeScript left", () => {
    const dir = tempDir();
    for (const [name, entry, withOptions] of [PROFILES[0]!, ...PROFILES.slice(-EXAMPLES.length)]) {
      const js = generatePlanModule(compiled(entry, withOptions), { runtimeImport: "deidc/runtime", language: "js", deidcVersion: COMPILER_VERSION });
      const code = js.replace(/^\s*(?:\/\/|\/\*\*| \*).*$/gm, "");
      expect(code, name).not.toMatch(/^import type|\bas (?:unknown|[A-Z]\w*)\b|: (?:PlannedRule|RuleDispatch|IrProgram|number|string)\b|\breadonly |new (?:Map|Set)<|\]!/m);
      const path = put(join(dir, `${name.replace(/\W/g, "_")}.mjs`), js);
      const check = spawnSync(process.execPath, ["--check", path], { encoding: "utf8" });
      expect(check.status, `${name}: ${check.stderr}`).toBe(0);
    }
  });
});

describe("profile text cannot escape the generated code", () => {
  // Each attempt, if it got out of its string literal or comment, would set this global.
  const SENTINEL = "__deidcInjected";
  const PAYLOAD = [
    `*/ globalThis.${SENTINEL} = "block comment"; /*`,
    `\`\${globalThis.${SENTINEL} = "template"}\``,
    `"; globalThis.${SENTINEL} = "double quote"; "`,
    `'; globalThis.${SENTINEL} = "single quote"; '`,
    `\n globalThis.${SENTINEL} = "newline"; //`,
    `\u2028 globalThis.${SENTINEL} = "U+2028"; //`,
    `\u2029 globalThis.${SENTINEL} = "U+2029"; //`,
    `\\ </script>`,
  ].join(" ");
  /** A .deid string literal holding `text`. */
  const deid = (text: string): string =>
    `"${text.replace(/[\\"\n\u2028\u2029]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n" })[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`)}"`;
  // A creator is a DICOM LO value: no backslash and no control characters.
  const CREATOR = `*/ \`\${x}\` "q" 'a' \u2028 \u2029 ${SENTINEL}`;
  // Written raw into the regular expression, where a string escape does not apply.
  const PATTERN = `[*]\\/|\`\\$\\{x\\}\`|"|'|\u2028|\u2029`;

  const profile = [
    "deid 1",
    "",
    `profile inj.test ${deid(PAYLOAD)}`,
    "",
    `secret key from file ${deid(PAYLOAD)}`,
    `param note: string = ${deid(PAYLOAD)}`,
    `let label = ${deid(PAYLOAD)}`,
    "",
    // Long text values, so on attributes whose VR (LT) allows them.
    `ImageComments -> ${deid(PAYLOAD)}`,
    `PatientComments -> replace(/${PATTERN}/g, ${deid(PAYLOAD)})`,
    `PatientID -> note + label + hash(key, PatientID, 8)`,
    `InstitutionName -> keep when InstitutionName != ${deid(PAYLOAD)} because ${deid(PAYLOAD)}`,
    `(0029,${deid(CREATOR)},10) -> keep because ${deid(PAYLOAD)}`,
    // A path step is described in a block comment above the function testing it.
    `(0029,${deid(CREATOR)},10)/**/PatientName -> X`,
    `StudyID -> keep when StudyID ~ /${PATTERN}/`,
    `quarantine when PatientID == ${deid(PAYLOAD)} because ${deid(PAYLOAD)}`,
    "",
  ].join("\n");

  afterEach(() => {
    delete (globalThis as Record<string, unknown>)[SENTINEL];
  });

  it("keeps strings, regular expressions, creators, reasons, titles and file names inside their literals and comments", () => {
    // The file's path is profile text too: it is written into comments and FILE_ constants.
    const dir = join(tempDir(), `inj \`\${x}\` "q" 'a' \n \u2028 *`);
    const path = put(join(dir, `${SENTINEL} \u2029.deid`), profile);
    expect(path).toContain("*/");
    const ir = compiled(path);
    expect(ir.profile.title).toBe(PAYLOAD);
    const body = planModuleFunction(ir, COMPILER_VERSION);
    const plan = instantiatePlanModule(body, ir);
    expect(globalThis).not.toHaveProperty(SENTINEL);
    expect(plan.PROFILE_TITLE).toBe(PAYLOAD);
    expect(plan.IR).toEqual(ir);

    const env = testEnvironment(ir);
    const selection = corpusFiles(["pydicom-debian/CT_small.dcm", "pydicom-debian/test-SR.dcm", "nibabel-debian/siemens_0.dcm"]);
    expectSameOnFiles(plan.createProcessor(env), createExecutor(ir, env), selection, "injection profile");
    expect(globalThis).not.toHaveProperty(SENTINEL);

    // The same text in the modules, and in the command of their preamble: plain Node parses the JavaScript, esbuild the TypeScript.
    const options = { runtimeImport: "deidc/runtime", deidcVersion: COMPILER_VERSION, command: `deidc compile ${PAYLOAD}` };
    const check = spawnSync(process.execPath, ["--check", put(join(tempDir(), "inj.mjs"), generatePlanModule(ir, { ...options, language: "js" }))], { encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
    expect(() => transformSync(generatePlanModule(ir, options), { loader: "ts", format: "esm" })).not.toThrow();
  });
});
