import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TrialModuleRule } from "../../src/check/rules/TrialModuleRule";
import { checkFile } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { expectClean, lintText } from "./harness";

const rules = [TrialModuleRule];

describe("TrialModuleRule", () => {
  it("warns where create brings in a Clinical Trial module without all its Type 1 and 2 attributes", () => {
    const [f, ...rest] = lintText('deid 1\nPatientID -> "X"\nClinicalTrialSponsorName -> create "ACME"\nClinicalTrialSubjectID -> create lookup("s.csv", PatientID) else quarantine\n', rules);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      code: "DEID3030",
      line: 3,
      column: 1,
      message:
        "`create` adds the Clinical Trial Subject module (PS3.3 C.7.1.3) to objects that lack it, without `ClinicalTrialProtocolID`, `ClinicalTrialProtocolName`, `ClinicalTrialSiteID` and `ClinicalTrialSiteName`, which the module requires",
    });
    expect(f!.help).toBe(
      'create `ClinicalTrialProtocolID` for every object, with a value (Type 1); add `ClinicalTrialProtocolName -> create ""`, `ClinicalTrialSiteID -> create ""` and `ClinicalTrialSiteName -> create ""` for every object (Type 2: present, and empty where unknown)',
    );
  });

  it("asks for a subject ID or a subject reading ID, and checks the Study and Series modules", () => {
    const findings = lintText(
      'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create ""\nClinicalTrialSiteName -> create ""\n' +
        'ClinicalTrialTimePointDescription -> create "baseline"\nClinicalTrialSeriesID -> create "S1"\n',
      rules,
    );
    expect(findings.map((f) => [f.line, f.message.replace(/ to objects.*without /, ": ")])).toEqual([
      [2, "`create` adds the Clinical Trial Subject module (PS3.3 C.7.1.3): `ClinicalTrialSubjectID` or `ClinicalTrialSubjectReadingID`, which the module requires"],
      [7, "`create` adds the Clinical Trial Study module (PS3.3 C.7.2.3): `ClinicalTrialTimePointID`, which the module requires"],
      [8, "`create` adds the Clinical Trial Series module (PS3.3 C.7.3.2): `ClinicalTrialCoordinatingCenterName`, which the module requires"],
    ]);
  });

  it("counts only a create that adds a value to every object: not under a condition, not a lookup that adds nothing on a miss, not empty for Type 1", () => {
    const complete = (lines: Record<string, string>) =>
      "deid 1\n" +
        Object.entries({
          ClinicalTrialSponsorName: 'create "A"',
          ClinicalTrialProtocolID: 'create "P"',
          ClinicalTrialProtocolName: 'create ""',
          ClinicalTrialSiteID: 'create "01"',
          ClinicalTrialSiteName: 'create ""',
          ClinicalTrialSubjectID: 'create lookup("s.csv", PatientID) else quarantine',
          ...lines,
        })
          .map(([k, v]) => `${k} -> ${v}\n`)
          .join("");
    expectClean(complete({}), rules);
    const message = (lines: Record<string, string>) => lintText(complete(lines), rules).map((f) => f.message.replace(/.*without /, ""));
    expect(message({ ClinicalTrialSiteID: 'create lookup("t.csv", InstitutionName) else remove' })).toEqual(["`ClinicalTrialSiteID` (its `create lookup` adds nothing on a miss), which the module requires"]);
    expect(message({ ClinicalTrialProtocolID: 'create "P" when Modality == "MR"' })).toEqual(["`ClinicalTrialProtocolID` (its `create` has a condition), which the module requires"]);
    expect(message({ ClinicalTrialSponsorName: 'create ""' })).toEqual(["`ClinicalTrialSponsorName` (its `create` writes an empty value, and it is Type 1), which the module requires"]);
    // A conditional create and an unconditional fallback add it to every object.
    expectClean(complete({ ClinicalTrialSiteID: 'create "01" when Modality == "MR"\nClinicalTrialSiteID -> create "02"' }), rules);
    // A `when` block counts as a condition.
    expect(lintText(complete({}).replace('ClinicalTrialProtocolID -> create "P"\n', 'when Modality == "MR" {\n  ClinicalTrialProtocolID -> create "P"\n}\n'), rules).map((f) => f.code)).toEqual(["DEID3030"]);
  });

  it("reads the chain as the executor decides: a later layer's rule that decides first stops a base profile's create", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-trial-layers-"));
    writeFileSync(
      join(dir, "base.deid"),
      'deid 1\n\nprofile site.base "base"\n\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create "01"\nClinicalTrialSiteName -> create ""\nClinicalTrialSubjectID -> create "S"\n',
    );
    const site = 'deid 1\n\nimport "base.deid"\n\nprofile site.release "release"\n  based on site.base\n\nClinicalTrialSiteName -> keep because "x"\nClinicalTrialSubjectID -> create "S2"\n';
    const [f, ...rest] = lintText(site, rules, join(dir, "site.deid"));
    expect(rest).toEqual([]);
    expect(f!.message).toContain("without `ClinicalTrialSiteName` (a rule before its `create` decides it, and adds nothing), which");
  });

  it("takes a module created whole inside one `when` block as complete, and points at the rule to change", () => {
    const module = (extra: string) =>
      'deid 1\nwhen Modality == "CT" {\n  ClinicalTrialSponsorName -> create "A"\n  ClinicalTrialProtocolID -> create "P"\n  ClinicalTrialProtocolName -> create ""\n  ClinicalTrialSiteID -> create "01"\n  ClinicalTrialSiteName -> create ""\n' +
      extra +
      "}\n";
    expectClean(module('  ClinicalTrialSubjectID -> create "S"\n'), rules);
    const [f] = lintText(module(""), rules);
    expect(f!.help).toBe("create `ClinicalTrialSubjectID` or `ClinicalTrialSubjectReadingID` under the same condition as the rest of the module, with a value (Type 1)");
    // A lookup that adds nothing on a miss: the help says to change that rule, which `related` names.
    const text = 'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create lookup("t.csv", InstitutionName) else remove\nClinicalTrialSiteName -> create ""\nClinicalTrialSubjectID -> create "S"\n';
    const program = loadProgram("t.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.help).toBe("make the `create` of `ClinicalTrialSiteID` add a value for every object (the notes below say why it does not)");
    expect(d!.related).toEqual([{ file: "t.deid", span: { start: text.indexOf("ClinicalTrialSiteID"), end: text.indexOf("ClinicalTrialSiteID") }, message: "its `create lookup` adds nothing on a miss" }]);
    expect(d!.fix).toBeUndefined();
  });

  it("does not take a copied attribute as a Type 1 value: the object may lack it", () => {
    const [f] = lintText(
      'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create StudyID\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create ""\nClinicalTrialSiteName -> create ""\nClinicalTrialSubjectID -> create "S-" + StudyID\n',
      rules,
    );
    expect(f!.message).toContain("without `ClinicalTrialProtocolID` (its `create` value may be empty, and it is Type 1), which");
  });

  it("offers no fix that would conflict with a rule of the profile, and keeps CRLF line endings", () => {
    const text = 'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create ""\nClinicalTrialSiteName -> remove\nClinicalTrialSubjectID -> create "S"\n';
    const program = loadProgram("t.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.fix).toBeUndefined();
    expect(d!.help).toBe("let `ClinicalTrialSiteName` be created: the rule named below decides it, and adds nothing");
    expect(d!.related![0]!.message).toBe("a rule of this profile decides it, and adds nothing");
    const crlf = 'deid 1\r\nClinicalTrialSponsorName -> create "A"\r\nClinicalTrialProtocolID -> create "P"\r\nClinicalTrialSubjectID -> create "S"\r\nPatientName -> "X"\r\n';
    const p2 = loadProgram("c.deid", [], crlf);
    const [f] = checkFile(p2.entry, p2, rules);
    const fixed = crlf.slice(0, f!.fix!.span.start) + f!.fix!.text + crlf.slice(f!.fix!.span.end);
    expect(fixed).toBe(
      'deid 1\r\nClinicalTrialSponsorName -> create "A"\r\nClinicalTrialProtocolID -> create "P"\r\nClinicalTrialSubjectID -> create "S"\r\n' +
        'ClinicalTrialProtocolName -> create ""\r\nClinicalTrialSiteID -> create ""\r\nClinicalTrialSiteName -> create ""\r\nPatientName -> "X"\r\n',
    );
  });

  it("adds the fix after the module's last create outside any block", () => {
    const text = 'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialSubjectID -> create "S"\nwhen Modality == "CT" {\n  ClinicalTrialSubjectReadingID -> create "R"\n}\n';
    const program = loadProgram("t.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.fix!.span.start).toBe(text.indexOf("\nwhen"));
  });

  it("asks for the Type 1C attributes whose condition a create makes true", () => {
    const subject = 'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create ""\nClinicalTrialSiteName -> create ""\nClinicalTrialSubjectID -> create "S"\n';
    const [ethics] = lintText(subject + 'ClinicalTrialProtocolEthicsCommitteeApprovalNumber -> create "IRB-1"\n', rules);
    expect(ethics!.message).toContain("without `ClinicalTrialProtocolEthicsCommitteeName`, which");
    const [issuer] = lintText('deid 1\nIssuerOfClinicalTrialTimePointID -> create "ACME"\n', rules);
    expect(issuer!.message).toContain("Clinical Trial Study module (PS3.3 C.7.2.3) to objects that lack it, without `ClinicalTrialTimePointID`");
  });

  it("reports a module an option brings in at the profile that switches it on", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-trial-option-"));
    writeFileSync(join(dir, "opt.deid"), 'deid 1\n\noption site.trial "trial" {\n  ClinicalTrialSponsorName -> create "ACME"\n  ClinicalTrialSubjectID -> create "S1"\n}\n');
    const site = 'deid 1\n\nimport "opt.deid"\n\nprofile site.release "release"\n  based on ps315.basic\n  with site.trial\n\nPatientName -> "X"\n';
    const [f, ...rest] = lintText(site, rules, join(dir, "site.deid"));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID3030", line: 5, column: 9 });
    expect(f!.message).toContain("without `ClinicalTrialProtocolID`, `ClinicalTrialProtocolName`, `ClinicalTrialSiteID` and `ClinicalTrialSiteName`");
  });

  it("is quiet for a complete module, for `set` (objects that have the module), and without create", () => {
    expectClean(
      'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create lookup("s.csv", InstitutionName) else "99"\n' +
        'ClinicalTrialSiteName -> create ""\nClinicalTrialSubjectReadingID -> create "R1"\nClinicalTrialTimePointID -> create "BL"\nClinicalTrialSeriesID -> set "S1"\nClinicalTrialCoordinatingCenterName -> "X"\n',
      rules,
    );
  });

  it("counts what the base profile creates, and reports in each file that creates part of an incomplete module", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-trial-module-"));
    writeFileSync(join(dir, "base.deid"), 'deid 1\n\nprofile site.base "base"\n\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialSubjectID -> create "S"\n');
    const site = 'deid 1\n\nimport "base.deid"\n\nprofile site.release "release"\n  based on site.base\n\nClinicalTrialProtocolName -> create ""\n';
    // The site creates part of the module too: what is still missing is reported at its create.
    const [partial, ...rest] = lintText(site, rules, join(dir, "site.deid"));
    expect(rest).toEqual([]);
    expect(partial).toMatchObject({ code: "DEID3030", line: 8 });
    expect(partial!.message).toContain("without `ClinicalTrialSiteID` and `ClinicalTrialSiteName`, which");
    // A site profile that creates none of the module leaves it to the base, where it is reported.
    expect(lintText('deid 1\n\nimport "base.deid"\n\nprofile site.other "other"\n  based on site.base\n\nPatientName -> "X"\n', rules, join(dir, "other.deid"))).toEqual([]);
    const complete = site + 'ClinicalTrialSiteID -> create "01"\nClinicalTrialSiteName -> create ""\n';
    expect(lintText(complete, rules, join(dir, "site.deid"))).toEqual([]);
  });

  it("offers the missing Type 2 attributes, created empty, after the module's last create", () => {
    const text = 'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialSubjectID -> create "S"\nPatientName -> "X"\n';
    const program = loadProgram("t.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    const fixed = text.slice(0, d!.fix!.span.start) + d!.fix!.text + text.slice(d!.fix!.span.end);
    expect(fixed).toBe(
      'deid 1\nClinicalTrialSponsorName -> create "A"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialSubjectID -> create "S"\n' +
        'ClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create ""\nClinicalTrialSiteName -> create ""\nPatientName -> "X"\n',
    );
  });
});
