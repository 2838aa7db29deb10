// docs/migrating.md shows real imports: each `<!-- import: TOOL FILE -->`
// marker is followed by a source block and then the profile the import
// writes for it, which must be exactly what `deidc import` produces, and
// canonical and lint-clean.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ImportTool } from "../../src/import";
import { expectCanonicalAndClean, importedText, importText } from "./helpers";

const doc = readFileSync(new URL("../../docs/migrating.md", import.meta.url), "utf8");
const examples = [...doc.matchAll(/<!-- import: (ctp|deid|dicomedit) (\S+) -->\s*```\w+\n([\s\S]*?)```[\s\S]*?```deid\n([\s\S]*?)```/g)].map((m) => ({
  tool: m[1] as ImportTool,
  path: m[2]!,
  source: m[3]!,
  profile: m[4]!,
}));

describe("docs/migrating.md", () => {
  it("has an example for each tool", () => {
    expect([...new Set(examples.map((e) => e.tool))].sort()).toEqual(["ctp", "deid", "dicomedit"]);
  });
  for (const e of examples) {
    it(`shows what \`deidc import ${e.tool}\` writes for ${e.path}`, () => {
      expect(importedText(importText(e.tool, e.source, e.path))).toBe(e.profile);
      expectCanonicalAndClean(e.profile);
    });
  }
});
