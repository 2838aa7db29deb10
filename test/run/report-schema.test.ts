import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import schema from "../../src/run/report.schema.json";

const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const rule = { file: "site.deid", line: 4, column: 1 };
const written = { input: "in/a.dcm", outcome: "written", output: "a.dcm", touched: [{ path: "(0008,1140)[0]/(0008,1155)", action: "U", rule }], warnings: [] };
const summary = { objects: 1, written: 1, skipped: 0, rejected: 0, quarantined: 0, failed: 0, seconds: 0.1, bytesIn: 10, bytesOut: 9, profile: "ps315.basic", irHash: `sha256:${"0".repeat(64)}`, release: "2026c", options: [], deidc: "0.1.0" };

describe("report.schema.json", () => {
  it("accepts records of each outcome and the summary line", () => {
    expect(validate(written)).toBe(true);
    expect(validate({ input: "in/b.dcm", outcome: "rejected", reason: "screen capture", rule, touched: [], warnings: [] })).toBe(true);
    expect(validate({ input: "in/c.dcm", outcome: "quarantined", reason: "burned-in text", rule, quarantineCopy: "c.dcm", touched: [], warnings: [] })).toBe(true);
    expect(validate({ input: "in/d.dcm", outcome: "failed", reason: "truncated", offset: 132, touched: [], warnings: [] })).toBe(true);
    expect(validate({ input: "in/e.dcm", outcome: "written", output: "e.dcm", touched: [{ path: '(0029,"SIEMENS CSA HEADER",10)', action: "lookup-miss/K", rule: null }, { path: "(0009,00xx)", action: "X", rule: null }], warnings: [] })).toBe(true);
    expect(validate({ ...written, touched: [{ path: "(7FE0,0010)", action: "blanked", rule }, { path: "(7FE0,0010)", action: "metadata-removed", rule: null }] })).toBe(true);
    expect(validate({ input: "in/f.dcm", outcome: "skipped", output: "f.dcm", reason: "QA phantom", rule, touched: [], warnings: [] })).toBe(true);
    expect(validate({ summary })).toBe(true);
  });

  const invalid: [string, unknown][] = [
    ["a field that could carry an original value", { ...written, PatientName: "DOE^JOHN" }],
    ["a touched element with its value", { ...written, touched: [{ path: "(0010,0010)", action: "Z", rule, value: "DOE^JOHN" }] }],
    ["a touched path that is not a tag path", { ...written, touched: [{ path: "DOE^JOHN", action: "Z", rule }] }],
    ["an action outside the vocabulary", { ...written, touched: [{ path: "(0010,0010)", action: "DOE^JOHN", rule }] }],
    ["a written record without its output", { ...written, output: undefined }],
    ["a failed record with an output", { input: "a", outcome: "failed", reason: "r", output: "a.dcm", touched: [], warnings: [] }],
    ["a failed record without a reason", { input: "a", outcome: "failed", touched: [], warnings: [] }],
    ["a skipped record without its output", { input: "a", outcome: "skipped", reason: "r", rule, touched: [], warnings: [] }],
    ["a skipped record without its reason", { input: "a", outcome: "skipped", output: "a.dcm", rule, touched: [], warnings: [] }],
    ["a skipped record without its rule", { input: "a", outcome: "skipped", output: "a.dcm", reason: "r", touched: [], warnings: [] }],
    ["a rejection without its rule", { input: "a", outcome: "rejected", reason: "r", touched: [], warnings: [] }],
    ["a quarantine copy of a rejected object", { input: "a", outcome: "rejected", reason: "r", rule, quarantineCopy: "a", touched: [], warnings: [] }],
    ["a summary without its counts", { summary: { ...summary, failed: undefined } }],
    ["a summary with extra data", { summary: { ...summary, key: "secret" } }],
    ["a summary without the IR hash", { summary: { ...summary, irHash: undefined } }],
    ["a summary with a hash that is not SHA-256", { summary: { ...summary, irHash: "md5:0" } }],
  ];
  for (const [what, line] of invalid) {
    it(`rejects ${what}`, () => {
      expect(validate(JSON.parse(JSON.stringify(line)))).toBe(false);
    });
  }
});
