// recordLine writes each report line; it must give exactly JSON.stringify's text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { recordLine, type ReportRecord } from "../../src/run/report";
import { createExecutor } from "../../src/runtime/executor";
import { CORPUS_DIR, TEST_KEY, warnIfNoCorpus } from "./helpers";

warnIfNoCorpus("run/report-line");

describe("recordLine", () => {
  it("gives JSON.stringify's text for records of every shape", () => {
    const rule = { file: 'sites/"quoted" \\ dir/site.deid', line: 3, column: 1 };
    const records: ReportRecord[] = [
      { input: "a.dcm", outcome: "written", touched: [], warnings: [] },
      {
        input: 'odd "name"\\\u0001\u00e9\ud83d\ude42.dcm',
        outcome: "written",
        touched: [
          { path: '(0009,"GEMS \\"IDEN\\"",01)', action: "X", rule },
          { path: "(0010,0010)", action: "set", rule },
          { path: "(7FE0,0010)", action: "blanked", rule: null },
        ],
        warnings: ["a warning with \"quotes\" and a line\nbreak"],
        output: "out/a.dcm",
        newSopInstanceUid: "2.25.1",
      },
      { input: "q.dcm", outcome: "quarantined", reason: "no entry in sites.csv", touched: [], warnings: [], quarantineCopy: "q.dcm", rule },
      // An optional field present but undefined is left out, as JSON.stringify does.
      { input: "f.dcm", outcome: "failed", reason: "truncated", offset: undefined, touched: [], warnings: [] } as ReportRecord,
    ];
    for (const record of records) expect(recordLine(record)).toBe(JSON.stringify(record));
  });

  it.skipIf(!CORPUS_DIR)("gives JSON.stringify's text for the executor's records of corpus files", () => {
    const ir = compileProfile("ps315.basic", { withOptions: ["ps315.retain-longitudinal-modified-dates"] }).ir!;
    const executor = createExecutor(ir, { secrets: new Map(), params: new Map(), tables: new Map(), runKey: new TextEncoder().encode(TEST_KEY) });
    for (const file of ["pydicom-debian/CT_small.dcm", "pydicom-debian/MR_small.dcm", "pydicom-data/eCT_Supplemental.dcm"]) {
      const path = join(CORPUS_DIR!, file);
      const { record } = executor.process(new Uint8Array(readFileSync(path)), path);
      const line: ReportRecord = { ...record, touched: record.touched ?? [], warnings: record.warnings ?? [] };
      expect(line.touched.length, file).toBeGreaterThan(10);
      expect(recordLine(line)).toBe(JSON.stringify(line));
      expect(JSON.parse(recordLine(line))).toEqual(JSON.parse(JSON.stringify(line)));
    }
  });
});
