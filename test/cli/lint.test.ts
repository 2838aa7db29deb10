import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { deidc, ROOT } from "./cli";

function misspeltCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "deidc-lint-"));
  const text = readFileSync(join(ROOT, "rules/examples/research-date-shift.deid"), "utf8")
    .replace(/^PatientName ->/m, "PatientsName ->")
    .replace(/^PatientBirthDate -> coarsen\(year\)/m, "StudyDate -> U")
    .replace('reject when Modality == "OT"', "reject when Modality == 3");
  const path = join(dir, "site.deid");
  writeFileSync(path, text);
  return path;
}

describe("deidc lint", () => {
  it("exits 0 on the bundled examples and the standard library", () => {
    const r = deidc(["lint", "rules/examples/", "stdlib/"]);
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
  });

  it("reports three independent mistakes in one run, with line, column and suggestion, and exits 1", () => {
    const path = misspeltCopy();
    const r = deidc(["lint", path, "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string; start: { line: number; column: number }; message: string; help: string | null }[] };
    const found = report.diagnostics.map((d) => [d.code, d.start.line, d.start.column]);
    expect(found).toEqual([
      ["DEID2001", 14, 1],
      ["DEID2002", 17, 14],
      ["DEID2003", 22, 13],
    ]);
    expect(report.diagnostics[0]!.help).toContain("`PatientName`");
    const pretty = deidc(["lint", path]);
    expect(pretty.stdout).toContain("site.deid:14:1");
    expect(pretty.stdout).toContain("did you mean `PatientName`?");
    expect(pretty.stdout).toContain("3 errors");
  });

  it("writes SARIF 2.1.0 that validates against the official schema", () => {
    const r = deidc(["lint", misspeltCopy(), "--format", "sarif"]);
    expect(r.code).toBe(1);
    const schema = JSON.parse(readFileSync(join(ROOT, "test/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(r.stdout);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results).toHaveLength(3);
  });

  it("--fix applies the fixes findings carry, atomically, then reports what is left", () => {
    const path = misspeltCopy();
    const dir = join(path, "..");
    writeFileSync(
      join(dir, "trial.deid"),
      'deid 1\n\nprofile t.trial "t"\n  based on ps315.basic\n\nClinicalTrialSponsorName -> "ACME"\nClinicalTrialProtocolID -> create "P"\nClinicalTrialSubjectID -> create "S"\nOperatorsName -> kep\nStudyDescription -> "x" when Modality == "CT" or Modality == "MR" and Rows > 1\n',
    );
    const r = deidc(["lint", join(dir, "trial.deid"), "--fix"]);
    // DEID3032 (create), DEID2001 (keep), DEID3028 (brackets); then DEID3030, whose fix (the module's Type 2
    // attributes) only comes once the sponsor is created: a second pass.
    expect(r.stderr).toContain("deidc: applied 4 fixes to 1 file");
    const fixed = readFileSync(join(dir, "trial.deid"), "utf8");
    expect(fixed).toContain('ClinicalTrialSponsorName -> create "ACME"\n');
    expect(fixed).toContain("OperatorsName -> keep\n");
    expect(fixed).toContain('when Modality == "CT" or (Modality == "MR" and Rows > 1)');
    expect(fixed).toContain('ClinicalTrialSubjectID -> create "S"\nClinicalTrialProtocolName -> create ""\nClinicalTrialSiteID -> create ""\nClinicalTrialSiteName -> create ""\n');
    // What has no fix is still reported, and decides the exit code; no temporary file is left.
    expect(r.stdout).toContain("DEID3004");
    expect(r.stdout).not.toContain("DEID3030");
    expect(r.code).toBe(0);
    expect(deidc(["lint", join(dir, "trial.deid"), "--fix"]).stderr).not.toContain("applied");
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("--fix writes only the files named, through links, keeping their mode, and leaves alone what it cannot write back", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-fix-"));
    mkdirSync(join(dir, "real"));
    mkdirSync(join(dir, "shared"));
    writeFileSync(join(dir, "real", "a.deid"), "deid 1\nPatientName -> kep\n", { mode: 0o600 });
    chmodSync(join(dir, "real", "a.deid"), 0o600);
    symlinkSync(join("real", "a.deid"), join(dir, "a.deid"));
    writeFileSync(join(dir, "shared", "lib.deid"), "deid 1\nPatientID -> kep\n");
    writeFileSync(join(dir, "b.deid"), 'deid 1\nimport "shared/lib.deid"\nPatientName -> kep\n');
    writeFileSync(join(dir, "latin1.deid"), Buffer.from("deid 1\n// M\xe9decin\nPatientName -> kep\n", "latin1"));
    const r = deidc(["lint", join(dir, "a.deid"), join(dir, "b.deid"), join(dir, "latin1.deid"), "--fix"]);
    // The link still names the file, which was fixed and kept its mode.
    expect(lstatSync(join(dir, "a.deid")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real", "a.deid"), "utf8")).toBe("deid 1\nPatientName -> keep\n");
    expect(statSync(join(dir, "real", "a.deid")).mode & 0o777).toBe(0o600);
    // b.deid is fixed; the library it imports is not (other profiles may share it), so its error stays.
    expect(readFileSync(join(dir, "b.deid"), "utf8")).toContain("PatientName -> keep\n");
    expect(readFileSync(join(dir, "shared", "lib.deid"), "utf8")).toBe("deid 1\nPatientID -> kep\n");
    expect(r.stdout).toContain("lib.deid:2:14");
    // A file that is not UTF-8 would lose its other characters: not written, and said so.
    expect(readFileSync(join(dir, "latin1.deid")).includes(0xe9)).toBe(true);
    expect(r.stderr).toContain("latin1.deid: not fixed: it is not UTF-8 text");
    expect(r.stderr).toContain("deidc: applied 2 fixes to 2 files");
    expect(r.code).toBe(1);
  });

  it("fails on warnings beyond --max-warnings", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-lint-"));
    const path = join(dir, "w.deid");
    writeFileSync(path, 'deid 1\n\nreject when Modality == "OT"\n');
    expect(deidc(["lint", path]).code).toBe(0);
    expect(deidc(["lint", path, "--max-warnings", "0"]).code).toBe(1);
  });

  it("fails on a profile based on itself, which compile and run refuse", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-lint-"));
    const path = join(dir, "self.deid");
    writeFileSync(path, 'deid 1\nprofile t.self "s"\n  based on t.self\n');
    const r = deidc(["lint", path, "--max-warnings", "0"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[DEID2009]: profile `t.self` is based on itself: `t.self` -> `t.self`");
  });

  it("loads files that import each other once, and reports an imported file's errors once, in every program that uses it", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-lint-"));
    writeFileSync(join(dir, "a.deid"), 'deid 1\nimport "b.deid"\nprofile a.p "a"\n  based on ps315.basic\n  with b.opt\n');
    writeFileSync(join(dir, "b.deid"), 'deid 1\nimport "a.deid"\noption b.opt "b" {\n  PatientNmae -> remove\n}\n');
    const r = deidc(["lint", join(dir, "a.deid"), join(dir, "b.deid"), "--format", "json"]);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout) as { diagnostics: { code: string; file: string }[] }).diagnostics;
    expect(found.filter((d) => d.code === "DEID2001").map((d) => d.file.replace(/^.*[\\/]/, ""))).toEqual(["b.deid"]);
    // The profile that uses the broken option does not compile.
    expect(deidc(["compile", join(dir, "a.deid"), "--emit", "ir", "-o", join(dir, "a.ir.json")]).code).toBe(1);
  });

  it("refuses a folder with no rule file, which is a wrong path more often than a clean result", () => {
    const r = deidc(["lint", mkdtempSync(join(tmpdir(), "deidc-lint-empty-"))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no \.deid files in this folder/);
  });

  it("refuses a --max-warnings that is not a count", () => {
    expect(deidc(["lint", "rules/examples/", "--max-warnings", "abc"]).code).toBe(2);
  });

  it("exits 2 on a missing file and on a bad option", () => {
    expect(deidc(["lint", "no/such/file.deid"]).code).toBe(2);
    expect(deidc(["lint", "rules/", "--format", "xml"]).code).toBe(2);
  });
});

describe("deidc fmt", () => {
  it("--check passes on every rule file of the repository", () => {
    const r = deidc(["fmt", "--check", "rules/", "stdlib/"]);
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
  });
  it("rewrites a file into canonical form, idempotently, keeping comments", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-fmt-"));
    const path = join(dir, "x.deid");
    writeFileSync(path, "deid 1\n// keep me\nPatientName->X   // and me\n");
    expect(deidc(["fmt", "--check", path]).code).toBe(1);
    expect(deidc(["fmt", path]).code).toBe(0);
    const once = readFileSync(path, "utf8");
    expect(once).toBe("deid 1\n\n// keep me\nPatientName -> X // and me\n");
    deidc(["fmt", path]);
    expect(readFileSync(path, "utf8")).toBe(once);
  });
});
