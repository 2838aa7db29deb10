// `item.X` in rule conditions and values: the attribute of the dataset that
// directly contains the element being decided. Constructed objects whose
// sequence items differ in the sibling attribute, run through the interpreter
// and the generated plan, which must agree byte for byte.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { IrExpr, IrProgram } from "../../src/ir/types";
import { createExecutor } from "../../src/runtime/executor";
import type { ExecutorEnvironment, ObjectResult } from "../../src/runtime/executor/types";
import { generatePlanModule } from "../../src/codegen/generate";
import { RUNTIME, evaluateGenerated, expectSameResult } from "../codegen/helpers";
import { COMPILER_VERSION } from "../../src/ir/build";
import { TS_IMPLICIT_LE, buildPart10, walkBytes, type BuiltElement } from "./helpers";

const generate = (ir: IrProgram): string => generatePlanModule(ir, { runtimeImport: RUNTIME, deidcVersion: COMPILER_VERSION });
const KEY = new TextEncoder().encode("item scope test key");
const HEADER = 'deid 1\n\nprofile t.item "item scope"\n\nsecret key from env DEID_KEY\n\n';
const dir = mkdtempSync(join(tmpdir(), "deidc-item-"));
let count = 0;

function compileText(text: string): IrProgram {
  const path = join(dir, `p${count++}.deid`);
  writeFileSync(path, text);
  const result = compileProfile(path);
  if (!result.ir) throw new Error(`does not compile: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}\n${text}`);
  return result.ir;
}

/** Runs `rules` on `bytes` through the interpreter and the generated plan; returns the output's elements by path. */
function runBoth(rules: string, bytes: Uint8Array): Map<string, string | null> {
  const ir = compileText(HEADER + rules);
  const environment: ExecutorEnvironment = { secrets: new Map([["key", KEY]]), params: new Map(), tables: new Map() };
  const interpreted: ObjectResult = createExecutor(ir, environment).process(bytes, "item.dcm");
  const generated = evaluateGenerated(ir).createProcessor(environment).process(bytes, "item.dcm");
  expectSameResult(generated, interpreted, rules);
  expect(interpreted.record.outcome, interpreted.record.reason).toBe("written");
  return new Map(walkBytes(interpreted.output!).elements.map((e) => [e.path, e.text]));
}

const SC = "1.2.840.10008.5.1.4.1.1.7";
const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });
const PATIENT_ID = 0x00100020;
const ISSUER = 0x00100021;
const TYPE_OF_ID = 0x00100022;
const OTHER_IDS = 0x00101002;
const VALUE_TYPE = 0x0040a040;
const TEXT_VALUE = 0x0040a160;
const CONTENT = 0x0040a730;

function object(definedLength: boolean, ...extra: BuiltElement[]): BuiltElement[] {
  return [
    text(0x00080016, "UI", SC),
    text(0x00080018, "UI", "1.2.826.0.1.3680043.2.1125.7"),
    text(0x00080060, "CS", "OT"),
    text(PATIENT_ID, "LO", "TOP-ID"),
    text(TYPE_OF_ID, "CS", "TOPTYPE"),
    {
      tag: OTHER_IDS,
      vr: "SQ",
      definedLength,
      // Type of Patient ID (0010,0022) comes after Patient ID (0010,0020): the item is read ahead.
      items: [
        [text(PATIENT_ID, "LO", "ID-A"), text(ISSUER, "LO", "ISS-A"), text(TYPE_OF_ID, "CS", "TEXT")],
        [text(PATIENT_ID, "LO", "ID-B"), text(ISSUER, "LO", "ISS-B"), text(TYPE_OF_ID, "CS", "RFID")],
        [text(PATIENT_ID, "LO", "ID-C"), text(ISSUER, "LO", "ISS-C")],
      ],
    },
    ...extra,
  ];
}

/** An SR-like content tree: items of a sequence, nested two deep, whose Value Type differs. */
function contentTree(definedLength: boolean): BuiltElement {
  const node = (type: string, value: string, ...children: BuiltElement[][]): BuiltElement[] => [
    text(VALUE_TYPE, "CS", type),
    text(TEXT_VALUE, "UT", value),
    ...(children.length ? [{ tag: CONTENT, vr: "SQ" as const, definedLength, items: children }] : []),
  ];
  return {
    tag: CONTENT,
    vr: "SQ",
    definedLength,
    items: [node("CONTAINER", "root text", node("TEXT", "Dr Smith said", node("CODE", "child code")), node("NUM", "12")), node("TEXT", "second text")],
  };
}

const OTHER_ID_RULES =
  'OtherPatientIDsSequence/PatientID -> "GONE" when item.TypeOfPatientID == "TEXT"\n' +
  'OtherPatientIDsSequence/IssuerOfPatientID -> "UNTYPED" when not exists(item.TypeOfPatientID)\n' +
  'PatientID -> "TOP" when item.TypeOfPatientID == "TOPTYPE"\n';

describe("item.X reads the dataset that contains the element", () => {
  for (const [name, definedLength, transferSyntax] of [
    ["undefined lengths, explicit VR", false, undefined],
    ["defined lengths, explicit VR", true, undefined],
    ["defined lengths, implicit VR", true, TS_IMPLICIT_LE],
  ] as const) {
    it(`decides each item by its own sibling attribute (${name})`, () => {
      const after = runBoth(OTHER_ID_RULES, buildPart10(object(definedLength), transferSyntax));
      expect(after.get("(0010,1002)[0]/(0010,0020)")).toBe("GONE");
      expect(after.get("(0010,1002)[1]/(0010,0020)")).toBe("ID-B");
      expect(after.get("(0010,1002)[2]/(0010,0020)")).toBe("ID-C");
      expect(after.get("(0010,1002)[0]/(0010,0021)")).toBe("ISS-A");
      expect(after.get("(0010,1002)[1]/(0010,0021)")).toBe("ISS-B");
      expect(after.get("(0010,1002)[2]/(0010,0021)")).toBe("UNTYPED");
      // A top-level element's item is the top level.
      expect(after.get("(0010,0020)")).toBe("TOP");
    });

    it(`follows nested items of a content tree (${name})`, () => {
      const after = runBoth('ContentSequence/**/TextValue -> "CLEANED" when item.ValueType == "TEXT"\n', buildPart10(object(definedLength, contentTree(definedLength)), transferSyntax));
      expect(after.get("(0040,A730)[0]/(0040,A160)")).toBe("root text");
      expect(after.get("(0040,A730)[0]/(0040,A730)[0]/(0040,A160)")).toBe("CLEANED");
      expect(after.get("(0040,A730)[0]/(0040,A730)[0]/(0040,A730)[0]/(0040,A160)")).toBe("child code");
      expect(after.get("(0040,A730)[0]/(0040,A730)[1]/(0040,A160)")).toBe("12");
      expect(after.get("(0040,A730)[1]/(0040,A160)")).toBe("CLEANED");
    });
  }

  it("reads the items of a sequence written as a defined-length UN value", () => {
    const elements = object(true).map((e) => (e.tag === OTHER_IDS && "items" in e ? { ...e, vr: "UN" as const } : e));
    const after = runBoth(OTHER_ID_RULES, buildPart10(elements));
    expect(after.get("(0010,1002)[0]/(0010,0020)")).toBe("GONE");
    expect(after.get("(0010,1002)[1]/(0010,0020)")).toBe("ID-B");
    expect(after.get("(0010,1002)[2]/(0010,0021)")).toBe("UNTYPED");
  });

  it("reads item attributes in values, and sees an attribute absent where the item lacks it", () => {
    const after = runBoth('OtherPatientIDsSequence/IssuerOfPatientID -> format("{}:{}", item.PatientID, item.TypeOfPatientID)\n', buildPart10(object(false)));
    expect(after.get("(0010,1002)[0]/(0010,0021)")).toBe("ID-A:TEXT");
    expect(after.get("(0010,1002)[1]/(0010,0021)")).toBe("ID-B:RFID");
    expect(after.get("(0010,1002)[2]/(0010,0021)")).toBe("ID-C:");
  });

  it("keeps plain and root. reads on the top level inside items", () => {
    const after = runBoth('OtherPatientIDsSequence/PatientID -> "TOPREAD" when TypeOfPatientID == "TOPTYPE" and root.PatientID == "TOP-ID"\n', buildPart10(object(false)));
    for (const i of [0, 1, 2]) expect(after.get(`(0010,1002)[${i}]/(0010,0020)`)).toBe("TOPREAD");
  });

  it("a removed sequence's items are never asked for, and later items still are", () => {
    // Referenced Study Sequence (0008,1110) comes before the other IDs and is removed unread.
    const referenced: BuiltElement = { tag: 0x00081110, vr: "SQ", items: [[text(0x00081150, "UI", "1.2.3"), text(TYPE_OF_ID, "CS", "RFID")], [text(0x00081155, "UI", "1.2.4")]] };
    const rules = 'ReferencedStudySequence -> X\nOtherPatientIDsSequence/PatientID -> "GONE" when item.TypeOfPatientID == "RFID"\n';
    const after = runBoth(rules, buildPart10(object(false, referenced)));
    expect(after.has("(0008,1110)")).toBe(false);
    expect(after.get("(0010,1002)[0]/(0010,0020)")).toBe("ID-A");
    expect(after.get("(0010,1002)[1]/(0010,0020)")).toBe("GONE");
    expect(after.get("(0010,1002)[2]/(0010,0020)")).toBe("ID-C");
  });

  it("marks item reads in the IR and the generated code, and scans items only when a rule uses item.", () => {
    const ir = compileText(HEADER + OTHER_ID_RULES);
    const when = ir.rules.find((r) => r.when !== null)!.when!;
    const reads: IrExpr[] = [];
    const collect = (e: IrExpr): void => {
      if (e.kind === "attr") reads.push(e);
      if (e.kind === "binary") [e.left, e.right].forEach(collect);
    };
    collect(when);
    expect(reads).toContainEqual({ kind: "attr", tag: "00100022", keyword: "TypeOfPatientID", item: true });
    const source = generate(ir);
    expect(source).toContain("ctx.itemAttr(0x00100022");
    expect(source).toMatch(/itemTags: new Set<number>\(\[[^\]]*0x00100022/);
    expect(generate(compileText(HEADER + 'PatientID -> "X" when TypeOfPatientID == "A"\n'))).toContain("itemTags: null");
  });
});
