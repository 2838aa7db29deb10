// The findings a CTP import must give: one per source construct it cannot
// reproduce as written, each naming the line, and a comment at that place in
// the output. Nothing is dropped quietly.

import { describe, expect, it } from "vitest";
import { ImportCode } from "../../src/import/codes";
import { expectCanonicalAndClean, findingsOf, importedText, importText } from "./helpers";
import { allCodes } from "../../src/diagnostics/catalog";

const SCRIPT = [
  "<script>",
  ' <e en="T" t="00104000" n="PatientComments">@scramble(this)</e>',
  ' <e en="F" t="00101010" n="PatientAge">@keep()</e>',
  ' <e en="T" t="60xx3000" n="OverlayData">@remove()</e>',
  ' <e en="T" t="00100020" n="PatientID">@lookup(this,ptid)</e>',
  ' <r en="T" t="privategroups"/>',
  "</script>",
  "",
].join("\n");

/** CTP's lookup table for SCRIPT: it lacks the `ptid` keys line 5 looks up. */
const TABLE = "# CTP LookupTable.properties\nacc/A100=ACC-1\n";

describe("deidc import ctp: the required findings", () => {
  const result = importText("ctp", SCRIPT, "findings.script", { lookupTable: "ids.csv", ctpLookupTable: { path: "LookupTable.properties", text: TABLE } });
  const text = importedText(result);

  it("gives exactly one finding per construct, on its line", () => {
    expect(result.findings.map((f) => [f.code, result.sources[0]!.lineOf(f.span.start), f.severity])).toEqual([
      [ImportCode.unknownFunction, 2, "warning"],
      [ImportCode.disabledRule, 3, "info"],
      [ImportCode.ignoredTag, 4, "warning"],
      [ImportCode.lookupKeyTypeMissing, 5, "warning"],
    ]);
    for (const f of result.findings) expect(f.file).toBe("findings.script");
  });

  it("writes an unknown function's text into the element, as CTP does", () => {
    expect(findingsOf(result, ImportCode.unknownFunction)[0]!.message).toBe(
      "CTP does not know `@scramble`, so it writes `@scramble(this)` into PatientComments (0010,4000) as text; the import does the same",
    );
    expect(text).toContain('PatientComments -> "@scramble(this)" // ctp:2\n');
  });

  it("does not import the disabled rule, and says so in the output", () => {
    expect(findingsOf(result, ImportCode.disabledRule)[0]!.message).toBe("the rule for `00101010` (PatientAge) is not enabled (`en=\"F\"`), so it is not imported");
    expect(text).toContain("// ctp:3 not enabled: 00101010 PatientAge @keep()\n");
    expect(text).not.toMatch(/^PatientAge ->/m);
  });

  it("does not import the wildcard CTP ignores, and says so in the output", () => {
    expect(findingsOf(result, ImportCode.ignoredTag)[0]!.message).toBe("CTP cannot parse the tag `60xx3000` (a wildcard), so it never applies this rule; it is not imported");
    expect(text).toContain("// ctp:4 ignored by CTP (tag 60xx3000): @remove()\n");
    expect(text).not.toContain("(60xx,3000)");
  });

  it("quarantines on a lookup miss, as CTP does, and names the key type the table lacks", () => {
    expect(findingsOf(result, ImportCode.lookupKeyTypeMissing)[0]!.message).toBe("the lookup table LookupTable.properties has no `ptid/...` key, so every object misses this lookup");
    expect(text).toContain('PatientID -> lookup("ids.csv", "ptid", value) else quarantine // ctp:5\n');
    expect(text).toContain("// ctp:5 the lookup table has no ptid keys: every object misses\n");
    // The language quarantines on a miss itself, so DEID6005 (a lookup that could not) is never reported, and its summary says so.
    expect(findingsOf(result, ImportCode.lookupMiss)).toEqual([]);
    expect(allCodes().find((c) => c.code === ImportCode.lookupMiss)!.summary).toContain("`lookup(...) else quarantine`");
    expect(allCodes().find((c) => c.code === ImportCode.lookupMiss)!.summary).not.toContain("cannot do");
    expect(result.tables).toEqual([{ path: "ids.csv", text: "acc,A100,ACC-1\n" }]);
  });

  it("still writes a canonical, lint-clean profile", () => {
    expectCanonicalAndClean(text);
  });

  it("reminds of the lookup table's format when --lookup does not name it", () => {
    const unnamed = importText("ctp", SCRIPT, "findings.script");
    expect(findingsOf(unnamed, ImportCode.lookupTableFormat).map((f) => [f.line, f.severity])).toEqual([[5, "info"]]);
    expect(importedText(unnamed)).toContain('PatientID -> lookup("lookup-table.csv", "ptid", value) else quarantine // ctp:5\n');
  });
});
