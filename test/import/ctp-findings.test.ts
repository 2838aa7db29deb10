// The findings a CTP import must give: one per source construct it cannot
// reproduce as written, each naming the line, and a comment at that place in
// the output. Nothing is dropped quietly.

import { describe, expect, it } from "vitest";
import { ImportCode } from "../../src/import/codes";
import { expectCanonicalAndClean, findingsOf, importedText, importText } from "./helpers";

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

describe("deidc import ctp: the required findings", () => {
  const result = importText("ctp", SCRIPT, "findings.script", { lookupTable: "ids.csv" });
  const text = importedText(result);

  it("gives exactly one finding per construct, on its line", () => {
    expect(result.findings.map((f) => [f.code, result.sources[0]!.lineOf(f.span.start), f.severity])).toEqual([
      [ImportCode.unknownFunction, 2, "warning"],
      [ImportCode.disabledRule, 3, "info"],
      [ImportCode.ignoredTag, 4, "warning"],
      [ImportCode.lookupMiss, 5, "warning"],
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

  it("removes the element when the lookup table has no key, where CTP would quarantine the object", () => {
    expect(findingsOf(result, ImportCode.lookupMiss)[0]!.message).toBe(
      "when a key is missing from the lookup table, `@lookup(this,ptid)` quarantines the object; a deidc `lookup` cannot quarantine, so the import removes the element on a miss",
    );
    expect(text).toContain('PatientID -> lookup("ids.csv", value) else remove // ctp:5\n');
  });

  it("still writes a canonical, lint-clean profile", () => {
    expectCanonicalAndClean(text);
  });

  it("reminds of the lookup table's format when --lookup does not name it", () => {
    const unnamed = importText("ctp", SCRIPT, "findings.script");
    expect(findingsOf(unnamed, ImportCode.lookupTableFormat).map((f) => [f.line, f.severity])).toEqual([[5, "info"]]);
    expect(importedText(unnamed)).toContain('PatientID -> lookup("lookup-table.csv", value) else remove // ctp:5\n');
  });
});
