import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allCodes, renderCatalog } from "../../src/diagnostics/catalog";

describe("docs/diagnostics.md", () => {
  it("lists every diagnostic code (regenerate with npx tsx scripts/gen-diagnostics-doc.ts)", () => {
    expect(readFileSync(new URL("../../docs/diagnostics.md", import.meta.url), "utf8")).toBe(renderCatalog());
  });
  it("has unique, well-formed codes and kebab-case names", () => {
    const all = allCodes();
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    for (const c of all) {
      expect(c.code).toMatch(/^DEID[1-6]\d{3}$/);
      expect(c.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });
});
