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
      'create `ClinicalTrialProtocolID` with a value (Type 1); add `ClinicalTrialProtocolName -> create ""`, `ClinicalTrialSiteID -> create ""` and `ClinicalTrialSiteName -> create ""` (Type 2: present, and empty where unknown)',
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
