// Private Data Element Characteristics Sequence (0008,0300): under the Retain Safe Private Option
// (`private * -> C`), an object's own declaration of its private blocks decides what C keeps
// (PS3.15 E.3.10, PS3.3 C.12.1.1.7); without the option, or for an undeclared block, private
// attributes go as before.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DicomCursor, openCursor, readPart10, TokenKind } from "../../src/runtime/dicom";
import { PrivateDeclarations } from "../../src/runtime/executor/private-declarations";
import { assertValidReportLine } from "../run/helpers";
import { TS_IMPLICIT_LE, buildDataset, buildPart10, compile, CORPUS_DIR, executorFor, HAVE_DCMDUMP, indexOfBytes, readWithDcmjs, walkBytes, warnIfNoCorpus, type BuiltElement } from "./helpers";

const SC = "1.2.840.10008.5.1.4.1.1.7";
const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });
const us = (tag: number, ...values: number[]): BuiltElement => ({ tag, vr: "US", bytes: new Uint8Array(Uint16Array.from(values).buffer) });
const sq = (tag: number, ...items: BuiltElement[][]): BuiltElement => ({ tag, vr: "SQ", items });

/** One item of (0008,0300): the block, its status, its safe elements and its actions. */
function declaration(group: number, creator: string, status: string, safe: number[] = [], actions: [string, ...number[]][] = []): BuiltElement[] {
  const item: BuiltElement[] = [us(0x00080301, group), text(0x00080302, "LO", creator), text(0x00080303, "CS", status)];
  if (safe.length > 0) item.push(us(0x00080304, ...safe));
  if (actions.length > 0) item.push(sq(0x00080305, ...actions.map(([action, ...elements]) => [us(0x00080306, ...elements), text(0x00080307, "CS", action)])));
  return item;
}

/** A small object with three ACME blocks in group 0029 (slots 10, 11, 12) and the declarations given. */
function acme(declarations: BuiltElement[][]): Uint8Array {
  return buildPart10([
    text(0x00080016, "UI", SC),
    text(0x00080018, "UI", "1.2.3.30"),
    text(0x00080060, "CS", "OT"),
    ...(declarations.length > 0 ? [sq(0x00080300, ...declarations)] : []),
    text(0x00100010, "PN", "Doe^John"),
    text(0x00100020, "LO", "PID12345"),
    text(0x00290010, "LO", "ACME SAFE BLOCK"),
    text(0x00290011, "LO", "ACME MIXED BLOCK"),
    text(0x00290012, "LO", "ACME UNDECLARED"),
    text(0x00291001, "DS", "1.25"),
    text(0x00291002, "LO", "harmless protocol"),
    text(0x00291101, "DS", "2.5"),
    text(0x00291102, "LO", "operator smith"),
    text(0x00291103, "UI", "1.2.840.99.1.2.3"),
    text(0x00291104, "LO", "room 12"),
    text(0x00291105, "LO", "ward 7 notes"),
    text(0x00291201, "LO", "undeclared secret"),
  ]);
}

function run(bytes: Uint8Array, options: string[] = ["ps315.retain-safe-private"]) {
  const result = executorFor(compile("ps315.basic", options)).process(bytes, "declared.dcm");
  expect(result.record.reason).toBeUndefined();
  expect(result.record.outcome).toBe("written");
  const output = result.output!;
  const { elements } = walkBytes(output);
  const privateTop = elements.filter((e) => (e.tag >>> 16) & 1 && !e.path.includes("/")).map((e) => e.path);
  const actions = new Map(result.record.touched.map((t) => [t.path, t.action]));
  const contains = (s: string): boolean => indexOfBytes(output, new TextEncoder().encode(s)) >= 0;
  // what the report would say of it, paths inside kept private sequences included
  assertValidReportLine({ ...result.record, output: "out.dcm" }, "the record");
  return { result, output, elements, privateTop, actions, contains };
}

const MIXED = declaration(0x0029, "ACME MIXED BLOCK", "MIXED", [0x01], [["D", 0x02], ["U", 0x03], ["Z", 0x04]]);

describe("Private Data Element Characteristics Sequence under ps315.retain-safe-private", () => {
  it("keeps a block declared SAFE whole, with its creator, and records each element as C/K", () => {
    const { privateTop, actions, contains } = run(acme([declaration(0x0029, "ACME SAFE BLOCK", "SAFE")]));
    expect(privateTop).toEqual(["(0029,0010)", '(0029,"ACME SAFE BLOCK",01)', '(0029,"ACME SAFE BLOCK",02)']);
    expect(actions.get('(0029,"ACME SAFE BLOCK",01)')).toBe("C/K");
    expect(actions.get('(0029,"ACME SAFE BLOCK",02)')).toBe("C/K");
    for (const s of ["operator smith", "undeclared secret", "ACME MIXED", "ACME UNDECLARED"]) expect(contains(s)).toBe(false);
    // undeclared blocks go as before: X, not C/X
    expect(actions.get('(0029,"ACME UNDECLARED",01)')).toBe("X");
  });

  it("in a MIXED block keeps the listed elements, applies each Deidentification Action and removes the rest", () => {
    const { elements, privateTop, actions, contains, result } = run(acme([MIXED]));
    expect(privateTop).toEqual([
      "(0029,0011)",
      '(0029,"ACME MIXED BLOCK",01)',
      '(0029,"ACME MIXED BLOCK",02)',
      '(0029,"ACME MIXED BLOCK",03)',
      '(0029,"ACME MIXED BLOCK",04)',
    ]);
    const value = (path: string) => elements.find((e) => e.path === path)?.text;
    expect(value('(0029,"ACME MIXED BLOCK",01)')).toBe("2.5");
    expect(value('(0029,"ACME MIXED BLOCK",02)')).not.toContain("smith");
    expect(value('(0029,"ACME MIXED BLOCK",03)')).toMatch(/^2\.25\.\d+$/);
    expect(value('(0029,"ACME MIXED BLOCK",04)')).toBe("");
    expect([...actions].filter(([path]) => path.includes("MIXED"))).toEqual([
      ['(0029,"ACME MIXED BLOCK",01)', "C/K"],
      ['(0029,"ACME MIXED BLOCK",02)', "C/D"],
      ['(0029,"ACME MIXED BLOCK",03)', "C/U"],
      ['(0029,"ACME MIXED BLOCK",04)', "C/Z"],
      ['(0029,"ACME MIXED BLOCK",05)', "C/X"],
    ]);
    for (const s of ["operator smith", "1.2.840.99.1.2.3", "room 12", "ward 7", "harmless protocol"]) expect(contains(s)).toBe(false);
    expect(result.record.warnings).toEqual([]);
  });

  it("in an implicit VR object (private values read as UN) replaces a UID under U, and removes a value that is not one", () => {
    const elements = [
      text(0x00080016, "UI", SC),
      text(0x00080018, "UI", "1.2.3.32"),
      sq(0x00080300, declaration(0x0029, "ACME MIXED BLOCK", "MIXED", [], [["U", 0x03, 0x04, 0x05]])),
      text(0x00290011, "LO", "ACME MIXED BLOCK"),
      text(0x00291103, "UI", "1.2.840.99.1.2.3"),
      text(0x00291104, "LO", "room 12"),
      // two UIDs, the first padded inside the value: each is replaced, as on the UI path
      { tag: 0x00291105, vr: "UN", bytes: new TextEncoder().encode("1.2.840.99.5\u0000\\1.2.840.99.6 ") },
    ];
    const implicit = run(buildPart10(elements, TS_IMPLICIT_LE));
    expect(walkBytes(buildPart10(elements, TS_IMPLICIT_LE)).elements.find((e) => e.tag === 0x00291103)?.vr).toBe("UN");
    expect(implicit.actions.get('(0029,"ACME MIXED BLOCK",03)')).toBe("C/U");
    expect(implicit.actions.get('(0029,"ACME MIXED BLOCK",04)')).toBe("C/X");
    expect(implicit.contains("1.2.840.99.1.2.3")).toBe(false);
    expect(implicit.contains("room 12")).toBe(false);
    expect(implicit.actions.get('(0029,"ACME MIXED BLOCK",05)')).toBe("C/U");
    for (const uid of ["1.2.840.99.5", "1.2.840.99.6"]) expect(implicit.contains(uid)).toBe(false);
    // the same replacement as in explicit VR, where the element is read as UI
    const explicit = run(buildPart10(elements));
    const uid = (r: ReturnType<typeof run>) => r.elements.find((e) => e.path === '(0029,"ACME MIXED BLOCK",03)');
    expect(explicit.actions.get('(0029,"ACME MIXED BLOCK",03)')).toBe("C/U");
    const written = uid(implicit)!;
    expect(new TextDecoder().decode(walkBytes(implicit.output).file.dataset.subarray(written.start, written.end)).replace(/\0+$/, "")).toBe(uid(explicit)!.text);
  });

  it("believes an UNSAFE status over a Nonidentifying Private Elements list", () => {
    const { privateTop, actions } = run(acme([declaration(0x0029, "ACME MIXED BLOCK", "UNSAFE", [0x01, 0x05])]));
    expect(privateTop).toEqual([]);
    expect(actions.get('(0029,"ACME MIXED BLOCK",01)')).toBe("C/X");
  });

  it("an action contradicting SAFE or the safe list wins", () => {
    const { privateTop, actions } = run(acme([declaration(0x0029, "ACME SAFE BLOCK", "SAFE", [], [["X", 0x02]])]));
    expect(privateTop).toEqual(["(0029,0010)", '(0029,"ACME SAFE BLOCK",01)']);
    expect(actions.get('(0029,"ACME SAFE BLOCK",02)')).toBe("C/X");
  });

  it("ignores an item it cannot read whole, and a block declared twice, with a warning each", () => {
    const { privateTop, result } = run(
      acme([
        [us(0x00080301, 0x0029), text(0x00080302, "LO", "ACME SAFE BLOCK")],
        declaration(0x0029, "ACME MIXED BLOCK", "SAFE"),
        declaration(0x0029, "ACME MIXED BLOCK", "MIXED", [0x01]),
        declaration(0x0029, "ACME UNDECLARED", "MIXED", [], [["K", 0x01]]),
        declaration(0x0028, "ACME UNDECLARED", "SAFE"),
      ]),
    );
    expect(privateTop).toEqual([]);
    expect(result.record.warnings).toEqual([
      "Private Data Element Characteristics Sequence (0008,0300) item 1 ignored (Block Identifying Information Status (0008,0303) is not SAFE, MIXED or UNSAFE): the private attributes it describes are removed",
      'Private Data Element Characteristics Sequence (0008,0300) item 3 ignored (block (0029,"ACME MIXED BLOCK") is declared more than once): the private attributes it describes are removed',
      "Private Data Element Characteristics Sequence (0008,0300) item 4 ignored (a Deidentification Action (0008,0307) that is not D, Z, X or U): the private attributes it describes are removed",
      "Private Data Element Characteristics Sequence (0008,0300) item 5 ignored (no odd Private Group Reference (0008,0301)): the private attributes it describes are removed",
    ]);
  });

  it("is not consulted without the option: ps315.basic removes every private attribute", () => {
    const { privateTop, actions, result } = run(acme([declaration(0x0029, "ACME SAFE BLOCK", "SAFE"), MIXED]), []);
    expect(privateTop).toEqual([]);
    expect(actions.get('(0029,"ACME SAFE BLOCK",01)')).toBe("X");
    expect(result.record.warnings).toEqual([]);
  });

  it("keeps a private sequence of a SAFE block and judges what it holds on its own merits", () => {
    const input = buildPart10([
      text(0x00080016, "UI", SC),
      text(0x00080018, "UI", "1.2.3.31"),
      sq(0x00080300, declaration(0x0029, "ACME SAFE BLOCK", "SAFE"), declaration(0x0029, "ACME MIXED BLOCK", "MIXED", [], [["U", 0x01]])),
      text(0x00290010, "LO", "ACME SAFE BLOCK"),
      text(0x00290011, "LO", "ACME MIXED BLOCK"),
      sq(0x00291001, [text(0x00100010, "PN", "Hidden^Name"), text(0x00180050, "DS", "2.5")]),
      sq(0x00291101, [text(0x00180050, "DS", "3.5")]),
    ]);
    const { elements, actions, contains } = run(input);
    // U has no meaning for a sequence: removed, and recorded as the declaration's doing
    expect(actions.get('(0029,"ACME MIXED BLOCK",01)')).toBe("C/X");
    expect(elements.some((e) => e.path.startsWith('(0029,"ACME MIXED BLOCK"'))).toBe(false);
    expect(actions.get('(0029,"ACME SAFE BLOCK",01)')).toBe("C/K");
    expect(elements.find((e) => e.path === '(0029,"ACME SAFE BLOCK",01)')?.kind).toBe(TokenKind.Sequence);
    expect(elements.find((e) => e.path === '(0029,"ACME SAFE BLOCK",01)[0]/(0018,0050)')?.text).toBe("2.5");
    expect(contains("Hidden")).toBe(false);
  });
});

describe("PrivateDeclarations.read", () => {
  it("matches creators as the cursor names them (padding and leading spaces dropped)", () => {
    const dataset = buildDataset([sq(0x00080300, declaration(0x0029, "  ACME SAFE BLOCK ", "SAFE"))]);
    const cursor = new DicomCursor(dataset, { littleEndian: true, explicitVr: true });
    expect(cursor.next()).toBe(true);
    const declarations = PrivateDeclarations.read(cursor);
    expect(declarations.actionFor(0x0029, "ACME SAFE BLOCK", 0x01)).toBe("K");
    expect(declarations.actionFor(0x0029, "ACME OTHER", 0x01)).toBeNull();
  });
});

describe("on a real object (CT_small, GE private blocks)", () => {
  warnIfNoCorpus("private declarations");
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it.skipIf(!CORPUS_DIR)("keeps the declared GE blocks, applies the actions, and the output still reads", () => {
    const original = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
    // (0008,0300) spliced in before the first top-level element that follows it in tag order.
    const file = readPart10(original);
    const cursor = openCursor(file);
    let at = -1;
    while (cursor.next()) {
      if (cursor.depth === 0 && cursor.tag > 0x00080300) {
        at = cursor.headerOffset;
        break;
      }
    }
    const sequence = buildDataset([
      sq(
        0x00080300,
        declaration(0x0009, "GEMS_IDEN_01", "SAFE"),
        declaration(0x0021, "GEMS_RELA_01", "MIXED", [0x03, 0x05], [["D", 0x4a], ["Z", 0x18]]),
        declaration(0x0011, "GEMS_PATI_01", "UNSAFE", [0x10]),
      ),
    ]);
    const start = file.datasetOffset + at;
    const input = new Uint8Array(original.length + sequence.length);
    input.set(original.subarray(0, start));
    input.set(sequence, start);
    input.set(original.subarray(start), start + sequence.length);

    const before = walkBytes(input).elements.filter((e) => e.path.startsWith('(0009,"GEMS_IDEN_01"'));
    expect(before.length).toBe(9);
    const { privateTop, actions, output } = run(input);
    expect(privateTop.filter((p) => p.startsWith('(0009,"GEMS_IDEN_01"'))).toEqual(before.map((e) => e.path));
    expect(privateTop.filter((p) => p.startsWith('(0021,"GEMS_RELA_01"'))).toEqual(['(0021,"GEMS_RELA_01",03)', '(0021,"GEMS_RELA_01",05)', '(0021,"GEMS_RELA_01",18)', '(0021,"GEMS_RELA_01",4A)']);
    expect(actions.get('(0021,"GEMS_RELA_01",4A)')).toBe("C/D");
    expect(actions.get('(0021,"GEMS_RELA_01",07)')).toBe("C/X");
    expect(privateTop.filter((p) => p.startsWith('(0011,'))).toEqual([]);
    // Undeclared: only Table E.3.10-1's GEMS_ACQU_01 elements, as without a declaration.
    expect(privateTop.filter((p) => p.startsWith('(0019,"GEMS_ACQU_01"'))).toEqual(run(original).privateTop.filter((p) => p.startsWith('(0019,"GEMS_ACQU_01"')));
    expect(privateTop).toContain("(0009,0010)");
    expect(privateTop).toContain("(0021,0010)");

    expect(readWithDcmjs(output)).toBeTruthy();
    if (HAVE_DCMDUMP) {
      const dir = mkdtempSync(join(tmpdir(), "deidc-declared-"));
      made.push(dir);
      writeFileSync(join(dir, "out.dcm"), output);
      const dump = spawnSync("dcmdump", ["-q", join(dir, "out.dcm")], { encoding: "utf8" });
      expect(dump.status, dump.stderr).toBe(0);
      expect(dump.stdout).toContain("GEMS_IDEN_01");
    }
  });
});
