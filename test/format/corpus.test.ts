// The formatter's contract over every rule text the project ships: the
// examples of the language reference, the example rules and the standard
// library. Files are found when the tests run, so new ones are covered.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkContract, deidBlocks, fmt } from "./helpers";

const root = join(import.meta.dirname, "..", "..");

function deidFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".deid"))
    .map((f) => join(dir, f))
    .sort();
}

describe("docs/language.md examples", () => {
  const blocks = deidBlocks(readFileSync(join(root, "docs", "language.md"), "utf8"));

  it("has examples to check", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks)("the block at line $line formats stably", ({ line, text }) => {
    checkContract(text, `docs/language.md:${line}`);
  });
});

describe("rule files", () => {
  const files = [...deidFiles(join(root, "rules")), ...deidFiles(join(root, "stdlib"))];

  it("has rule files to check", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => ({ file: relative(root, f) })))("$file formats stably", ({ file }) => {
    checkContract(readFileSync(join(root, file), "utf8"), file);
  });
});

describe("example rules", () => {
  // The examples are what people copy: they are kept in canonical form, so
  // `deidc fmt --check rules/` passes.
  const examples = deidFiles(join(root, "rules")).map((f) => ({ file: relative(root, f) }));

  it.each(examples)("$file is in canonical form", ({ file }) => {
    const text = readFileSync(join(root, file), "utf8");
    expect(fmt(text, file)).toBe(text);
  });
});
