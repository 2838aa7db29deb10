// The files generated from the grammar are committed; they must match it.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../../scripts/diagrams";

describe("files generated from the grammar", () => {
  for (const file of generatedFiles) {
    it(`${file.path} is up to date (regenerate with npx tsx scripts/diagrams.ts)`, () => {
      expect(readFileSync(new URL(`../../${file.path}`, import.meta.url), "utf8")).toBe(file.render());
    });
  }

  it("the diagrams page is self-contained", () => {
    const html = readFileSync(new URL("../../docs/syntax-diagrams.html", import.meta.url), "utf8");
    expect(html).not.toMatch(/<script src=|<link rel=|https?:\/\/unpkg/);
    expect(html).toContain('"name": "rule"');
  });
});
