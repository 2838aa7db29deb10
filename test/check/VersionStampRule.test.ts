import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../src/check";
import { specifiedRules } from "../../src/check/rules";
import { VersionStampRule } from "../../src/check/rules/VersionStampRule";
import { buildIr } from "../../src/ir/build";
import { decidingRule } from "../../src/ir/explain";
import { lookupKeyword } from "../../src/dicom/dictionary";
import { loadProgram } from "../../src/program/parse-and-load";
import { expectClean, lintText } from "./harness";

const rules = [VersionStampRule];
const profile = (body: string, base = "ps315.basic\n  with ps315.retain-longitudinal-modified-dates") => `deid 1\nprofile site.x\n  based on ${base}\nsecret key from env DEID_KEY\n${body}`;

function decidedAction(text: string, keyword: string): string | undefined {
  const program = loadProgram("t.deid", [], text);
  const unit = program.units.get("site.x")!;
  const entry = lookupKeyword(keyword)!;
  return decidingRule(buildIr(program, unit).ir, { kind: "tag", tag: parseInt(entry.tag, 16), vrs: entry.vrs })?.action.kind;
}

describe("VersionStampRule", () => {
  it("warns when `vr DA, DT` shifts the context group and template versions, naming them", () => {
    const [f, ...rest] = lintText(profile("vr DA, DT -> shift(days(key, PatientID, -30 .. -1))\n"), rules);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID3029", line: 6, column: 1 });
    expect(f!.message).toBe(
      "`vr DA, DT -> shift(days(key, PatientID, -30 .. -1))` also rewrites `ContextGroupVersion`, `ContextGroupLocalVersion`, `TemplateVersion` and `TemplateLocalVersion`: versions of a context group or template, not dates of care",
    );
    expect(f!.help).toContain("a changed version names a release that never existed");
  });

  it("offers a fix whose keep line makes the versions kept, and the warning go", () => {
    const text = profile("when Modality == \"CT\"\n  vr DT -> coarsen(year)\n");
    const program = loadProgram("t.deid", [], text);
    const [d, ...rest] = checkFile(program.entry, program, rules);
    expect(rest).toEqual([]);
    expect(d!.fix!.text).toBe('ContextGroupVersion, ContextGroupLocalVersion, TemplateVersion, TemplateLocalVersion -> keep because "versions of coding resources, not dates of care"\n  ');
    const fixed = text.slice(0, d!.fix!.span.start) + d!.fix!.text + text.slice(d!.fix!.span.end);
    expect(fixed).toContain('\n  ContextGroupVersion, ContextGroupLocalVersion, TemplateVersion, TemplateLocalVersion -> keep because "versions of coding resources, not dates of care"\n  vr DT -> coarsen(year)\n');
    expect(decidedAction(text, "ContextGroupVersion")).toBe("coarsen");
    expect(decidedAction(fixed, "ContextGroupVersion")).toBe("code");
    const again = loadProgram("t.deid", [], fixed);
    expect(checkFile(again.entry, again, specifiedRules).filter((x) => x.severity === "error" || x.code === "DEID3029")).toEqual([]);
  });

  it("reaches them through `keyword /re/` and the date codes C and D, not through remove or empty", () => {
    const f = lintText(profile('keyword /Version$/ -> D\nvr DA -> C\nvr DT -> X\n'), rules);
    expect(f.map((x) => [x.line, x.message.slice(0, 40)])).toEqual([[6, "`keyword /Version$/ -> D` also rewrites "]]);
  });

  it("names only the versions the rule decides: one the file names itself stays out", () => {
    const f = lintText(profile('ContextGroupVersion -> keep because "DCMR release"\nTemplateVersion, TemplateLocalVersion -> remove\nvr DT -> shift(-10)\n'), rules);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain("also rewrites `ContextGroupLocalVersion`: versions");
  });

  it("is quiet when the versions are kept, when only DA is selected, and in a file with no profile chain of its own", () => {
    expectClean(profile('ContextGroupVersion, ContextGroupLocalVersion, TemplateVersion, TemplateLocalVersion -> keep because "v"\nvr DA, DT -> shift(-10)\n'), rules);
    expectClean(profile("vr DA -> shift(-10)\nStudyDate -> shift(-3)\n"), rules);
    expectClean('deid 1\noption site.dates {\n  vr DT -> shift(-10)\n}\n', rules);
  });

  it("is quiet when a later unit decides the versions: the rule does not reach them there", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-version-stamp-"));
    writeFileSync(join(dir, "base.deid"), 'deid 1\nprofile site.base\n  based on ps315.basic\nvr DT -> shift(-10)\n');
    expect(lintText(readFileSync(join(dir, "base.deid"), "utf8"), rules, join(dir, "base.deid")).map((x) => x.line)).toEqual([4]);
    const site = 'deid 1\nimport "base.deid"\nprofile site.x\n  based on site.base\nContextGroupVersion, ContextGroupLocalVersion, TemplateVersion, TemplateLocalVersion -> K\n';
    expect(lintText(site, rules, join(dir, "site.deid"))).toEqual([]);
  });
});
