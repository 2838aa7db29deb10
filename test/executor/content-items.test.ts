// The Clean Structured Content Option by concept name (PS3.15 E.3.4, Table E.3.4-1): under
// ps315.clean-structured-content each content item is removed, given dummies, kept or cleaned by
// its concept name, with the cell of the last unit in force; without the option nothing changes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderExplainMarkdown } from "../../src/cli/explain";
import { explainProgram } from "../../src/ir/explain";
import { planModuleFunction } from "../../src/codegen/in-memory";
import { instantiatePlanModule } from "../../src/codegen/instantiate";
import { contentItemAction, contentItemPlanOf } from "../../src/runtime/executor/content-items";
import { assertValidReportLine } from "../run/helpers";
import { TEST_KEY, buildPart10, compile, CORPUS_DIR, executorFor, indexOfBytes, readWithDcmjs, walkBytes, warnIfNoCorpus, type BuiltElement } from "./helpers";
import table from "../../stdlib/ps315/content-item-concepts.json";

const COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";
const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });
const sq = (tag: number, ...items: BuiltElement[][]): BuiltElement => ({ tag, vr: "SQ", items });

/** A content item: relationship, value type, concept name, then its value elements. */
function item(valueType: string, code: string, scheme: string, meaning: string, ...value: BuiltElement[]): BuiltElement[] {
  return [
    text(0x0040a010, "CS", "CONTAINS"),
    text(0x0040a040, "CS", valueType),
    sq(0x0040a043, [text(0x00080100, "SH", code), text(0x00080102, "SH", scheme), text(0x00080104, "LO", meaning)]),
    ...value,
  ];
}

const COMMENT = item("TEXT", "121106", "DCM", "Comment", text(0x0040a160, "UT", "seen at Mercy ward 7 with her sister"));
const AUTHORIZING = item("PNAME", "113850", "DCM", "Irradiation Authorizing", text(0x0040a123, "PN", "Smith^Alice"));
const ACQUISITION_DATE = item("DATE", "126201", "DCM", "Acquisition Date", text(0x0040a121, "DA", "20200102"));
const OBSERVER_UID = item("UIDREF", "121012", "DCM", "Device Observer UID", text(0x0040a124, "UI", "1.2.840.99.7.7.7"));
const LOCAL_TEXT = item("TEXT", "99X1", "99LOCAL", "Local note", text(0x0040a160, "UT", "Doe was calm; keep this phrase"));
const CONTAINER = [
  text(0x0040a010, "CS", "CONTAINS"),
  text(0x0040a040, "CS", "CONTAINER"),
  sq(0x0040a043, [text(0x00080100, "SH", "99C"), text(0x00080102, "SH", "99LOCAL"), text(0x00080104, "LO", "Group")]),
  text(0x0040a050, "CS", "SEPARATE"),
  sq(0x0040a730, COMMENT, LOCAL_TEXT),
];

function sr(): Uint8Array {
  return buildPart10([
    text(0x00080016, "UI", COMPREHENSIVE_SR),
    text(0x00080018, "UI", "1.2.3.40"),
    text(0x00080060, "CS", "SR"),
    text(0x00100010, "PN", "Doe^Jane"),
    text(0x00100020, "LO", "PID777"),
    text(0x0040a040, "CS", "CONTAINER"),
    sq(0x0040a043, [text(0x00080100, "SH", "18748-4"), text(0x00080102, "SH", "LN"), text(0x00080104, "LO", "Diagnostic Imaging Report")]),
    text(0x0040a050, "CS", "SEPARATE"),
    sq(0x0040a730, COMMENT, AUTHORIZING, ACQUISITION_DATE, OBSERVER_UID, LOCAL_TEXT, CONTAINER),
  ]);
}

function run(bytes: Uint8Array, options: string[], entry = "ps315.basic") {
  const ir = compile(entry, options);
  const result = executorFor(ir).process(bytes, "sr.dcm");
  expect(result.record.reason).toBeUndefined();
  expect(result.record.outcome).toBe("written");
  // `deidc run` and processors run the generated plan: the same output, byte for byte.
  const generated = instantiatePlanModule(planModuleFunction(ir, "test"), ir).createProcessor({ secrets: new Map(), params: new Map(), tables: new Map(), runKey: TEST_KEY } as never);
  const again = generated.process(bytes, "sr.dcm");
  expect(Buffer.from(again.output!).equals(Buffer.from(result.output!))).toBe(true);
  expect(again.record).toEqual(result.record);
  const output = result.output!;
  const { elements } = walkBytes(output);
  const concepts = elements.filter((e) => e.tag === 0x00080100 && e.path.startsWith("(0040,A730)") && e.path.endsWith("(0040,A043)[0]/(0008,0100)")).map((e) => `${e.path.split("/(0040,A043)")[0]} ${e.text}`);
  const value = (path: string) => elements.find((e) => e.path === path)?.text;
  const removed = result.record.touched.filter((t) => /\]$/.test(t.path)).map((t) => `${t.path} ${t.action}`);
  const contains = (s: string): boolean => indexOfBytes(output, new TextEncoder().encode(s)) >= 0;
  assertValidReportLine({ ...result.record, output: "out.dcm" }, "the record");
  return { result, output, concepts, value, removed, contains };
}

describe("Table E.3.4-1 under ps315.clean-structured-content", () => {
  it("removes the items the Basic Profile's column says X, gives dummies where it says D, and cleans the others", () => {
    const { concepts, value, removed, contains } = run(sr(), ["ps315.clean-structured-content"]);
    // Comment X, Acquisition Date X; Irradiation Authorizing D; Device Observer UID X/D -> D; unknown concepts cleaned.
    expect(removed).toEqual(["(0040,A730)[0] X", "(0040,A730)[2] X", "(0040,A730)[5]/(0040,A730)[0] X"]);
    expect(concepts).toEqual(["(0040,A730)[0] 113850", "(0040,A730)[1] 121012", "(0040,A730)[2] 99X1", "(0040,A730)[3] 99C", "(0040,A730)[3]/(0040,A730)[0] 99X1"]);
    expect(value("(0040,A730)[0]/(0040,A123)")).not.toContain("Smith");
    expect(value("(0040,A730)[0]/(0040,A043)[0]/(0008,0104)")).toBe("Irradiation Authorizing");
    expect(value("(0040,A730)[1]/(0040,A124)")).toMatch(/^2\.25\.\d+$/);
    expect(value("(0040,A730)[2]/(0040,A160)")).toContain("keep this phrase");
    expect(value("(0040,A730)[2]/(0040,A160)")).not.toContain("Doe");
    for (const s of ["Mercy", "sister", "Smith", "20200102", "1.2.840.99.7.7.7"]) expect(contains(s)).toBe(false);
  });

  it("takes the cell of the last unit in force: options keep or clean what the profile removes", () => {
    const full = run(sr(), ["ps315.clean-structured-content", "ps315.retain-longitudinal-full-dates", "ps315.retain-uids", "ps315.retain-device-identity"]);
    expect(full.removed).toEqual(["(0040,A730)[0] X", "(0040,A730)[5]/(0040,A730)[0] X"]);
    expect(full.value("(0040,A730)[1]/(0040,A121)")).toBe("20200102");
    // K keeps the item; its elements are still decided by their own rules, and Table E.1-1 leaves
    // UID (0040,A124) to U even under the Retain UIDs Option.
    expect(full.concepts).toContain("(0040,A730)[2] 121012");
    expect(full.value("(0040,A730)[2]/(0040,A124)")).toMatch(/^2\.25\.\d+$/);

    const modified = run(sr(), ["ps315.clean-structured-content", "ps315.retain-longitudinal-modified-dates", "ps315.clean-descriptors"]);
    expect(modified.removed).toEqual([]);
    expect(modified.value("(0040,A730)[2]/(0040,A121)")).toMatch(/^\d{8}$/);
    expect(modified.value("(0040,A730)[2]/(0040,A121)")).not.toBe("20200102");
    expect(modified.value("(0040,A730)[0]/(0040,A160)")).toContain("with her sister");
  });

  it("takes an annotation's value type from its value when it has no Value Type (Waveform Annotation Sequence)", () => {
    const annotation = (code: string, scheme: string, note: string): BuiltElement[] => [
      sq(0x0040a043, [text(0x00080100, "SH", code), text(0x00080102, "SH", scheme), text(0x00080104, "LO", "note")]),
      text(0x00700006, "ST", note),
    ];
    const input = buildPart10([
      text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.9.1.1"),
      text(0x00080018, "UI", "1.2.3.41"),
      text(0x00100010, "PN", "Doe^Jane"),
      sq(0x0040b020, annotation("121106", "DCM", "paged Dr Who at home"), annotation("99N", "99LOCAL", "lead II artefact")),
    ]);
    const { removed, contains, output } = run(input, ["ps315.clean-structured-content"]);
    expect(removed).toEqual(["(0040,B020)[0] X"]);
    // the other annotation stays (its text is Unformatted Text Value's own D of Table E.1-1)
    const left = walkBytes(output).elements.filter((e) => e.path.startsWith("(0040,B020)[") && e.tag === 0x00080100).map((e) => `${e.path} ${e.text}`);
    expect(left).toEqual(["(0040,B020)[0]/(0040,A043)[0]/(0008,0100) 99N"]);
    expect(contains("Dr Who")).toBe(false);
    // an Acquisition Context item that omits its Value Type: its Text Value says TEXT
    const context = buildPart10([
      text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.2"),
      text(0x00080018, "UI", "1.2.3.42"),
      sq(0x00400555, [sq(0x0040a043, [text(0x00080100, "SH", "121106"), text(0x00080102, "SH", "DCM"), text(0x00080104, "LO", "Comment")]), text(0x0040a160, "UT", "ward 9 bed 3")]),
    ]);
    expect(run(context, ["ps315.clean-structured-content"]).removed).toEqual(["(0040,0555)[0] X"]);
  });

  it("is not applied without the option: ps315.basic gives every content item dummies and removes none", () => {
    const { removed, concepts } = run(sr(), []);
    expect(removed).toEqual([]);
    expect(concepts.length).toBe(8);
  });

  it("resolves the table per unit, matching concept name and value type together", () => {
    expect(table.acknowledgement).toMatch(/© NEMA/);
    const plan = contentItemPlanOf(compile("ps315.basic", ["ps315.clean-structured-content"]))!;
    expect(plan.release).toBe("2026c");
    expect(contentItemAction(plan, "121106", "DCM", "TEXT")).toBe("X");
    expect(contentItemAction(plan, " 121106 ", "DCM ", "text")).toBe("X");
    expect(contentItemAction(plan, "121106", "SRT", "TEXT")).toBeNull();
    // Finding is listed as TEXT (X/D); a coded Finding is not named, so it is cleaned like any item.
    expect(contentItemAction(plan, "121071", "DCM", "TEXT")).toBe("D");
    expect(contentItemAction(plan, "121071", "DCM", "CODE")).toBeNull();
    // the table's "NCDR [2.0b]": designator NCDR (the version is in (0008,0103))
    expect(contentItemAction(plan, "76", "NCDR", "PNAME")).toBe("D");
    expect(contentItemAction(plan, "15", "NCDR", "DATETIME")).toBe("X");
    expect(contentItemPlanOf(compile("ps315.basic", []))).toBeNull();
    const uids = contentItemPlanOf(compile("ps315.basic", ["ps315.clean-structured-content", "ps315.retain-uids"]))!;
    expect(contentItemAction(uids, "121080", "DCM", "IMAGE")).toBe("K");
  });
});

describe("with `item.` rules that read the code attributes themselves", () => {
  const dir = mkdtempSync(join(tmpdir(), "deidc-content-items-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("still finds each item's concept name", () => {
    const profile = join(dir, "site.deid");
    writeFileSync(
      profile,
      'deid 1\n\nprofile test.items "t"\n  based on ps315.basic\n  with ps315.clean-structured-content\n\nConceptNameCodeSequence/CodeMeaning -> "LOCAL" when item.CodingSchemeDesignator == "99LOCAL" and exists(item.CodeValue)\n',
    );
    const { removed, value } = run(sr(), [], profile);
    expect(removed).toEqual(["(0040,A730)[0] X", "(0040,A730)[2] X", "(0040,A730)[5]/(0040,A730)[0] X"]);
    expect(value("(0040,A730)[2]/(0040,A043)[0]/(0008,0104)")).toBe("LOCAL");
  });
});

describe("deidc explain", () => {
  it("lists the table's rows as they apply, with the unit that decided, only when the option is on", () => {
    const ir = compile("ps315.basic", ["ps315.clean-structured-content", "ps315.retain-longitudinal-modified-dates"]);
    const md = renderExplainMarkdown(ir, explainProgram(ir));
    expect(md).toContain("## Content items by concept name");
    expect(md).toContain("| Accession Number | (121022, DCM) | TEXT | X | `ps315.basic` |");
    expect(md).toContain("| Acquisition Date | (126201, DCM) | DATE | C | `ps315.retain-longitudinal-modified-dates` |");
    const basic = compile("ps315.basic", []);
    expect(renderExplainMarkdown(basic, explainProgram(basic))).not.toContain("Content items by concept name");
  });
});

describe("on a real SR (test-SR.dcm, concept names made DCM codes)", () => {
  warnIfNoCorpus("content items");
  it.skipIf(!CORPUS_DIR)("removes the items by concept and the output still reads", () => {
    const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/test-SR.dcm")));
    // Its DATE, TIME and DATETIME items use private codes 1234.1-1234.3 (99_OFFIS_DCMTK): the same
    // lengths hold Acquisition Date, Time and DateTime (DCM, padded with spaces).
    const patched = Buffer.from(bytes);
    const swap = (from: string, to: string) => {
      const at = patched.indexOf(from, 0, "latin1");
      expect(at).toBeGreaterThan(0);
      patched.write(to.padEnd(from.length, " "), at, "latin1");
    };
    swap("1234.1", "126201");
    swap("1234.2", "126202");
    swap("1234.3", "130884");
    for (let at = patched.indexOf("99_OFFIS_DCMTK", 0, "latin1"), n = 0; at >= 0 && n < 3; n++) {
      // the scheme right after each swapped code value
      at = patched.indexOf("99_OFFIS_DCMTK", patched.indexOf(["126201", "126202", "130884"][n]!, 0, "latin1"), "latin1");
      patched.write("DCM".padEnd(14, " "), at, "latin1");
    }
    const removedDates = run(new Uint8Array(patched), ["ps315.clean-structured-content"]);
    expect(removedDates.removed).toEqual(["(0040,A730)[3]/(0040,A730)[0] X", "(0040,A730)[3]/(0040,A730)[1] X", "(0040,A730)[3]/(0040,A730)[2] X"]);
    expect(readWithDcmjs(removedDates.output)).toBeTruthy();
    const kept = run(new Uint8Array(patched), ["ps315.clean-structured-content", "ps315.retain-longitudinal-full-dates"]);
    expect(kept.removed).toEqual([]);
    const original = walkBytes(bytes).elements.find((e) => e.path === "(0040,A730)[3]/(0040,A730)[0]/(0040,A121)")?.text;
    expect(kept.value("(0040,A730)[3]/(0040,A730)[0]/(0040,A121)")).toBe(original);
  });
});
