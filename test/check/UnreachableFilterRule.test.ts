import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnreachableFilterRule } from "../../src/check/rules/UnreachableFilterRule";
import { checkFile } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { expectClean, lintText } from "./harness";

const rules = [UnreachableFilterRule];

/** A base profile file in a fresh directory; returns the path a site file beside it should use. */
function withBase(base: string): string {
  const dir = mkdtempSync(join(tmpdir(), "deidc-filter-order-"));
  writeFileSync(join(dir, "base.deid"), base);
  return join(dir, "site.deid");
}

const BASE_ACCEPTS_ALL = ["deid 1", "", 'profile acme.base "base"', "", 'accept because "every object of this collection is reviewed"', 'reject when Modality == "OT" because "never reached either"', ""].join("\n");
const site = (...lines: string[]): string => ["deid 1", "", 'import "base.deid"', "", 'profile acme.site "site"', "  based on acme.base", "", ...lines, ""].join("\n");

describe("UnreachableFilterRule", () => {
  it("warns on a filter after an unconditional one in the same file, pointing at it", () => {
    const text = ["deid 1", 'reject because "nothing leaves this profile"', 'quarantine when BurnedInAnnotation == "YES" because "burned-in text"', 'skip when PatientName == "PHANTOM" because "phantom"', ""].join("\n");
    const f = lintText(text, rules);
    expect(f.map((x) => [x.code, x.line])).toEqual([
      ["DEID3027", 3],
      ["DEID3027", 4],
    ]);
    expect(f[0]!.message).toBe("this `quarantine` can never decide: the `reject` at line 2 has no condition, so it decides every object first");
    expect(f[0]!.help).toContain("move this one above it");
    const program = loadProgram("site.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.related).toEqual([{ file: "site.deid", span: { start: 7, end: 51 }, message: "this `reject` has no condition" }]);
  });

  it("is quiet when every earlier filter has a condition, or the unconditional one comes last", () => {
    expectClean(['deid 1', 'accept when Manufacturer == "ACME" because "no burned-in text"', 'reject when Modality == "OT" because "screens"', 'quarantine because "everything else waits for a person"', ""].join("\n"), rules);
  });

  it("counts a filter inside a `when` block as conditional", () => {
    expectClean(['deid 1', 'when Modality == "US" {', '  reject because "no ultrasound in this release"', "}", 'quarantine when BurnedInAnnotation == "YES" because "burned-in text"', ""].join("\n"), rules);
  });

  it("warns on the site's filters behind a base profile's unconditional filter, with the note in the base file", () => {
    const path = withBase(BASE_ACCEPTS_ALL);
    const f = lintText(site('reject when Modality == "SR" because "images only"'), rules, path);
    expect(f.map((x) => [x.code, x.line])).toEqual([["DEID3027", 8]]);
    expect(f[0]!.message).toMatch(/the `accept` at .*base\.deid:5 has no condition/);
    expect(f[0]!.help).toContain("filters of `acme.base` run before this file's");
    const program = loadProgram(path, [], site('reject when Modality == "SR" because "images only"'));
    const [d] = checkFile(program.entry, program, rules);
    const related = d!.related![0]!;
    const base = program.files.find((file) => file.path === related.file)!;
    expect(base.path).toMatch(/base\.deid$/);
    expect(base.source.text.slice(related.span.start, related.span.end)).toBe('accept because "every object of this collection is reviewed"');
  });

  it("reports only the file being linted: the base's own dead filter is the base's to report", () => {
    const path = withBase(BASE_ACCEPTS_ALL);
    expect(lintText(site('PatientName -> "ANON"'), rules, path)).toEqual([]);
    expect(lintText(BASE_ACCEPTS_ALL, rules).map((x) => [x.code, x.line])).toEqual([["DEID3027", 6]]);
  });

  it("runs an option's filters before the profile's own, and reports a dead option filter once", () => {
    const text = (profileFilter: string, optionBody: string): string =>
      ["deid 1", "", 'profile acme.one "one"', "  with acme.screens", "", profileFilter, "", 'option acme.screens "screens" {', optionBody, "}", ""].join("\n");
    // The option's filter runs before the profile's unconditional `accept`: it decides first.
    expectClean(text('accept because "reviewed collection"', '  reject when Modality == "OT" because "screens"'), rules);
    const f = lintText(text('reject when Modality == "SR" because "images only"', '  reject because "not yet"\n  skip when Modality == "OT" because "screens pass"'), rules);
    // in the order the filters run: the option's, then the profile's own
    expect(f.map((x) => [x.code, x.line])).toEqual([
      ["DEID3027", 10],
      ["DEID3027", 6],
    ]);
  });
});
