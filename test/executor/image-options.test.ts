// The Clean Pixel Data and Clean Recognizable Visual Features Options promise NO in Burned In
// Annotation (0028,0301) and Recognizable Visual Features (0028,0302) of every output (PS3.15
// E.3.1, E.3.2). The executor keeps the promise where the object gives no reason to doubt it, and
// quarantines an object that says YES when the profile did nothing about it. Every case runs
// through the executor and a generated plan (one semantics).

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { optionMarkersOf, renderExplainMarkdown } from "../../src/cli/explain";
import { explainProgram } from "../../src/ir/explain";
import type { IrProgram } from "../../src/ir/types";
import type { ObjectResult } from "../../src/runtime/executor/types";
import { evaluateGenerated, expectSameResult } from "../codegen/helpers";
import { assertValidReportLine } from "../run/helpers";
import { CORPUS_DIR, HAVE_DCMDUMP, buildPart10, compile, dcmdumpFailures, executorFor, warnIfNoCorpus, TEST_KEY, topLevelCodes, topLevelTexts, topLevelValue, walkBytes, type BuiltElement } from "./helpers";

warnIfNoCorpus("executor/image-options");

const BURNED_IN = 0x00280301;
const VISUAL_FEATURES = 0x00280302;
const PIXEL_DATA = 0x7fe00010;

const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });
const us = (tag: number, value: number): BuiltElement => ({ tag, vr: "US", bytes: Uint8Array.of(value & 0xff, value >> 8) });
const PIXELS = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);

/** A 4 x 4, 8-bit Secondary Capture image, with `extra` at its top level. */
function image(instance: string, ...extra: BuiltElement[]): Uint8Array {
  return buildPart10([
    text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.7"),
    text(0x00080018, "UI", instance),
    text(0x00080060, "CS", "OT"),
    text(0x00100010, "PN", "Doe^Jane"),
    us(0x00280002, 1),
    text(0x00280004, "CS", "MONOCHROME2"),
    us(0x00280010, 4),
    us(0x00280011, 4),
    us(0x00280100, 8),
    us(0x00280101, 8),
    us(0x00280102, 7),
    us(0x00280103, 0),
    ...extra,
    { tag: PIXEL_DATA, vr: "OB", bytes: PIXELS },
  ]);
}

/** An Encapsulated PDF's top level (no pixel data; Burned In Annotation is part of its module). */
function document(instance: string, burnedIn: string): Uint8Array {
  return buildPart10([
    text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.104.1"),
    text(0x00080018, "UI", instance),
    text(0x00080060, "CS", "DOC"),
    text(0x00100010, "PN", "Doe^Jane"),
    text(BURNED_IN, "CS", burnedIn),
    text(0x00420012, "LO", "application/pdf"),
  ]);
}

let dir: string | undefined;
/** A site profile based on ps315.basic with `body`, compiled. */
function site(name: string, body: string, options: string[]): IrProgram {
  dir ??= mkdtempSync(join(tmpdir(), "deidc-image-options-"));
  const path = join(dir, `${name}.deid`);
  writeFileSync(path, `deid 1\n\nprofile test.${name} "test"\n  based on ps315.basic\n  with ${options.join(", ")}\n\n${body}\n`);
  return compile(path);
}
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The object through the executor and a generated plan, which must agree; the record is a valid report line. */
function run(ir: IrProgram, input: Uint8Array): ObjectResult {
  const interpreted = executorFor(ir).process(input, "image.dcm");
  const env = { secrets: new Map(), params: new Map(), tables: new Map(), runKey: TEST_KEY };
  expectSameResult(evaluateGenerated(ir).createProcessor(env).process(input, "image.dcm"), interpreted, "image.dcm");
  assertValidReportLine(interpreted.record.outcome === "written" ? { ...interpreted.record, output: "image.dcm" } : interpreted.record);
  return interpreted;
}

function written(result: ObjectResult): { values: Map<number, string>; codes: string[]; pixels: Uint8Array | undefined } {
  expect(result.record.outcome, result.record.reason).toBe("written");
  const { file } = walkBytes(result.output!);
  return { values: topLevelTexts(file), codes: topLevelCodes(file, 0x00120064).map((c) => c.value), pixels: topLevelValue(file, PIXEL_DATA) };
}

const touchedAt = (result: ObjectResult, path: string) => result.record.touched.filter((t) => t.path === path);

describe("Clean Pixel Data Option: Burned In Annotation (0028,0301) NO", () => {
  const ir = compile("ps315.basic", ["ps315.clean-pixel-data"]);

  it("is added to an image that lacks it, recorded as set by the option", () => {
    const result = run(ir, image("1.2.3.1"));
    const out = written(result);
    expect(out.values.get(BURNED_IN)).toBe("NO");
    expect(out.codes).toContain("113101");
    const [set] = touchedAt(result, "(0028,0301)");
    expect(set?.action).toBe("set");
    expect(set?.rule?.file).toMatch(/clean-pixel-data\.deid$/);
  });

  it("replaces NO, and an empty value, with NO", () => {
    expect(written(run(ir, image("1.2.3.2", text(BURNED_IN, "CS", "NO")))).values.get(BURNED_IN)).toBe("NO");
    expect(written(run(ir, image("1.2.3.3", text(BURNED_IN, "CS", "")))).values.get(BURNED_IN)).toBe("NO");
  });

  it("quarantines an image that says YES when no `pixels complete` block applies, writing nothing", () => {
    for (const value of ["YES", "yes "]) {
      const result = run(ir, image("1.2.3.4", text(BURNED_IN, "CS", value)));
      expect(result.record.outcome).toBe("quarantined");
      expect(result.output).toBeNull();
      expect(result.record.reason).toMatch(/Burned In Annotation \(0028,0301\) is YES.*`pixels complete`/);
      expect(result.record.rule?.file).toMatch(/clean-pixel-data\.deid$/);
      expect(result.record.touched).toEqual([]);
    }
  });

  it("writes an image that says YES when a `pixels complete` block applies, NO set by the block", () => {
    const withBlock = site("complete", `pixels complete when Modality == "OT" because "the only text: top row" {\n  blank (0, 0, Columns, 1)\n}`, ["ps315.clean-pixel-data"]);
    const result = run(withBlock, image("1.2.3.5", text(BURNED_IN, "CS", "YES")));
    const out = written(result);
    expect(out.values.get(BURNED_IN)).toBe("NO");
    expect([...out.pixels!.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    const sets = touchedAt(result, "(0028,0301)");
    expect(sets).toHaveLength(1);
    expect(sets[0]!.rule?.file).toMatch(/complete\.deid$/);
  });

  it("quarantines it when the block that fills pixels does not say `complete`", () => {
    const partial = site("partial", `pixels when Modality == "OT" because "top row" {\n  blank (0, 0, Columns, 1)\n}`, ["ps315.clean-pixel-data"]);
    expect(run(partial, image("1.2.3.6", text(BURNED_IN, "CS", "YES"))).record.outcome).toBe("quarantined");
  });

  it("writes it when the profile removes the Pixel Data, with NO", () => {
    const removing = site("no-pixels", `PixelData -> remove because "headers only"`, ["ps315.clean-pixel-data"]);
    const out = written(run(removing, image("1.2.3.7", text(BURNED_IN, "CS", "YES"))));
    expect(out.values.get(BURNED_IN)).toBe("NO");
    expect(out.pixels).toBeUndefined();
  });

  it("wins over a site rule for the attribute", () => {
    const removing = site("remove-burned", `BurnedInAnnotation -> remove because "a test of precedence"`, ["ps315.clean-pixel-data"]);
    expect(written(run(removing, image("1.2.3.8", text(BURNED_IN, "CS", "NO")))).values.get(BURNED_IN)).toBe("NO");
  });

  it("is replaced in an encapsulated document that has it, and quarantines one that says YES", () => {
    expect(written(run(ir, document("1.2.3.9", "NO"))).values.get(BURNED_IN)).toBe("NO");
    expect(run(ir, document("1.2.3.10", "YES")).record.outcome).toBe("quarantined");
  });

  it("is not added to an object without pixel data", () => {
    const input = buildPart10([text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.88.11"), text(0x00080018, "UI", "1.2.3.11"), text(0x00080060, "CS", "SR")]);
    const result = run(ir, input);
    expect(written(result).values.has(BURNED_IN)).toBe(false);
    expect(touchedAt(result, "(0028,0301)")).toEqual([]);
  });

  it("without the option, YES stays YES and the object is written", () => {
    const out = written(run(compile("ps315.basic"), image("1.2.3.12", text(BURNED_IN, "CS", "YES"))));
    expect(out.values.get(BURNED_IN)).toBe("YES");
    expect(out.codes).not.toContain("113101");
  });
});

describe("Clean Recognizable Visual Features Option: Recognizable Visual Features (0028,0302) NO", () => {
  const ir = compile("ps315.basic", ["ps315.clean-recognizable-visual-features"]);

  it("is added to an image that lacks it and replaces NO, with the option's code", () => {
    for (const extra of [[], [text(VISUAL_FEATURES, "CS", "NO")]]) {
      const result = run(ir, image("1.2.3.20", ...extra));
      const out = written(result);
      expect(out.values.get(VISUAL_FEATURES)).toBe("NO");
      expect(out.codes).toContain("113102");
      expect(touchedAt(result, "(0028,0302)")[0]?.rule?.file).toMatch(/clean-recognizable-visual-features\.deid$/);
      // No Burned In Annotation claim without the Clean Pixel Data Option.
      expect(out.values.has(BURNED_IN)).toBe(false);
    }
  });

  it("quarantines an image that says YES when no `pixels` block changes it", () => {
    const result = run(ir, image("1.2.3.21", text(VISUAL_FEATURES, "CS", "YES")));
    expect(result.record.outcome).toBe("quarantined");
    expect(result.record.reason).toMatch(/Recognizable Visual Features \(0028,0302\) is YES.*does not find faces/);
    const nothingFilled = site("frames-past", `pixels when Modality == "OT" because "frames past the last" {\n  blank (0, 0, 2, 2) frames 5\n}`, ["ps315.clean-recognizable-visual-features"]);
    expect(run(nothingFilled, image("1.2.3.22", text(VISUAL_FEATURES, "CS", "YES"))).record.outcome).toBe("quarantined");
  });

  it("writes an image that says YES when a `pixels` block covers part of it, with NO", () => {
    const covering = site("eyes", `pixels when Modality == "OT" because "a bar across the eyes" {\n  blank (0, 1, Columns, 2)\n}`, ["ps315.clean-recognizable-visual-features"]);
    const out = written(run(covering, image("1.2.3.23", text(VISUAL_FEATURES, "CS", "YES"))));
    expect(out.values.get(VISUAL_FEATURES)).toBe("NO");
    expect([...out.pixels!]).toEqual([100, 101, 102, 103, 0, 0, 0, 0, 0, 0, 0, 0, 112, 113, 114, 115]);
  });

  it("both options together set both attributes", () => {
    const both = compile("ps315.basic", ["ps315.clean-pixel-data", "ps315.clean-recognizable-visual-features"]);
    const out = written(run(both, image("1.2.3.24")));
    expect([out.values.get(BURNED_IN), out.values.get(VISUAL_FEATURES)]).toEqual(["NO", "NO"]);
    expect(out.codes).toEqual(expect.arrayContaining(["113100", "113101", "113102"]));
  });
});

describe.skipIf(!CORPUS_DIR)("on corpus files", () => {
  const corpus = (name: string) => new Uint8Array(readFileSync(join(CORPUS_DIR!, name)));
  const both = ["ps315.clean-pixel-data", "ps315.clean-recognizable-visual-features"];
  const FACE = "pydicom-data/OT-PAL-8-face.dcm"; // a 640 x 480 palette-colour photograph of a face, saying nothing of it

  it("adds both attributes to a CT slice and replaces them in a float parametric map; dcmdump reads the outputs", async () => {
    const ir = compile("ps315.basic", both);
    const paths: string[] = [];
    for (const name of ["pydicom-debian/CT_small.dcm", "pydicom-data/parametric_map_float.dcm"]) {
      const result = run(ir, corpus(name));
      const out = written(result);
      expect([out.values.get(BURNED_IN), out.values.get(VISUAL_FEATURES)], name).toEqual(["NO", "NO"]);
      expect(touchedAt(result, "(0028,0301)").map((t) => t.action), name).toEqual(["set"]);
      paths.push(join(dir ??= mkdtempSync(join(tmpdir(), "deidc-image-options-")), name.replace(/\//g, "_")));
      writeFileSync(paths[paths.length - 1]!, result.output!);
    }
    if (HAVE_DCMDUMP) expect(await dcmdumpFailures(paths)).toEqual([]);
  });

  it("a photograph of a face that says YES is quarantined, and leaves with the face covered by a block", () => {
    // The corpus photograph says nothing of its features: a first run with a site rule makes it say YES, as a camera's would.
    const marking = site("mark-face", `RecognizableVisualFeatures -> create "YES" because "a photograph of a face"`, ["ps315.retain-uids"]);
    const saysYes = written(run(marking, corpus(FACE)));
    expect(saysYes.values.get(VISUAL_FEATURES)).toBe("YES");
    const input = run(marking, corpus(FACE)).output!;

    const quarantined = run(compile("ps315.basic", both), input);
    expect(quarantined.record.outcome).toBe("quarantined");
    expect(quarantined.output).toBeNull();

    const covering = site("cover-face", `pixels when SOPClassUID == "1.2.840.10008.5.1.4.1.1.7" because "the face fills the middle of these photographs" {\n  blank (160, 60, 320, 360)\n}`, both);
    const out = written(run(covering, input));
    expect([out.values.get(BURNED_IN), out.values.get(VISUAL_FEATURES)]).toEqual(["NO", "NO"]);
    const original = written(run(marking, corpus(FACE))).pixels!;
    // 8-bit palette indices, one byte per pixel: inside the rectangle 0, outside unchanged.
    for (const [x, y] of [[160, 60], [479, 419], [320, 240]] as const) expect(out.pixels![y * 640 + x], `(${x}, ${y})`).toBe(0);
    for (const [x, y] of [[159, 60], [480, 419], [0, 0], [639, 479]] as const) expect(out.pixels![y * 640 + x], `(${x}, ${y})`).toBe(original[y * 640 + x]);
  });
});

describe("deidc explain", () => {
  it("lists the attributes the options set to NO, with the unit and who is quarantined instead", () => {
    const ir = compile("ps315.basic", ["ps315.clean-pixel-data", "ps315.clean-recognizable-visual-features"]);
    expect(optionMarkersOf(ir).map((m) => [m.tag, m.keyword, m.unit])).toEqual([
      ["(0028,0301)", "BurnedInAnnotation", "ps315.clean-pixel-data"],
      ["(0028,0302)", "RecognizableVisualFeatures", "ps315.clean-recognizable-visual-features"],
    ]);
    const md = renderExplainMarkdown(ir, explainProgram(ir));
    expect(md).toContain("## Attributes the options set to NO");
    expect(md).toMatch(/\(0028,0302\) RecognizableVisualFeatures = NO \(`ps315.clean-recognizable-visual-features`\); quarantined instead: objects that say YES/);
    const basic = compile("ps315.basic");
    expect(optionMarkersOf(basic)).toEqual([]);
    expect(renderExplainMarkdown(basic, explainProgram(basic))).not.toContain("set to NO");
  });
});
