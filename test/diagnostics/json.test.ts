import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import schema from "../../src/diagnostics/diagnostics.schema.json";
import { buildJsonReport, clampSpan, renderJson } from "../../src/diagnostics/json";
import { SourceText } from "../../src/syntax/source";
import { badTag, base, everySample, lastLineInfo, missingVersion, site, siteText, sourcesOf, spanOf, unclosedBlock } from "./samples";

const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function expectValid(document: unknown): void {
  const valid = validate(document);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

describe("renderJson", () => {
  test("the full sample validates against diagnostics.schema.json", () => {
    const text = renderJson(everySample, sourcesOf(site, base));
    expect(text.endsWith("}\n")).toBe(true);
    expectValid(JSON.parse(text));
  });

  test("the text is the report object, indented", () => {
    const sources = sourcesOf(site, base);
    expect(renderJson(everySample, sources)).toBe(JSON.stringify(buildJsonReport(everySample, sources), null, 2) + "\n");
  });

  test("every field of one diagnostic", () => {
    const report = buildJsonReport([missingVersion], sourcesOf(site, base));
    expect(report).toEqual({
      version: 1,
      diagnostics: [
        {
          code: "DEID1006",
          name: "missing-version",
          severity: "warning",
          file: "rules/base.deid",
          start: { line: 1, column: 1, offset: 0 },
          end: { line: 1, column: 1, offset: 0 },
          message: "the file has no `deid 1` line",
          help: "start the file with `deid 1`",
          related: [
            {
              file: "rules/site.deid",
              start: { line: 1, column: 1, offset: 0 },
              end: { line: 1, column: 7, offset: 6 },
              message: "the version line looks like this",
            },
          ],
          fix: {
            description: "add the version line",
            file: "rules/base.deid",
            start: { line: 1, column: 1, offset: 0 },
            end: { line: 1, column: 1, offset: 0 },
            text: "deid 1\n\n",
          },
        },
      ],
      summary: { errors: 0, warnings: 1, infos: 0 },
    });
    expectValid(report);
  });

  test("keys are always present and in a fixed order", () => {
    const report = buildJsonReport([badTag, lastLineInfo], sourcesOf(site, base));
    for (const d of report.diagnostics) {
      expect(Object.keys(d)).toEqual(["code", "name", "severity", "file", "start", "end", "message", "help", "related", "fix"]);
    }
    const info = report.diagnostics[1]!;
    expect(info.help).toBeNull();
    expect(info.related).toEqual([]);
    expect(info.fix).toBeNull();
    expect(info.name).toBeNull(); // DEID9999 is not in the code table
    expect(report.summary).toEqual({ errors: 1, warnings: 0, infos: 1 });
  });

  test("an empty list", () => {
    const report = JSON.parse(renderJson([], new Map()));
    expect(report).toEqual({ version: 1, diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0 } });
    expectValid(report);
  });

  test("the end of a file and the last line without a newline", () => {
    const report = buildJsonReport([unclosedBlock, lastLineInfo], sourcesOf(site, base));
    expect(report.diagnostics[0]!.start).toEqual({ line: 13, column: 1, offset: siteText.length });
    expect(report.diagnostics[1]!.start).toEqual({ line: 3, column: 1, offset: 40 });
    expect(report.diagnostics[1]!.end).toEqual({ line: 3, column: 2, offset: 41 });
    expectValid(report);
  });

  test("CRLF files count the line break as two code units", () => {
    const text = "deid 1\r\nprofile p {\r\n  PatientsName -> remove\r\n}\r\n";
    const source = new SourceText("crlf.deid", text);
    const span = spanOf(text, "PatientsName");
    const report = buildJsonReport([{ ...badTag, file: "crlf.deid", span }], sourcesOf(source));
    expect(report.diagnostics[0]!.start).toEqual({ line: 3, column: 3, offset: 23 });
    expect(report.diagnostics[0]!.end).toEqual({ line: 3, column: 15, offset: 35 });
  });

  test("a file missing from the sources keeps its offsets and has null lines and columns", () => {
    const report = buildJsonReport([unclosedBlock], new Map());
    const d = report.diagnostics[0]!;
    expect(d.start).toEqual({ line: null, column: null, offset: siteText.length });
    expect(d.related[0]!.start).toEqual({ line: null, column: null, offset: siteText.indexOf("{") });
    expect(d.fix!.end).toEqual({ line: null, column: null, offset: siteText.length });
    expectValid(report);
  });

  test("spans outside the text are clamped to it", () => {
    const report = buildJsonReport([{ ...lastLineInfo, span: { start: 38, end: 1000 } }], sourcesOf(base));
    expect(report.diagnostics[0]!.end).toEqual({ line: 3, column: 2, offset: 41 });
    expectValid(report);
  });
});

describe("clampSpan", () => {
  const source = new SourceText("x.deid", "abc");
  test.each([
    { span: { start: 1, end: 2 }, clamped: { start: 1, end: 2 } },
    { span: { start: -3, end: 2 }, clamped: { start: 0, end: 2 } },
    { span: { start: 2, end: 9 }, clamped: { start: 2, end: 3 } },
    { span: { start: 2, end: 1 }, clamped: { start: 2, end: 2 } },
    { span: { start: Number.NaN, end: 1.5 }, clamped: { start: 0, end: 1 } },
  ])("$span.start..$span.end becomes $clamped.start..$clamped.end", ({ span, clamped }) => {
    expect(clampSpan(span, source)).toEqual(clamped);
  });

  test("without the text, only the lower bound and the order are enforced", () => {
    expect(clampSpan({ start: 50, end: 40 }, undefined)).toEqual({ start: 50, end: 50 });
    expect(clampSpan({ start: -1, end: 400 }, undefined)).toEqual({ start: 0, end: 400 });
  });
});

describe("diagnostics.schema.json", () => {
  const valid = () => JSON.parse(renderJson(everySample, sourcesOf(site, base)));

  test("rejects a report missing a key", () => {
    const report = valid();
    delete report.diagnostics[0].help;
    expect(validate(report)).toBe(false);
  });

  test("rejects an unknown severity, a malformed code and an extra key", () => {
    const badSeverity = valid();
    badSeverity.diagnostics[0].severity = "fatal";
    expect(validate(badSeverity)).toBe(false);
    const badCode = valid();
    badCode.diagnostics[0].code = "E1003";
    expect(validate(badCode)).toBe(false);
    const extra = valid();
    extra.diagnostics[0].column = 3;
    expect(validate(extra)).toBe(false);
  });

  test("rejects another version", () => {
    const report = valid();
    report.version = 2;
    expect(validate(report)).toBe(false);
  });
});
