import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateIr } from "../../src/ir/validate";
import { deidc, ROOT } from "./cli";

const E11_CSV = join(ROOT, "../shared/standard/derived-csv/table_E.1-1.csv");

describe("deidc compile --emit ir", () => {
  it("prints schema-valid IR for every example and the basic profile", () => {
    for (const profile of ["ps315.basic", "rules/examples/research-date-shift.deid", "rules/examples/trial-pseudonyms.deid", "rules/examples/ultrasound-banners.deid"]) {
      const r = deidc(["compile", profile, "--emit", "ir"]);
      expect(r.code, r.stderr).toBe(0);
      const ir = JSON.parse(r.stdout);
      expect(() => validateIr(ir)).not.toThrow();
      expect(ir.irVersion).toBe(1);
    }
  });
  it("orders options the standard's way and rejects mutually exclusive ones", () => {
    const r = deidc(["compile", "ps315.basic", "--with", "ps315.clean-descriptors,ps315.retain-uids", "--emit", "ir"]);
    const layers = JSON.parse(r.stdout).profile.layers.map((l: { name: string }) => l.name);
    expect(layers.slice(0, 3)).toEqual(["ps315.basic", "ps315.retain-uids", "ps315.clean-descriptors"]);
    const bad = deidc(["compile", "ps315.basic", "--with", "ps315.retain-longitudinal-full-dates,ps315.retain-longitudinal-modified-dates"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("DEID3009");
  });
});

describe("deidc explain", () => {
  const rows = (args: string[]): { tag: string; keyword: string | null; action: string; unit: string; source: string }[] => {
    const r = deidc(["explain", ...args, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.valueRules).toEqual([]);
    return json.attributes;
  };

  it.skipIf(!existsSync(E11_CSV))("lists every Table E.1-1 row of ps315.basic with the standard's action", () => {
    const explained = new Map(rows(["ps315.basic"]).map((r) => [r.tag.toUpperCase(), r]));
    const csv = readFileSync(E11_CSV, "utf8").trim().split("\n").slice(1);
    let checked = 0;
    for (const line of csv) {
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"'));
      const [, tag, , , basic] = cells;
      const key = tag!.startsWith("(gggg") ? "PRIVATE *" : tag!.toUpperCase();
      const row = explained.get(key);
      expect(row, `${tag} missing from explain`).toBeDefined();
      expect(row!.action, tag).toBe(basic);
      expect(row!.source).toMatch(/^stdlib\/ps315\/basic\.deid:\d+$/);
      checked++;
    }
    expect(checked).toBe(656);
  });

  it("shows K for every UID row that ps315.retain-uids keeps", () => {
    const kept = rows(["ps315.basic", "--with", "ps315.retain-uids"]).filter((r) => r.unit === "ps315.retain-uids");
    expect(kept).toHaveLength(60);
    expect(kept.every((r) => r.action === "K")).toBe(true);
    expect(kept.map((r) => r.keyword)).toContain("StudyInstanceUID");
  });

  it("writes a publishable Markdown description naming release, options and codes", () => {
    const r = deidc(["explain", "rules/examples/research-date-shift.deid"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("DICOM standard release: PS3.15 2026c");
    expect(r.stdout).toContain('(113107, DCM, "Retain Longitudinal Temporal Information Modified Dates Option")');
    expect(r.stdout).toMatch(/\| \(0010,0010\) \| PatientName \| "ACME\^" \+ hash\(key, PatientID, 8\) \| `acme.research` \|/);
  });

  it("loads profiles by name and lists the standard library", () => {
    const r = deidc(["explain", "--list"]);
    expect(r.stdout).toContain("ps315.retain-safe-private");
    expect(deidc(["explain", "ps315.nonexistent"]).code).toBe(2);
  });
});
