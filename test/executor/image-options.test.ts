// The Clean Pixel Data and Clean Recognizable Visual Features Options need NO in Burned In
// Annotation (0028,0301) and Recognizable Visual Features (0028,0302) of every image (PS3.15 E.3.1,
// E.3.2). deidc reads neither text nor faces in pixels, so it never writes that NO on its own: the
// input says it, a rule of the profile sets or creates it, or (burned-in text) a `pixels complete`
// block applies; any other image is quarantined. Every case runs through the executor and a
// generated plan (one semantics).

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { optionMarkersOf, renderExplainMarkdown } from "../../src/cli/explain";
import { explainProgram } from "../../src/ir/explain";
import type { IrProgram } from "../../src/ir/types";
import { readPart10 } from "../../src/runtime/dicom";
import type { ObjectResult } from "../../src/runtime/executor/types";
import { deidc } from "../cli/cli";
import { evaluateGenerated, expectSameResult } from "../codegen/helpers";
import { assertValidReportLine, TEST_KEY as RUN_KEY } from "../run/helpers";
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

const quarantinedFor = (result: ObjectResult, pattern: RegExp, unit: RegExp): void => {
  expect(result.record.outcome, result.record.reason).toBe("quarantined");
  expect(result.output).toBeNull();
  expect(result.record.reason).toMatch(pattern);
  expect(result.record.rule?.file).toMatch(unit);
  expect(result.record.touched).toEqual([]);
};

describe("Clean Pixel Data Option: Burned In Annotation (0028,0301) must be NO", () => {
  const ir = compile("ps315.basic", ["ps315.clean-pixel-data"]);
  const OPTION = /clean-pixel-data\.deid$/;

  it("writes an image that says NO itself, unchanged, with the option's code", () => {
    const result = run(ir, image("1.2.3.1", text(BURNED_IN, "CS", "NO")));
    const out = written(result);
    expect(out.values.get(BURNED_IN)).toBe("NO");
    expect(out.codes).toContain("113101");
    expect(touchedAt(result, "(0028,0301)")).toEqual([]);
  });

  it("quarantines an image where it is absent, empty, YES or another value, saying which and what to write", () => {
    quarantinedFor(run(ir, image("1.2.3.2")), /Burned In Annotation \(0028,0301\) would be absent in the output.*`pixels complete`.*BurnedInAnnotation -> create "NO"/, OPTION);
    quarantinedFor(run(ir, image("1.2.3.3", text(BURNED_IN, "CS", ""))), /would be empty/, OPTION);
    quarantinedFor(run(ir, image("1.2.3.4", text(BURNED_IN, "CS", "YES"))), /would be YES/, OPTION);
    quarantinedFor(run(ir, image("1.2.3.4", text(BURNED_IN, "CS", "yes "))), /would be not NO/, OPTION);
  });

  it("writes an image that says YES when a `pixels complete` block applies, NO set by the block", () => {
    const withBlock = site("complete", `pixels complete when Modality == "OT" because "the only text: top row" {\n  blank (0, 0, Columns, 1)\n}`, ["ps315.clean-pixel-data"]);
    for (const extra of [[text(BURNED_IN, "CS", "YES")], []]) {
      const result = run(withBlock, image("1.2.3.5", ...extra));
      const out = written(result);
      expect(out.values.get(BURNED_IN)).toBe("NO");
      expect([...out.pixels!.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
      const sets = touchedAt(result, "(0028,0301)");
      expect(sets).toHaveLength(1);
      expect(sets[0]!.rule?.file).toMatch(/complete\.deid$/);
    }
  });

  it("a `pixels complete` block's NO takes the place of a `create` rule's value: one element, recorded once", () => {
    const both = site("create-and-complete", `BurnedInAnnotation -> create "YES" because "a test"\npixels complete when Modality == "OT" because "the only text: top row" {\n  blank (0, 0, Columns, 1)\n}`, ["ps315.clean-pixel-data"]);
    const result = run(both, image("1.2.3.40"));
    expect(walkBytes(result.output!).elements.filter((e) => e.path === "(0028,0301)")).toHaveLength(1);
    expect(written(result).values.get(BURNED_IN)).toBe("NO");
    expect(touchedAt(result, "(0028,0301)").map((t) => [t.action, t.rule?.file.endsWith("create-and-complete.deid")])).toEqual([["set", true]]);
  });

  it("a block that cannot be applied quarantines the object naming the block, nothing touched (a valid report line)", () => {
    const tooLarge = site("too-large", `pixels complete when Modality == "OT" because "a banner of another layout" {\n  blank (0, 0, 10, 10)\n}`, ["ps315.clean-pixel-data"]);
    const result = run(tooLarge, image("1.2.3.41", text(BURNED_IN, "CS", "YES")));
    expect(result.record.outcome).toBe("quarantined");
    expect(result.record.reason).toMatch(/^pixel data not cleaned: /);
    expect(result.record.rule?.file).toMatch(/too-large\.deid$/);
    expect(result.record.touched).toEqual([]);
  });

  it("quarantines it when the block that fills pixels does not say `complete`", () => {
    const partial = site("partial", `pixels when Modality == "OT" because "top row" {\n  blank (0, 0, Columns, 1)\n}`, ["ps315.clean-pixel-data"]);
    quarantinedFor(run(partial, image("1.2.3.6", text(BURNED_IN, "CS", "YES"))), /would be YES/, OPTION);
  });

  it("takes the profile's own statement: a rule that creates or sets NO, recorded with its location", () => {
    const stating = site("no-text", `BurnedInAnnotation -> create "NO" when Modality == "OT" because "these captures carry no text (audit 2026-11)"`, ["ps315.clean-pixel-data"]);
    for (const extra of [[], [text(BURNED_IN, "CS", "YES")]]) {
      const result = run(stating, image("1.2.3.7", ...extra));
      expect(written(result).values.get(BURNED_IN)).toBe("NO");
      expect(touchedAt(result, "(0028,0301)").map((t) => [t.action, t.rule?.file.endsWith("no-text.deid")])).toEqual([[extra.length ? "set" : "create", true]]);
    }
    // The statement's condition does not hold: nothing says NO.
    quarantinedFor(run(stating, buildPart10([text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.7"), text(0x00080018, "UI", "1.2.3.8"), text(0x00080060, "CS", "XC"), { tag: PIXEL_DATA, vr: "OB", bytes: PIXELS }])), /would be absent/, OPTION);
  });

  it("quarantines an image whose NO a rule removes or replaces", () => {
    const removing = site("remove-burned", `BurnedInAnnotation -> remove because "a test"`, ["ps315.clean-pixel-data"]);
    quarantinedFor(run(removing, image("1.2.3.9", text(BURNED_IN, "CS", "NO"))), /would be absent/, OPTION);
    const yes = site("yes-burned", `BurnedInAnnotation -> set "YES" because "a test"`, ["ps315.clean-pixel-data"]);
    quarantinedFor(run(yes, image("1.2.3.10", text(BURNED_IN, "CS", "NO"))), /would be YES/, OPTION);
  });

  it("checks what is written, whatever rule wrote it: `clean` keeps NO, `any where` can empty it, `set` adds nothing", () => {
    const cleaning = site("clean-burned", `BurnedInAnnotation -> clean because "a test"`, ["ps315.clean-pixel-data"]);
    expect(written(run(cleaning, image("1.2.3.30", text(BURNED_IN, "CS", "NO")))).values.get(BURNED_IN)).toBe("NO");
    const byValue = site("any-where-no", `any where value == "NO" -> empty because "a test"`, ["ps315.clean-pixel-data"]);
    quarantinedFor(run(byValue, image("1.2.3.31", text(BURNED_IN, "CS", "NO"))), /would be empty/, OPTION);
    const setOnly = site("set-only", `BurnedInAnnotation -> set "NO" because "replaces, never adds"`, ["ps315.clean-pixel-data"]);
    expect(written(run(setOnly, image("1.2.3.32", text(BURNED_IN, "CS", "YES")))).values.get(BURNED_IN)).toBe("NO");
    quarantinedFor(run(setOnly, image("1.2.3.33")), /would be absent/, OPTION);
  });

  it("a later layer's `any where` rule does not decide an absent attribute, so a base's `create` adds NO", () => {
    // An `any where` rule tests an element's own value; an absent attribute has none. The `create` step once let such
    // a rule of a later unit decide the attribute (`not (value ~ ...)` holds of no value), so nothing was added.
    dir ??= mkdtempSync(join(tmpdir(), "deidc-image-options-"));
    writeFileSync(join(dir, "layered-base.deid"), `deid 1\n\nprofile test.layered-base "base"\n  based on ps315.basic\n  with ps315.clean-pixel-data\n\nBurnedInAnnotation -> create "NO" when Modality == "OT" because "no text on these captures"\n`);
    const path = join(dir, "layered.deid");
    writeFileSync(path, `deid 1\n\nimport "layered-base.deid"\n\nprofile test.layered "site"\n  based on test.layered-base\n\nany where not (value ~ /^[ -~]*$/) -> remove because "non-ASCII values"\n`);
    const result = run(compile(path), image("1.2.3.34"));
    expect(written(result).values.get(BURNED_IN)).toBe("NO");
    expect(touchedAt(result, "(0028,0301)").map((t) => t.action)).toEqual(["create"]);
  });

  it("reads NO as CS: spaces around it do not count, case does", () => {
    expect(written(run(ir, image("1.2.3.35", text(BURNED_IN, "CS", " NO ")))).values.get(BURNED_IN)?.trim()).toBe("NO");
    quarantinedFor(run(ir, image("1.2.3.36", text(BURNED_IN, "CS", "no"))), /would be not NO/, OPTION);
  });

  it("asks nothing of an image whose Pixel Data the profile removes, unless it keeps the attribute", () => {
    const removing = site("no-pixels", `PixelData -> remove because "headers only"`, ["ps315.clean-pixel-data"]);
    const out = written(run(removing, image("1.2.3.37")));
    expect(out.pixels).toBeUndefined();
    expect(out.values.has(BURNED_IN)).toBe(false);
    quarantinedFor(run(removing, image("1.2.3.38", text(BURNED_IN, "CS", "YES"))), /would be YES/, OPTION);
  });

  it("holds Float Pixel Data images like any other", () => {
    const float = buildPart10([
      text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.30"),
      text(0x00080018, "UI", "1.2.3.39"),
      text(0x00080060, "CS", "MR"),
      us(0x00280002, 1),
      text(0x00280004, "CS", "MONOCHROME2"),
      us(0x00280010, 2),
      us(0x00280011, 2),
      us(0x00280100, 32),
      { tag: 0x7fe00008, vr: "OF", bytes: new Uint8Array(16) },
    ]);
    quarantinedFor(run(ir, float), /would be absent/, OPTION);
  });

  it("holds an encapsulated document that carries it to its value", () => {
    expect(written(run(ir, document("1.2.3.11", "NO"))).values.get(BURNED_IN)).toBe("NO");
    quarantinedFor(run(ir, document("1.2.3.12", "YES")), /would be YES/, OPTION);
  });

  it("asks nothing of an object without pixel data or the attribute", () => {
    const input = buildPart10([text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.88.11"), text(0x00080018, "UI", "1.2.3.13"), text(0x00080060, "CS", "SR")]);
    const result = run(ir, input);
    expect(written(result).values.has(BURNED_IN)).toBe(false);
    expect(touchedAt(result, "(0028,0301)")).toEqual([]);
  });

  it("without the option, YES stays YES and the object is written", () => {
    const out = written(run(compile("ps315.basic"), image("1.2.3.14", text(BURNED_IN, "CS", "YES"))));
    expect(out.values.get(BURNED_IN)).toBe("YES");
    expect(out.codes).not.toContain("113101");
  });

  it("decides Pixel Data by its own VR before the walk: a `vr OW` rule does not stop a block on OB pixels", () => {
    // Before, the pre-walk decision asked as if Pixel Data were OW: the block was skipped while the walk kept the OB pixels.
    const owRemoved = site("vr-ow", `vr OW -> remove because "no OW data in this release"\npixels complete when Modality == "OT" because "the only text: top row" {\n  blank (0, 0, Columns, 1)\n}`, ["ps315.clean-pixel-data"]);
    const out = written(run(owRemoved, image("1.2.3.15", text(BURNED_IN, "CS", "YES"))));
    expect([...out.pixels!.subarray(0, 8)]).toEqual([0, 0, 0, 0, 104, 105, 106, 107]);
    expect(out.values.get(BURNED_IN)).toBe("NO");
    // `vr OB -> remove` removes these pixels: no block applies, and nothing says NO.
    const obRemoved = site("vr-ob", `vr OB -> remove because "a test"\npixels complete when Modality == "OT" because "the only text: top row" {\n  blank (0, 0, Columns, 1)\n}`, ["ps315.clean-pixel-data"]);
    quarantinedFor(run(obRemoved, image("1.2.3.16", text(BURNED_IN, "CS", "YES"))), /would be YES/, OPTION);
  });
});

describe("Clean Recognizable Visual Features Option: Recognizable Visual Features (0028,0302) must be NO", () => {
  const ir = compile("ps315.basic", ["ps315.clean-recognizable-visual-features"]);
  const OPTION = /clean-recognizable-visual-features\.deid$/;

  it("writes an image that says NO, with the option's code and no Burned In Annotation claim", () => {
    const out = written(run(ir, image("1.2.3.20", text(VISUAL_FEATURES, "CS", "NO"))));
    expect(out.values.get(VISUAL_FEATURES)).toBe("NO");
    expect(out.codes).toContain("113102");
    expect(out.values.has(BURNED_IN)).toBe(false);
  });

  it("quarantines an image where it is absent or YES", () => {
    quarantinedFor(run(ir, image("1.2.3.21")), /Recognizable Visual Features \(0028,0302\) would be absent.*does not find faces.*RecognizableVisualFeatures -> create "NO"/, OPTION);
    quarantinedFor(run(ir, image("1.2.3.22", text(VISUAL_FEATURES, "CS", "YES"))), /would be YES/, OPTION);
  });

  it("a `pixels` block that fills pixels is no statement about faces; a rule beside it is", () => {
    const block = `pixels when Modality == "OT" because "a bar across the eyes" {\n  blank (0, 1, Columns, 2)\n}`;
    const blockOnly = site("eyes", block, ["ps315.clean-recognizable-visual-features"]);
    quarantinedFor(run(blockOnly, image("1.2.3.23", text(VISUAL_FEATURES, "CS", "YES"))), /would be YES/, OPTION);
    const stated = site("eyes-stated", `${block}\nRecognizableVisualFeatures -> set "NO" when Modality == "OT" because "the block above covers the eyes"`, ["ps315.clean-recognizable-visual-features"]);
    const result = run(stated, image("1.2.3.24", text(VISUAL_FEATURES, "CS", "YES")));
    const out = written(result);
    expect(out.values.get(VISUAL_FEATURES)).toBe("NO");
    expect([...out.pixels!]).toEqual([100, 101, 102, 103, 0, 0, 0, 0, 0, 0, 0, 0, 112, 113, 114, 115]);
    expect(touchedAt(result, "(0028,0302)")[0]?.rule?.file).toMatch(/eyes-stated\.deid$/);
  });

  it("a rule that creates YES is the object saying YES", () => {
    const yes = site("says-yes", `RecognizableVisualFeatures -> create "YES" because "photographs of faces"`, ["ps315.clean-recognizable-visual-features"]);
    quarantinedFor(run(yes, image("1.2.3.25")), /would be YES/, OPTION);
  });

  it("both options together need both attributes", () => {
    const both = compile("ps315.basic", ["ps315.clean-pixel-data", "ps315.clean-recognizable-visual-features"]);
    const out = written(run(both, image("1.2.3.26", text(BURNED_IN, "CS", "NO"), text(VISUAL_FEATURES, "CS", "NO"))));
    expect(out.codes).toEqual(expect.arrayContaining(["113100", "113101", "113102"]));
    quarantinedFor(run(both, image("1.2.3.27", text(BURNED_IN, "CS", "NO"))), /Recognizable Visual Features/, OPTION);
  });
});

describe.skipIf(!CORPUS_DIR)("on corpus files", () => {
  const corpus = (name: string) => new Uint8Array(readFileSync(join(CORPUS_DIR!, name)));
  const both = ["ps315.clean-pixel-data", "ps315.clean-recognizable-visual-features"];
  const FACE = "pydicom-data/OT-PAL-8-face.dcm"; // a 640 x 480 palette-colour photograph of a face, saying nothing of it

  it("the pseudo-PHI images: those that do not say NO are quarantined; those that say it are written on their own claim", () => {
    // Every one has names or IDs burned into its pixels. Four say NO all the same: deidc passes an object's own claim
    // on, since it cannot read pixels; what this shows is that it never makes the claim for an image that does not.
    const ir = compile("ps315.basic", ["ps315.clean-pixel-data"]);
    const names = readdirSync(join(CORPUS_DIR!, "pseudo-phi-johnsnowlabs")).filter((n) => n.endsWith(".dcm"));
    expect(names.length).toBeGreaterThan(10);
    let quarantined = 0;
    for (const name of names) {
      const input = corpus(`pseudo-phi-johnsnowlabs/${name}`);
      const says = topLevelTexts(walkBytes(input).file).get(BURNED_IN)?.trim();
      const result = run(ir, input);
      if (says === "NO") expect(written(result).values.get(BURNED_IN), name).toBe("NO");
      else {
        expect(result.record.outcome, name).toBe("quarantined");
        quarantined++;
      }
    }
    expect(quarantined).toBeGreaterThan(5);
  });

  it("a CT slice and a float parametric map, with the profile's statements where they say nothing; dcmdump reads the outputs", async () => {
    const ir = site("ct-statement", `BurnedInAnnotation -> create "NO" when Modality == "CT" because "CT slices carry no burned-in text"\nRecognizableVisualFeatures -> create "NO" when Modality == "CT" because "abdominal field of view"`, both);
    const paths: string[] = [];
    for (const name of ["pydicom-debian/CT_small.dcm", "pydicom-data/parametric_map_float.dcm"]) {
      const result = run(ir, corpus(name));
      const out = written(result);
      expect([out.values.get(BURNED_IN), out.values.get(VISUAL_FEATURES)], name).toEqual(["NO", "NO"]);
      paths.push(join((dir ??= mkdtempSync(join(tmpdir(), "deidc-image-options-"))), name.replace(/\//g, "_")));
      writeFileSync(paths[paths.length - 1]!, result.output!);
    }
    if (HAVE_DCMDUMP) expect(await dcmdumpFailures(paths)).toEqual([]);
    // Without the statements, the CT slice says nothing and waits for a person.
    expect(run(compile("ps315.basic", both), corpus("pydicom-debian/CT_small.dcm")).record.outcome).toBe("quarantined");
  });

  it("reads back a deflated output (image_dfl.dcm) like any other", () => {
    const input = corpus("pydicom-debian/image_dfl.dcm");
    quarantinedFor(run(compile("ps315.basic", ["ps315.clean-pixel-data"]), input), /would be absent/, /clean-pixel-data\.deid$/);
    const stating = site("deflated", `BurnedInAnnotation -> create "NO" because "these captures carry no text"`, ["ps315.clean-pixel-data"]);
    const result = run(stating, input);
    expect(result.record.outcome, result.record.reason).toBe("written");
    expect(readPart10(result.output!).transferSyntaxUid).toBe("1.2.840.10008.1.2.1.99");
    expect(written(result).values.get(BURNED_IN)).toBe("NO");
  });

  it("a photograph of a face leaves only with the face covered by a block and the profile saying so", () => {
    const input = corpus(FACE);
    quarantinedFor(run(compile("ps315.basic", ["ps315.clean-recognizable-visual-features"]), input), /would be absent/, /clean-recognizable-visual-features\.deid$/);
    const covering = site(
      "cover-face",
      `pixels when SOPClassUID == "1.2.840.10008.5.1.4.1.1.7" because "the face fills the middle of these photographs" {\n  blank (160, 60, 320, 360)\n}\nRecognizableVisualFeatures -> create "NO" when SOPClassUID == "1.2.840.10008.5.1.4.1.1.7" because "the block above covers the face"`,
      ["ps315.clean-recognizable-visual-features"],
    );
    const out = written(run(covering, input));
    expect(out.values.get(VISUAL_FEATURES)).toBe("NO");
    const original = topLevelValue(walkBytes(input).file, PIXEL_DATA)!;
    // 8-bit palette indices, one byte per pixel: inside the rectangle 0, outside unchanged.
    for (const [x, y] of [[160, 60], [479, 419], [320, 240]] as const) expect(out.pixels![y * 640 + x], `(${x}, ${y})`).toBe(0);
    for (const [x, y] of [[159, 60], [480, 419], [0, 0], [639, 479]] as const) expect(out.pixels![y * 640 + x], `(${x}, ${y})`).toBe(original[y * 640 + x]);
  });
});

describe.skipIf(!CORPUS_DIR)("deidc run", () => {
  it("warns before reading any input when an option given with --with is stated nowhere, then quarantines what does not say NO", () => {
    const out = mkdtempSync(join(tmpdir(), "deidc-image-options-run-"));
    try {
      const r = deidc(["run", "ps315.basic", "--with", "ps315.clean-pixel-data", join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm"), "-o", join(out, "o"), "--no-progress"], { env: { DEID_KEY: RUN_KEY } });
      expect(r.code).toBe(1);
      const lines = r.stderr.split("\n");
      const warning = lines.findIndex((l) => l.startsWith("deidc: warning: `ps315.clean-pixel-data` needs Burned In Annotation (0028,0301) NO in every image"));
      const quarantined = lines.findIndex((l) => l.includes("quarantined: Burned In Annotation (0028,0301) would be absent"));
      expect(warning, r.stderr).toBeGreaterThanOrEqual(0);
      expect(quarantined, r.stderr).toBeGreaterThan(warning);
      // A profile that states it gets no warning.
      const stating = site("run-stated", `BurnedInAnnotation -> create "NO" when Modality == "CT" because "CT slices carry no burned-in text"`, ["ps315.clean-pixel-data"]);
      expect(stating.profile.layers.length).toBeGreaterThan(1);
      const path = join(dir!, "run-stated.deid");
      const ok = deidc(["run", path, join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm"), "-o", join(out, "p"), "--no-progress"], { env: { DEID_KEY: RUN_KEY } });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).not.toContain("warning");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("deidc explain", () => {
  it("lists the attributes the options need NO in, with the unit and which objects are quarantined", () => {
    const ir = compile("ps315.basic", ["ps315.clean-pixel-data", "ps315.clean-recognizable-visual-features"]);
    expect(optionMarkersOf(ir).map((m) => [m.tag, m.keyword, m.unit])).toEqual([
      ["(0028,0301)", "BurnedInAnnotation", "ps315.clean-pixel-data"],
      ["(0028,0302)", "RecognizableVisualFeatures", "ps315.clean-recognizable-visual-features"],
    ]);
    const md = renderExplainMarkdown(ir, explainProgram(ir));
    expect(md).toContain("## Attributes the options need NO in");
    expect(md).toMatch(/\(0028,0302\) RecognizableVisualFeatures = NO \(`ps315.clean-recognizable-visual-features`\); quarantined: images whose value in the output would not be NO/);
    const basic = compile("ps315.basic");
    expect(optionMarkersOf(basic)).toEqual([]);
    expect(renderExplainMarkdown(basic, explainProgram(basic))).not.toContain("need NO");
  });
});
