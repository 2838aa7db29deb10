// Parsing the part-A language extensions: `root.` names, regular expressions
// as `matches` arguments, and conditional `when` blocks (including the rule
// whose `when` must not swallow a block on the next line).

import { describe, expect, it } from "vitest";
import type { WhenBlock } from "../../src/syntax/ast";
import { diagnosticsOf, onlyItem, onlyRule, parseClean, slice, withoutSpans } from "./helpers";

describe("names and function arguments", () => {
  it("reads root.Keyword as one name", () => {
    const { rule } = onlyRule('PatientID -> X when root.Modality == "CT"');
    expect(withoutSpans(rule.when)).toMatchObject({ kind: "Binary", left: { kind: "Ident", name: "root.Modality" } });
  });
  it("reads a regular expression as a later argument of matches, and only there", () => {
    const { rule } = onlyRule("PatientID -> X when matches(Modality, /C./i)");
    expect(withoutSpans(rule.when)).toMatchObject({ kind: "Call", args: [{ kind: "Ident" }, { kind: "Regex", pattern: "C.", flags: "i" }] });
    const nested = onlyRule('PatientID -> X when matches(upper(Modality), /C,T/) and startsWith(Modality, "C")').rule;
    expect(withoutSpans(nested.when)).toMatchObject({ kind: "Binary", left: { kind: "Call", args: [{ kind: "Call" }, { kind: "Regex", pattern: "C,T" }] } });
    expect(diagnosticsOf("deid 1\nPatientID -> X when startsWith(Modality, /C/)\n").length).toBeGreaterThan(0);
  });
});

describe("conditional blocks", () => {
  it("parses a block with rules, filters, pixel blocks and a nested block", () => {
    const body = 'when Modality == "US" {\n  PatientName -> X\n  reject when Rows > 10 because "big"\n  when exists(StationName) {\n    StationName -> "S" when Rows > 1\n  }\n}\n';
    const { item, text } = onlyItem(body);
    expect(item.kind).toBe("WhenBlock");
    const block = item as WhenBlock;
    expect(slice(text, block.span)).toBe(body.trimEnd());
    expect(block.body.map((s) => s.kind)).toEqual(["Rule", "Filter", "WhenBlock"]);
    const inner = block.body[2] as WhenBlock;
    expect(inner.body[0]).toMatchObject({ kind: "Rule", when: { kind: "Binary", op: ">" } });
  });
  it("leaves a rule's own condition alone when the next line opens a block", () => {
    const { file } = parseClean('PatientName -> X\nwhen Modality == "CT" {\n  PatientID -> X\n}\nStudyID -> X when Modality == "MR"\nwhen Rows > 1 {\n}\n');
    expect(file.items.map((i) => i.kind)).toEqual(["Rule", "WhenBlock", "Rule", "WhenBlock"]);
    expect(file.items[0]).toMatchObject({ when: null });
    expect(file.items[2]).toMatchObject({ when: { kind: "Binary", op: "==" } });
  });
  it("is allowed inside an option body", () => {
    const { item } = onlyItem('option a.b {\n  when Modality == "MR" {\n    PatientID -> X\n  }\n}\n');
    expect(item).toMatchObject({ kind: "Option", body: [{ kind: "WhenBlock", body: [{ kind: "Rule" }] }] });
  });
  it("recovers from a broken statement inside a block and keeps the rest", () => {
    const diagnostics = diagnosticsOf('deid 1\nwhen Modality == "MR" {\n  PatientID ->\n  StudyID -> X\n}\nAccessionNumber -> X\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatch(/^4:/);
  });
});

describe("create, append and else quarantine", () => {
  it("reads the verbs of value actions", () => {
    expect(onlyRule('ClinicalTrialSiteID -> create "S01"').rule.action).toMatchObject({ kind: "SetAction", mode: "create", value: { kind: "String" } });
    expect(onlyRule('ImageType -> append "DERIVED"').rule.action).toMatchObject({ kind: "SetAction", mode: "append" });
    expect(onlyRule('PatientName -> set "X"').rule.action).not.toHaveProperty("mode");
  });
  it("reads else quarantine after a lookup", () => {
    const { rule, text } = onlyRule('PatientID -> lookup("ids.csv", PatientID, IssuerOfPatientID) else quarantine because "pseudonyms"');
    expect(rule.action).toMatchObject({ kind: "LookupAction", keys: [{ name: "PatientID" }, { name: "IssuerOfPatientID" }], otherwise: { kind: "QuarantineMiss" } });
    expect(slice(text, rule.action.span)).toBe('lookup("ids.csv", PatientID, IssuerOfPatientID) else quarantine');
  });
});

describe("selectors", () => {
  it("reads @ and # wildcard digits in tags", () => {
    const { rule } = onlyRule("(50@x,xx#x) -> X");
    const path = rule.selectors[0]!;
    expect(path).toMatchObject({ kind: "PathSelector", steps: [{ element: { kind: "TagRef", text: "(50@x,xx#x)", value: 0x50000010, mask: 0xff100010 } }] });
  });
  it("reads `*` as one sequence level, and `*` alone as the catch-all", () => {
    const { file } = parseClean("ContentSequence/*/PersonName -> X\n/*/PatientID -> X\n*/PatientID -> X\n* -> K\n");
    expect(withoutSpans(file.items.map((i) => (i.kind === "Rule" ? i.selectors[0] : null)))).toMatchObject([
      { kind: "PathSelector", anchored: false, steps: [{ kind: "ElementStep" }, { kind: "AnyStep" }, { kind: "ElementStep" }] },
      { kind: "PathSelector", anchored: true, steps: [{ kind: "AnyStep" }, { kind: "ElementStep" }] },
      { kind: "PathSelector", anchored: false, steps: [{ kind: "AnyStep" }, { kind: "ElementStep" }] },
      { kind: "AllSelector" },
    ]);
  });
  it("reads keyword /re/ and any where", () => {
    expect(onlyRule("keyword /Date$/i, PatientName -> X").rule.selectors).toMatchObject([
      { kind: "KeywordPatternSelector", pattern: { pattern: "Date$", flags: "i" } },
      { kind: "PathSelector" },
    ]);
    const { rule, text } = onlyRule('any where value == PatientName or value == "X" -> remove because "copied"');
    expect(rule.selectors[0]).toMatchObject({ kind: "AnyWhereSelector", test: { kind: "Binary", op: "or" } });
    expect(slice(text, rule.selectors[0]!.span)).toBe('any where value == PatientName or value == "X"');
  });
  it("keeps keyword, any and where usable as names", () => {
    const { file } = parseClean("let any = 1\nlet where = 2\nlet keyword = 3\nPatientName -> X when any + where + keyword > 1\n");
    expect(file.items.map((i) => i.kind)).toEqual(["Let", "Let", "Let", "Rule"]);
  });
});
