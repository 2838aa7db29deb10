// The object outcomes `accept` and `skip`, and the pixel forms of LANGUAGE.md
// requirement 10: edge-relative coordinates, corners, `all`, `keep`,
// `ultrasound regions`, colour fills, `pixels apply`, `pixels complete`.
// Text in, tree and canonical text out.

import { describe, expect, it } from "vitest";
import * as T from "../../grammar/tokens";
import type { PixelBlock } from "../../src/syntax/ast";
import { parseDeid } from "../../src/syntax/parse";
import { checkContract, fmt } from "../format/helpers";
import { describe as describeDiagnostic, onlyItem, parseClean, withoutSpans } from "./helpers";

const n = (value: number, raw = String(value)) => ({ kind: "Number", value, raw });
const edge = (text: string, offset: number | null) => ({ kind: "EdgeCoordinate", edge: { kind: "Name", text }, offset: offset === null ? null : n(offset) });

function lex(text: string): string[] {
  const result = T.deidLexer.tokenize(text);
  expect(result.errors).toEqual([]);
  return result.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

function block(body: string): PixelBlock {
  const { item } = onlyItem(`pixels {\n${body}\n}`);
  if (item.kind !== "PixelBlock") throw new Error(`expected a pixel block, got ${item.kind}`);
  return item;
}

describe("lexing", () => {
  it("reads `-` alone as Minus, and keeps `-30` and `->` whole", () => {
    expect(lex("Columns - 200 -30 ->")).toEqual(["Name:Columns", "Minus:-", "NumberLiteral:200", "NumberLiteral:-30", "Arrow:->"]);
    expect(lex("Columns-200")).toEqual(["Name:Columns", "NumberLiteral:-200"]);
  });

  it("reads a parenthesis after `from`, `to` and `fill` as numbers, never as a tag", () => {
    expect(lex("from (1000, 2000) to (1200,2100)")[1]).toBe("LParen:(");
    expect(lex("to (1200,2100)")).toEqual(["To:to", "LParen:(", "NumberLiteral:1200", "Comma:,", "NumberLiteral:2100", "RParen:)"]);
    expect(lex("fill (255, 255, 0)")[1]).toBe("LParen:(");
    // Elsewhere a tag is still a tag.
    expect(lex("A == (1000,2000)")[2]).toBe("Tag:(1000,2000)");
  });

  it("`all`, `first`, `to`, ... are names outside pixel declarations", () => {
    const { file } = parseClean("let first = 1\nparam all: bool = false\nlet to = first\nPatientName -> X when all");
    expect(file.items.map((i) => (i.kind === "Let" || i.kind === "Param" ? i.name.text : i.kind))).toEqual(["first", "all", "to", "Rule"]);
  });

  it("`accept` and `skip` are reserved words", () => {
    expect(lex("accept skip accepted skipper")).toEqual(["Accept:accept", "Skip:skip", "Name:accepted", "Name:skipper"]);
  });
});

describe("accept and skip", () => {
  it("parse as filters", () => {
    const { file } = parseClean('accept when Modality == "CT" because "ct is fine"\nskip when Modality == "SR" because "phantoms"\nskip');
    expect(file.items.map((i) => (i.kind === "Filter" ? [i.outcome, i.when !== null, i.because?.value ?? null] : i.kind))).toEqual([
      ["accept", true, "ct is fine"],
      ["skip", true, "phantoms"],
      ["skip", false, null],
    ]);
  });

  it("format like the other filters", () => {
    expect(fmt('deid 1\nskip   when  Modality=="SR"\n   because "phantoms"\n')).toBe('deid 1\n\nskip when Modality == "SR" because "phantoms"\n');
  });
});

describe("pixel regions", () => {
  it("edge coordinates: `Columns - N`, `Columns -N`, `Columns-N` and `Rows` alone", () => {
    const b = block("  blank (Columns - 200, Rows -40, Columns-10, Rows)");
    expect(withoutSpans(b.regions[0]!.shape)).toEqual({ form: "rect", x: edge("Columns", 200), y: edge("Rows", 40), width: edge("Columns", 10), height: edge("Rows", null) });
  });

  it("corners, all, keep, ultrasound regions", () => {
    const b = block("  blank from (10, 20) to (Columns, 60)\n  blank all\n  keep (0, 56, 800, 500)\n  keep ultrasound regions\n  blank ultrasound regions frames 2");
    expect(b.regions.map((r) => [r.mode, r.shape.form])).toEqual([
      ["blank", "corners"],
      ["blank", "all"],
      ["keep", "rect"],
      ["keep", "ultrasound"],
      ["blank", "ultrasound"],
    ]);
    expect(withoutSpans(b.regions[0]!.shape)).toEqual({ form: "corners", x0: n(10), y0: n(20), x1: edge("Columns", null), y1: n(60) });
  });

  it("colour fills", () => {
    const b = block("  blank (0, 0, 10, 10) fill (255, 128, 0)\n  blank (0, 0, 10, 10) fill 7");
    expect(withoutSpans(b.regions[0]!.fill)).toEqual({ kind: "ColourFill", red: n(255), green: n(128), blue: n(0) });
    expect(withoutSpans(b.regions[1]!.fill)).toEqual(n(7));
  });

  it("`pixels complete` and `pixels apply first|all`", () => {
    const { file } = parseClean('pixels apply first\npixels complete when Modality == "US" because "all text" {\n  blank all\n}');
    expect(withoutSpans(file.items[0])).toEqual({ kind: "PixelApply", mode: "first" });
    expect(file.items[1]).toMatchObject({ kind: "PixelBlock", complete: true });
    expect(withoutSpans(onlyItem("pixels apply all").item)).toEqual({ kind: "PixelApply", mode: "all" });
  });

  it("formats canonically and keeps the tree (formatter contract)", () => {
    const text = [
      "deid 1",
      "pixels   apply first // one layout per object",
      'pixels complete when Modality == "US" because "banner" { // the GE layout',
      "  blank (Columns -200,Rows-40, 200, 40) frames 1..3 fill (255,0,0)",
      "  blank from (1000,2000) to (Columns, Rows)",
      "  keep (0, 56, Columns, Rows - 56) fill 0",
      "  keep ultrasound regions fill 0",
      "  blank all frames 4",
      "}",
      "",
    ].join("\n");
    expect(checkContract(text)).toBe(
      [
        "deid 1",
        "",
        "pixels apply first // one layout per object",
        'pixels complete when Modality == "US" because "banner" { // the GE layout',
        "  blank (Columns - 200, Rows - 40, 200, 40) frames 1..3 fill (255, 0, 0)",
        "  blank from (1000, 2000) to (Columns, Rows)",
        "  keep (0, 56, Columns, Rows - 56) fill 0",
        "  keep ultrasound regions fill 0",
        "  blank all frames 4",
        "}",
        "",
      ].join("\n"),
    );
  });
});

describe("syntax errors", () => {
  const errors = (body: string): string[] => {
    const text = `deid 1\n${body}`;
    return parseDeid(text, "test.deid").diagnostics.map((d) => describeDiagnostic(d, text));
  };

  it("`keep all` is not a region", () => {
    expect(errors("pixels {\n  keep all\n}")[0]).toContain("DEID1001");
  });

  it("an edge coordinate needs `-` before its number", () => {
    expect(errors("pixels {\n  blank (Columns 200, 0, 10, 10)\n}")[0]).toMatch(/DEID1001 expected `-` and a number after `Columns` or `Rows`/);
  });

  it("`pixels apply` takes `first` or `all`", () => {
    expect(errors("pixels apply last")[0]).toMatch(/DEID1001 expected `first` or `all`/);
  });
});
