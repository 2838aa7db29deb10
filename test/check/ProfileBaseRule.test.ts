import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProfileBaseRule } from "../../src/check/rules/ProfileBaseRule";
import { expectClean, lintText } from "./harness";

const rules = [ProfileBaseRule];

describe("ProfileBaseRule", () => {
  it("warns on a profile that starts from nothing and says nothing of the attributes it does not name", () => {
    const [f, ...rest] = lintText('deid 1\nprofile acme.site "site"\n  with ps315.retain-uids\nPatientName -> remove\n', rules);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID3008", line: 2, column: 9 });
    expect(f!.message).toBe("profile `acme.site` is not based on `ps315.basic` and has no `*` rule: every standard attribute its rules do not name is kept as it is");
    expect(f!.help).toContain("`based on ps315.basic`");
    expect(f!.help).toContain("`* -> remove`");
  });

  it("accepts a profile based on ps315.basic, directly or through another profile", () => {
    expectClean('deid 1\nprofile acme.site "site"\n  based on ps315.basic\n', rules);
    const dir = mkdtempSync(join(tmpdir(), "deidc-base-"));
    writeFileSync(join(dir, "base.deid"), 'deid 1\nprofile acme.base "base"\n  based on ps315.basic\n');
    expect(lintText('deid 1\nimport "base.deid"\nprofile acme.site "site"\n  based on acme.base\n', rules, join(dir, "site.deid"))).toEqual([]);
  });

  it("accepts a profile that decides every attribute itself with an unconditional `*` rule, as `deidc import` writes", () => {
    expectClean('deid 1\nprofile imported.site "Imported"\nPatientName -> remove\nprivate * -> remove\n* -> keep because "CTP keeps the elements the script does not name"\n', rules);
    expectClean('deid 1\nprofile acme.strict "allow list"\nModality -> keep\n* -> remove\n', rules);
  });

  it("warns through a base that starts from nothing, and when the `*` rule has a condition", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-base-"));
    writeFileSync(join(dir, "base.deid"), 'deid 1\nprofile acme.base "base"\nPatientName -> remove\n');
    const [site] = lintText('deid 1\nimport "base.deid"\nprofile acme.site "site"\n  based on acme.base\n', rules, join(dir, "site.deid"));
    expect(site).toMatchObject({ code: "DEID3008", line: 3 });
    const [conditional] = lintText('deid 1\nprofile acme.c "c"\n* -> remove when Modality == "OT"\n', rules);
    expect(conditional).toMatchObject({ code: "DEID3008" });
    expect(lintText('deid 1\nprofile acme.w "w"\nwhen Modality == "OT" {\n  * -> remove\n}\n', rules)).toHaveLength(1);
  });

  it("leaves a file of rules without a profile header alone: it is a fragment as often as a profile", () => {
    expectClean("deid 1\nStudyDate -> X/Z\n", rules);
  });
  it("leaves a profile based on itself to DEID2009", () => {
    expect(lintText('deid 1\nprofile a.a "a"\n  based on a.a\nPatientName -> X\n', [ProfileBaseRule])).toEqual([]);
  });
});
