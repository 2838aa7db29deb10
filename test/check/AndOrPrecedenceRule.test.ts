import { describe, expect, it } from "vitest";
import { AndOrPrecedenceRule } from "../../src/check/rules/AndOrPrecedenceRule";
import { checkFile } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { expectClean, lintText } from "./harness";

const rules = [AndOrPrecedenceRule];

describe("AndOrPrecedenceRule", () => {
  it("warns on `or` and `and` mixed without brackets, showing the reading the parser uses", () => {
    const [f, ...rest] = lintText('deid 1\nreject when Modality == "OT" or Modality == "SC" and ImageType contains "SCREEN" because "screens"\n', rules);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID3028", line: 2, column: 13 });
    expect(f!.help).toBe('this reads `Modality == "OT" or (Modality == "SC" and ImageType contains "SCREEN")`; write the brackets, or put them where they were meant');
  });

  it("offers the bracketed form as a fix that changes nothing the profile does", () => {
    const text = 'deid 1\nOperatorsName -> keep when Modality == "x" and Manufacturer == "y" or StationName == "z" because "r"\n';
    const program = loadProgram("t.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.fix).toEqual({
      description: "add the brackets the parser reads",
      file: "t.deid",
      span: d!.span,
      text: '(Modality == "x" and Manufacturer == "y") or StationName == "z"',
    });
    expect(text.slice(d!.span.start, d!.span.end)).toBe('Modality == "x" and Manufacturer == "y" or StationName == "z"');
  });

  it("keeps comments and line breaks in the fix: it only inserts brackets", () => {
    const text = 'deid 1\nreject when Modality == "OT" and Rows > 1 // screen captures\n    or Modality == "SC" because "r"\n';
    const program = loadProgram("t.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.fix!.text).toBe('(Modality == "OT" and Rows > 1) // screen captures\n    or Modality == "SC"');
    expect(d!.help).toBe('this reads `(Modality == "OT" and Rows > 1) or Modality == "SC"`; write the brackets, or put them where they were meant');
  });

  it("reports a chain of `or` once, bracketing every `and` in it", () => {
    const f = lintText('deid 1\nPatientName -> remove when Rows == 1 or Rows == 2 and Columns == 2 or Rows == 3 and Columns == 3\n', rules);
    expect(f).toHaveLength(1);
    expect(f[0]!.help).toContain("`Rows == 1 or (Rows == 2 and Columns == 2) or (Rows == 3 and Columns == 3)`");
  });

  it("finds the mix in blocks, pixel conditions and inside brackets", () => {
    const text = [
      "deid 1",
      'when Modality == "US" or Modality == "IVUS" and Rows == 600 {',
      '  StationName -> "US"',
      "}",
      'pixels when (Modality == "US" or Rows == 600 and Columns == 800) because "banner" {',
      "  blank (0, 0, 10, 10)",
      "}",
      "",
    ].join("\n");
    expect(lintText(text, rules).map((x) => [x.code, x.line])).toEqual([
      ["DEID3028", 2],
      ["DEID3028", 5],
    ]);
  });

  it("is quiet when brackets say which was meant, or only one of the two is used", () => {
    expectClean(
      [
        "deid 1",
        'reject when Modality == "OT" or (Modality == "SC" and ImageType contains "SCREEN") because "a"',
        'reject when (Modality == "OT" or Modality == "SC") and ImageType contains "SCREEN" because "b"',
        'reject when Modality == "OT" or Modality == "SC" or Modality == "XC" because "c"',
        'reject when Modality == "OT" and not exists(Rows) and Columns == 1 because "d"',
        'reject when not (Modality == "OT" or Modality == "SC") and Rows == 1 because "e"',
        "",
      ].join("\n"),
      rules,
    );
  });
});
