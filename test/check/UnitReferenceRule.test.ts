import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../src/check";
import { UnitReferenceRule } from "../../src/check/rules/UnitReferenceRule";
import { compileProfile } from "../../src/compile";
import { loadProgram } from "../../src/program/parse-and-load";
import { lintText } from "./harness";

describe("UnitReferenceRule: a profile based on itself", () => {
  it("reports a profile based on itself directly, as compile refuses it", () => {
    const f = lintText('deid 1\nprofile t.self "s"\n  based on t.self\n', [UnitReferenceRule]);
    expect(f.map((x) => [x.code, x.line, x.column, x.message])).toEqual([["DEID2009", 3, 12, "profile `t.self` is based on itself: `t.self` -> `t.self`"]]);
  });

  it("reports a cycle through two files with its path, pointing at each `based on` of it", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-cycle-"));
    writeFileSync(join(dir, "a.deid"), 'deid 1\nimport "b.deid"\nprofile t.a "a"\n  based on t.b\n');
    writeFileSync(join(dir, "b.deid"), 'deid 1\nimport "a.deid"\nprofile t.b "b"\n  based on t.a\n');
    const program = loadProgram(join(dir, "a.deid"));
    const cycles = checkProgram(program).filter((d) => d.code === "DEID2009");
    // Each file's profile is on the cycle; b.deid's error comes with a.deid's, as every imported file's errors do.
    expect(cycles.map((d) => [d.file.endsWith("a.deid") ? "a" : "b", d.severity, d.message])).toEqual([
      ["a", "error", "profile `t.a` is based on itself: `t.a` -> `t.b` -> `t.a`"],
      ["b", "error", "profile `t.b` is based on itself: `t.b` -> `t.a` -> `t.b`"],
    ]);
    const [a] = cycles;
    expect(a!.related).toEqual([{ file: expect.stringMatching(/b\.deid$/), span: expect.anything(), message: "`t.b` is based on `t.a` here" }]);
    expect(program.files.find((f) => f.path.endsWith("b.deid"))!.source.text.slice(a!.related![0]!.span.start, a!.related![0]!.span.end)).toBe("t.a");
    expect(compileProfile(join(dir, "a.deid")).diagnostics.filter((d) => d.code === "DEID2009")).toHaveLength(2);
  });

  it("leaves a cycle that does not pass through the file's profile to the file it is in", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-cycle-"));
    writeFileSync(join(dir, "b.deid"), 'deid 1\nprofile t.b "b"\n  based on t.b\n');
    const f = lintText('deid 1\nimport "b.deid"\nprofile t.a "a"\n  based on t.b\n', [UnitReferenceRule], join(dir, "a.deid"));
    expect(f).toEqual([]);
  });
});
