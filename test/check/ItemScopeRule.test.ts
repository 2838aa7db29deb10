import { describe, expect, it } from "vitest";
import { ItemScopeRule } from "../../src/check/rules/ItemScopeRule";
import { expectClean, lintText } from "./harness";

describe("ItemScopeRule", () => {
  it("rejects item.X in a filter condition", () => {
    const [f, ...rest] = lintText('deid 1\nreject when item.Modality == "SR" because "no reports"\n', [ItemScopeRule]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID2018", line: 2, column: 13 });
    expect(f!.message).toContain("a filter decides the whole object");
  });

  it("rejects item.X in a `pixels` block condition, a `let` and a `param` default", () => {
    expect(lintText('deid 1\npixels when item.Modality == "US" { blank (0, 0, 10, 10) }\n', [ItemScopeRule])).toMatchObject([{ code: "DEID2018", line: 2 }]);
    expect(lintText("deid 1\nlet id = item.PatientID\n", [ItemScopeRule])).toMatchObject([{ code: "DEID2018", line: 2, column: 10 }]);
    expect(lintText("deid 1\nparam site: string = item.InstitutionName\n", [ItemScopeRule])).toMatchObject([{ code: "DEID2018", line: 2 }]);
  });

  it("rejects item.X on a `when` block that holds a filter or `pixels` block, at any depth", () => {
    const text = 'deid 1\nwhen item.Modality == "US" {\n  when Rows > 10 {\n    reject because "large"\n  }\n  PatientName -> X\n}\n';
    const [f, ...rest] = lintText(text, [ItemScopeRule]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID2018", line: 2, column: 6 });
    expect(f!.help).toContain("move the filter");
  });

  it("accepts item.X in rules, their values and `when` blocks of rules", () => {
    expectClean(
      'deid 1\nOtherPatientIDsSequence/PatientID -> X when item.TypeOfPatientID == "TEXT"\n' +
        'ContentSequence/**/TextValue -> format("{}", item.ValueType) when exists(item.ValueType)\n' +
        'when item.ValueType == "TEXT" {\n  ContentSequence/**/TextValue -> C\n}\n' +
        'PatientID -> "top" when item.PatientSex == "O"\n',
      [ItemScopeRule],
    );
  });
});
