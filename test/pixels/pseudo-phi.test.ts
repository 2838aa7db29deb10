// rules/examples/pseudo-phi-burned-in.deid against the Pseudo-PHI corpus files and their
// ground truth: for each file the profile's conditions, evaluated on the header, select exactly
// its own layout's block; applying it fills every ground-truth box in every frame and leaves
// every pixel outside the blanked rectangles as it was.

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { EvalContext } from "../../src/runtime/executor/expr";
import { applyPixelRules, planPixelRules, planRegions } from "../../src/runtime/pixels/index";
import { CORPUS_DIR, inside, loadImageFile, readCell, storedValue, warnIfNoCorpus, type LoadedImage } from "./helpers";

warnIfNoCorpus("pixels/pseudo-phi");

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PROFILE = join(ROOT, "rules/examples/pseudo-phi-burned-in.deid");
const DIR = CORPUS_DIR ? join(CORPUS_DIR, "pseudo-phi-johnsnowlabs") : "";
const files = DIR ? readdirSync(DIR).filter((n) => n.endsWith(".dcm")).sort() : [];

/** Ground-truth boxes of a file, [x1, y1, x2, y2] inclusive, clipped to the image; empty values (0,0,0,0) and boxes wholly outside are dropped. */
function groundTruth(name: string, rows: number, columns: number): { text: string; box: [number, number, number, number] }[] {
  const json = JSON.parse(readFileSync(join(DIR, name.replace(/\.dcm$/, ".json")), "utf8")) as { annotation: Record<"key" | "value", { text: string; bbox?: number[] }>[] };
  const out: { text: string; box: [number, number, number, number] }[] = [];
  for (const a of json.annotation) {
    for (const part of [a.key, a.value]) {
      const b = part.bbox;
      if (!b || (b[2] === 0 && b[3] === 0)) continue;
      const box: [number, number, number, number] = [b[0]!, b[1]!, Math.min(b[2]!, columns - 1), Math.min(b[3]!, rows - 1)];
      if (box[0] > box[2] || box[1] > box[3]) continue; // drawn below the image's last row: nothing to blank
      out.push({ text: part.text, box });
    }
  }
  return out;
}

function context(image: LoadedImage): EvalContext {
  return {
    attr: (tag) => image.values.get(tag),
    has: (tag) => image.present.has(tag),
    itemAttr: (tag) => image.values.get(tag),
    itemHas: (tag) => image.present.has(tag),
    letValue: () => undefined,
    param: () => undefined,
    secret: () => new Uint8Array(0),
    current: () => undefined,
    keyText: (v) => (v === undefined ? "" : String(v)),
  };
}

describe.skipIf(!CORPUS_DIR)("pseudo-phi-burned-in.deid on the Pseudo-PHI files", () => {
  const compiled = compileProfile(PROFILE);
  const plan = planPixelRules(compiled.ir?.pixels ?? []);

  it("compiles, with one block per layout", () => {
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(compiled.ir!.pixels.length).toBe(15);
    expect(files.length).toBe(15);
  });

  it("each block selects exactly the files of its layout (here: one file each)", () => {
    const selectedBy = new Map<number, string[]>();
    for (const name of files) {
      const image = loadImageFile(join(DIR, name));
      const selected = plan.select(context(image));
      expect(selected.length, `${name} matches ${selected.length} blocks`).toBe(1);
      const line = selected[0]!.source.line;
      selectedBy.set(line, [...(selectedBy.get(line) ?? []), name]);
    }
    expect([...selectedBy.values()].every((names) => names.length === 1)).toBe(true);
    expect(selectedBy.size).toBe(15);
  });

  it.each(files.map((f) => [f.slice(0, 40), f] as const))("%s: every ground-truth box filled, nothing else changed", (_short, name) => {
    const image = loadImageFile(join(DIR, name));
    const g = image.geometry;
    const rules = plan.select(context(image));
    const result = applyPixelRules({ element: image.element, encoding: image.encoding, geometry: g, rules, stripJpegMetadata: true });
    expect(result.element).not.toBeNull();
    const rectangles = planRegions(g, rules);
    const headerLength = image.encoding.explicitVr ? 12 : 8;
    const before = image.element.subarray(headerLength);
    const after = result.element!.subarray(headerLength);
    const layout = { littleEndian: image.encoding.littleEndian, vr: image.vr };

    // Every ground-truth box lies inside a blanked rectangle and holds the fill, in every frame.
    for (const { text, box } of groundTruth(name, g.rows, g.columns)) {
      const [x1, y1, x2, y2] = box;
      const covering = rectangles.find((r) => inside(r, y1, x1) && inside(r, y2, x2));
      expect(covering, `"${text}" at [${box.join(", ")}] is not inside one blanked rectangle`).toBeDefined();
      for (let f = 0; f < g.frames; f++) {
        let unfilled = 0;
        for (let row = y1; row <= y2; row++) for (let column = x1; column <= x2; column++) if (storedValue(readCell(after, g, layout, f, row, column, 0), g) !== covering!.fill) unfilled++;
        expect(unfilled, `"${text}": ${unfilled} pixels not filled in frame ${f + 1}`).toBe(0);
      }
    }

    // Outside the rectangles, every sample cell (all bits) is the input's.
    let changed = 0;
    for (let f = 0; f < g.frames; f++) {
      for (let row = 0; row < g.rows; row++) {
        for (let column = 0; column < g.columns; column++) {
          if (rectangles.some((r) => r.frames.includes(f) && inside(r, row, column))) continue;
          for (let s = 0; s < g.samplesPerPixel; s++) if (readCell(after, g, layout, f, row, column, s) !== readCell(before, g, layout, f, row, column, s)) changed++;
        }
      }
    }
    expect(changed).toBe(0);
    expect(result.report.filter((r) => r.kind === "blanked").map((r) => r.because)).toEqual(rules.map((r) => r.because));
  });
});
