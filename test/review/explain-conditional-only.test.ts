// Review finding: `deidc explain` left out every attribute whose rules are all
// conditional. A profile that is not based on another (no `* -> K` behind its
// rules) and puts its rules in a `when` block explained nothing of them,
// though explain is where the joined condition of a block is meant to show.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { explainProgram } from "../../src/ir/explain";

describe("explain of attributes decided only under a condition", () => {
  it("lists them with the default action and the joined conditions", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-review-explain-"));
    const path = join(dir, "p.deid");
    writeFileSync(
      path,
      'deid 1\n\nprofile r.explain "review"\n\nwhen Modality == "CT" {\n  StationName -> "ST"\n  (0009,"GEMS_IDEN_01",02) -> keep when Rows == 128 because "suite id"\n}\nPatientName -> remove\n',
    );
    const ir = compileProfile(path).ir!;
    const rows = explainProgram(ir);
    const station = rows.find((r) => r.keyword === "StationName");
    expect(station).toBeDefined();
    expect(station!.action).toBe("K (no rule)");
    expect(station!.conditional).toEqual([`"ST" when Modality == "CT" (p.deid:6)`]);
    const privateRow = rows.find((r) => r.tag === '(0009,"GEMS_IDEN_01",02)');
    expect(privateRow?.action).toBe("X (no rule)");
    expect(privateRow?.conditional[0]).toContain('K when Modality == "CT" and Rows == 128');
    expect(rows.find((r) => r.keyword === "PatientName")).toMatchObject({ action: "X", conditional: [] });
  });
});

describe("explain of conditions on the element's own item", () => {
  it("writes an item-scoped read as `item.X`, not as the top-level `X`", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-review-explain-item-"));
    const path = join(dir, "p.deid");
    writeFileSync(path, 'deid 1\n\nprofile r.item "review"\n\nPatientID -> remove when item.TypeOfPatientID == "TEXT"\nPatientName -> remove when TypeOfPatientID == "TEXT"\n');
    const rows = explainProgram(compileProfile(path).ir!);
    expect(rows.find((r) => r.keyword === "PatientID")!.conditional.join(" ")).toContain('X when item.TypeOfPatientID == "TEXT"');
    expect(rows.find((r) => r.keyword === "PatientName")!.conditional.join(" ")).toContain('X when TypeOfPatientID == "TEXT"');
    expect(rows.find((r) => r.keyword === "PatientName")!.conditional.join(" ")).not.toContain("item.");
  });
});

describe("explain of rules that decide an attribute only inside sequences", () => {
  it("notes a path rule on its attribute's row, and gives the attribute a row when nothing else names it", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-review-explain-path-"));
    const path = join(dir, "p.deid");
    writeFileSync(path, 'deid 1\n\nprofile r.path "review"\n\nOtherPatientIDsSequence/PatientID -> remove\nContentSequence/**/PersonName -> "ANON" when item.ValueType == "PNAME"\nPersonName -> empty\n');
    const rows = explainProgram(compileProfile(path).ir!);
    expect(rows.find((r) => r.keyword === "PatientID")).toMatchObject({ action: "K (no rule)", conditional: [`X at OtherPatientIDsSequence/PatientID (p.deid:5)`] });
    expect(rows.find((r) => r.keyword === "PersonName")).toMatchObject({ action: "Z", selector: null, conditional: [`"ANON" at ContentSequence/**/PersonName when item.ValueType == "PNAME" (p.deid:6)`] });
  });
});
