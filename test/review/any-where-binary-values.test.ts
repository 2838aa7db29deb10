// Review findings on `any where` (one topic: which elements it tests, and as what).
// 1. `value` of a binary element was its bytes
// read as Latin-1 text. So `any where value ~ /x/` tested (and decoded, whole)
// the Pixel Data and removed it when a byte happened to be "x", and
// `any where value == -2000` never matched Pixel Padding Value SS -2000.
// Pixel Data is never a candidate value; binary numbers read as numbers.
// 2. The documented idiom `any where value == PatientID -> remove` removed
// every zero-length element (Type 2 AccessionNumber, ReferringPhysicianName,
// ...) of an object whose PatientID is empty: "" == "". An empty element
// holds nothing that could be a copy, so it is never a candidate.
// Runs through the executor and the generated plan: they must agree.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { IrProgram } from "../../src/ir/types";
import { createExecutor } from "../../src/runtime/executor";
import type { ObjectResult } from "../../src/runtime/executor/types";
import { readPart10 } from "../../src/runtime/dicom";
import { evaluateGenerated, expectSameResult } from "../codegen/helpers";
import { topLevelValue } from "../executor/helpers";
import { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";

warnIfNoCorpus("review/any-where-binary-values");

const env = { secrets: new Map<string, Uint8Array>(), params: new Map(), tables: new Map(), runKey: new TextEncoder().encode("review any where binary key") };
const dir = mkdtempSync(join(tmpdir(), "deidc-review-anywhere-"));
let count = 0;

function compile(rules: string): IrProgram {
  const path = join(dir, `p${count++}.deid`);
  writeFileSync(path, `deid 1\n\nprofile r.anywhere "review"\n\n${rules}\n`);
  const result = compileProfile(path);
  if (!result.ir) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  return result.ir;
}

function runBoth(ir: IrProgram, input: Uint8Array): ObjectResult {
  const interpreted = createExecutor(ir, env).process(input, "CT_small.dcm");
  const generated = evaluateGenerated(ir).createProcessor(env).process(input, "CT_small.dcm");
  expectSameResult(generated, interpreted, "CT_small.dcm");
  expect(interpreted.record.outcome, interpreted.record.reason).toBe("written");
  return interpreted;
}

const PIXEL_DATA = 0x7fe00010;
const PIXEL_PADDING_VALUE = 0x00280120;
const ROWS = 0x00280010;

describe.skipIf(!CORPUS_DIR)("`any where` on binary values (CT_small)", () => {
  const input = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
  const before = readPart10(input);

  it("never tests or removes the Pixel Data", () => {
    // CT_small's pixel bytes contain 0x78 ("x"): read as text, they matched.
    const result = runBoth(compile('any where value ~ /x/ -> remove because "probe"'), input);
    const after = readPart10(result.output!);
    expect(topLevelValue(after, PIXEL_DATA)).toEqual(topLevelValue(before, PIXEL_DATA));
    expect(result.record.touched.some((t) => t.path === "(7FE0,0010)")).toBe(false);
  });

  it("reads US and SS values as numbers", () => {
    const result = runBoth(compile('any where value == -2000 -> remove because "padding"\nRows -> remove when value == 129'), input);
    const after = readPart10(result.output!);
    expect(topLevelValue(after, PIXEL_PADDING_VALUE)).toBeUndefined();
    expect(topLevelValue(after, ROWS)).toEqual(topLevelValue(before, ROWS));
  });

  it("leaves zero-length elements alone when the compared attribute is empty too", () => {
    const jpg = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-data/JPGLosslessP14SV1_1s_1f_8b.dcm")));
    const original = readPart10(jpg);
    expect(topLevelValue(original, 0x00100020)?.length).toBe(0); // PatientID present, empty
    const ir = compile('any where value == PatientID -> remove because "patient id copied"');
    const interpreted = createExecutor(ir, env).process(jpg, "JPGLossless.dcm");
    expect(interpreted.record.outcome, interpreted.record.reason).toBe("written");
    const after = readPart10(interpreted.output!);
    for (const tag of [0x00080050, 0x00080090, 0x00100020]) expect(topLevelValue(after, tag)?.length, tag.toString(16)).toBe(0);
    const generated = evaluateGenerated(ir).createProcessor(env).process(jpg, "JPGLossless.dcm");
    expectSameResult(generated, interpreted, "JPGLossless.dcm");
  });
});

describe.skipIf(!CORPUS_DIR)("`any where` and overlays (MR-SIEMENS-DICOM-WithOverlays)", () => {
  it("never removes Overlay Data alone: the overlay group stays whole", () => {
    const input = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-data/MR-SIEMENS-DICOM-WithOverlays.dcm")));
    const before = readPart10(input);
    // Overlay Data's bytes read as text match almost any pattern; OverlayRows (US 484) does not.
    const result = runBoth(compile('any where value ~ /[\\x00-\\xff]/ and not includes(value, "484") -> remove because "probe"'), input);
    const after = readPart10(result.output!);
    expect(topLevelValue(after, 0x60003000)).toEqual(topLevelValue(before, 0x60003000));
    expect(topLevelValue(after, 0x60000010)).toEqual(topLevelValue(before, 0x60000010));
  });
});
