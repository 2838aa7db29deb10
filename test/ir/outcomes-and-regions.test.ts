// The IR of the part-B extensions: filter outcomes, region forms (a rectangle
// of plain numbers keeps the IR's original form, every other shape is an
// `area`), keep, colour fills, `pixels complete` and `pixels apply first`,
// all valid against src/ir/schema.json, and how explain describes them.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { describeRegion } from "../../src/ir/explain";
import type { IrProgram } from "../../src/ir/types";
import { validateIr } from "../../src/ir/validate";
import { renderExplainMarkdown } from "../../src/cli/explain";
import { explainProgram } from "../../src/ir/explain";

const dir = mkdtempSync(join(tmpdir(), "deidc-ir-b-"));
let n = 0;
function compile(text: string, name = `p${n++}.deid`): IrProgram {
  const path = join(dir, name);
  writeFileSync(path, text.startsWith("deid 1") ? text : `deid 1\n\nprofile t.ir "t"\n  based on ps315.basic\n\n${text}`);
  const result = compileProfile(path);
  if (!result.ir) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  expect(() => validateIr(result.ir)).not.toThrow();
  return result.ir;
}

describe("filters", () => {
  it("keeps every outcome, in file order", () => {
    const ir = compile('accept when Modality == "CT" because "a"\nskip when Modality == "SR" because "s"\nreject because "r"\nquarantine because "q"\n');
    expect(ir.filters.map((f) => [f.outcome, f.reason])).toEqual([
      ["accept", "a"],
      ["skip", "s"],
      ["reject", "r"],
      ["quarantine", "q"],
    ]);
  });
});

describe("pixel regions", () => {
  const ir = compile(
    [
      'pixels complete because "layout" {',
      "  blank (1, 2, 3, 4)",
      "  blank from (10, 20) to (110, 70)",
      "  blank (Columns - 200, Rows - 40, 200, 40) fill (255, 0, 0)",
      "  blank from (0, Rows - 40) to (Columns, Rows)",
      "  blank all frames 2..3",
      "  keep ultrasound regions fill 7",
      "}",
      'pixels because "no complete" {',
      "  keep (0, 56, 800, 544)",
      "}",
      "",
    ].join("\n"),
  );

  it("plain rectangles (also by corners) keep the original form; other shapes are areas", () => {
    const [a, b, c, d, e, f] = ir.pixels[0]!.regions;
    expect(a).toMatchObject({ x: 1, y: 2, width: 3, height: 4, fill: 0 });
    expect(a).not.toHaveProperty("area");
    expect(b).toMatchObject({ x: 10, y: 20, width: 100, height: 50 });
    expect(b).not.toHaveProperty("area");
    expect(c).toMatchObject({ x: 0, width: 0, area: { kind: "rect", x: { edge: "Columns", minus: 200 }, y: { edge: "Rows", minus: 40 }, width: 200, height: 40 }, fill: 0, fillColour: [255, 0, 0] });
    expect(d!.area).toEqual({ kind: "corners", x0: 0, y0: { edge: "Rows", minus: 40 }, x1: { edge: "Columns", minus: 0 }, y1: { edge: "Rows", minus: 0 } });
    expect(e).toMatchObject({ area: { kind: "all" }, frames: [{ from: 2, to: 3 }] });
    expect(f).toMatchObject({ area: { kind: "ultrasound" }, keep: true, fill: 7 });
    expect(ir.pixels[0]!.complete).toBe(true);
    expect(ir.pixels[1]).not.toHaveProperty("complete");
    expect(ir).not.toHaveProperty("pixelApply");
  });

  it("explain writes each region as the rule file would", () => {
    expect(ir.pixels[0]!.regions.map(describeRegion)).toEqual([
      "blank (1, 2, 3, 4)",
      "blank (10, 20, 100, 50)",
      "blank (Columns - 200, Rows - 40, 200, 40) fill (255, 0, 0)",
      "blank from (0, Rows - 40) to (Columns, Rows)",
      "blank all frames 2..3",
      "keep ultrasound regions fill 7",
    ]);
    const md = renderExplainMarkdown(ir, explainProgram(ir));
    expect(md).toContain("Every block whose condition holds applies.");
    expect(md).toContain("covers all burned-in text of the layout: Burned In Annotation becomes NO");
  });
});

describe("pixels apply", () => {
  it("`first` is recorded; `all`, the default, is not", () => {
    expect(compile('pixels apply first\npixels because "b" {\n  blank all\n}\n').pixelApply).toBe("first");
    expect(compile('pixels apply all\npixels because "b" {\n  blank all\n}\n')).not.toHaveProperty("pixelApply");
  });

  it("the nearest profile file that declares one decides", () => {
    compile('deid 1\n\nprofile t.base "base"\n  based on ps315.basic\n\npixels apply first\n', "base.deid");
    const site = (body: string) => compile(`deid 1\n\nimport "base.deid"\n\nprofile t.site "site"\n  based on t.base\n\n${body}`);
    expect(site('pixels because "b" {\n  blank all\n}\n').pixelApply).toBe("first");
    expect(site('pixels apply all\npixels because "b" {\n  blank all\n}\n')).not.toHaveProperty("pixelApply");
  });
});
