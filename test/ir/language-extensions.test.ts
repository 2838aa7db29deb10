// The IR of the part-A extensions: `when` blocks desugared into each rule's
// condition (and shown so by explain), `keyword /re/` resolved against the
// dictionary, and the ranking of the new selectors.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { describeExpr, explainProgram } from "../../src/ir/explain";
import type { IrProgram } from "../../src/ir/types";

const dir = mkdtempSync(join(tmpdir(), "deidc-ir-"));
let n = 0;
function compile(text: string): IrProgram {
  const path = join(dir, `p${n++}.deid`);
  writeFileSync(path, `deid 1\n\nprofile t.ir "t"\n  based on ps315.basic\n\n${text}`);
  const result = compileProfile(path);
  if (!result.ir) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  return result.ir;
}

describe("when blocks in the IR", () => {
  it("joins the block conditions with the rule's own, outermost first", () => {
    const ir = compile('when Modality == "CT" or Modality == "MR" {\n  when exists(StationName) {\n    StudyDescription -> "X" when Rows > 1\n  }\n  reject when Rows > 4000 because "big"\n}\n');
    const rule = ir.rules.find((r) => r.source.line === 8)!;
    expect(describeExpr(rule.when!)).toBe('(Modality == "CT" or Modality == "MR") and exists(StationName) and Rows > 1');
    expect(ir.filters.map((f) => describeExpr(f.when!))).toEqual(['(Modality == "CT" or Modality == "MR") and Rows > 4000']);
    const row = explainProgram(ir).find((r) => r.keyword === "StudyDescription")!;
    expect(row.conditional[0]).toContain('"X" when (Modality == "CT" or Modality == "MR") and exists(StationName) and Rows > 1');
  });
});

describe("selectors in the IR", () => {
  it("resolves keyword /re/ to tags and repeating-group masks, and explain lists each", () => {
    const ir = compile("keyword /^Overlay(Data|Rows)$|^StudyDate$/ -> X\n");
    const rule = ir.rules.find((r) => r.selector.kind === "keywords")!;
    expect(rule.selector).toMatchObject({
      kind: "keywords",
      matches: [
        { kind: "tag", tag: "00080020", keyword: "StudyDate" },
        { kind: "mask", value: "60000010", mask: "FF00FFFF", text: "OverlayRows" },
        { kind: "mask", value: "60003000", mask: "FF00FFFF", text: "OverlayData" },
      ],
    });
    const rows = explainProgram(ir);
    expect(rows.find((r) => r.tag === "(0008,0020)")).toMatchObject({ action: "X", unit: "t.ir" });
    expect(rows.find((r) => r.tag === "(60xx,3000)")).toMatchObject({ action: "X", unit: "t.ir" });
  });

  it("ranks keyword patterns with masks, and any where below vr but above the catch-alls", () => {
    const ir = compile('vr PN -> "vr"\nany where value == "x" -> X\nkeyword /^PatientName$/ -> "kw"\n(0010,xxxx) -> Z\nPatientName -> "exact"\n');
    const own = ir.rules.filter((r) => r.layer === ir.profile.layers.length - 1).map((r) => r.selector.kind === "path" ? r.selector.steps[0]!.kind === "element" ? r.selector.steps[0]!.match.kind : "?" : r.selector.kind);
    expect(own).toEqual(["tag", "keywords", "mask", "vr", "anyWhere"]);
    // the catch-alls of every layer (ps315.basic's `* -> K`) decide after it
    const anyWhere = ir.rules.findIndex((r) => r.selector.kind === "anyWhere");
    const firstCatchAll = ir.rules.findIndex((r) => r.selector.kind === "all" || r.selector.kind === "privateAll");
    expect(firstCatchAll).toBeGreaterThan(anyWhere);
  });
});
