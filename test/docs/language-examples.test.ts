// Every ```deid block of docs/language.md lints without errors and is in
// canonical form, so the reference never shows something the tool rejects.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { formatDeid } from "../../src/syntax/format";

const text = readFileSync(new URL("../../docs/language.md", import.meta.url), "utf8");
const blocks = [...text.matchAll(/```deid\n([\s\S]*?)```/g)].map((m) => ({ source: m[1]!, line: text.slice(0, m.index).split("\n").length + 1 }));

describe("docs/language.md examples", () => {
  it("has examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
  });
  for (const block of blocks) {
    it(`example at line ${block.line} lints without errors and is canonical`, () => {
      const program = loadProgram(`docs/language.md:${block.line}.deid`, [], block.source);
      const errors = checkProgram(program).filter((d) => d.severity === "error");
      expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(formatDeid(program.entry.ast, block.source)).toBe(block.source);
    });
  }
});
