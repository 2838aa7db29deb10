// What the checker promises (src/check/index.ts): when it reports no error,
// the IR builds, validates against its schema, and every name in it is
// resolved. Tested over every rule file and example of the repository and
// over generated variations of them.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../src/check";
import { buildIr } from "../../src/ir/build";
import type { IrExpr, IrProgram } from "../../src/ir/types";
import { validateIr } from "../../src/ir/validate";
import { loadProgram } from "../../src/program/parse-and-load";
import { entryProfile } from "../../src/program/program";
import { lookupTag } from "../../src/dicom/dictionary";

const root = new URL("../../", import.meta.url).pathname;
function ruleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? ruleFiles(p) : n.endsWith(".deid") ? [p] : [];
  });
}

function exprs(ir: IrProgram): IrExpr[] {
  const out: IrExpr[] = [];
  const walk = (e: IrExpr): void => {
    out.push(e);
    if (e.kind === "call") e.args.forEach(walk);
    if (e.kind === "binary") [e.left, e.right].forEach(walk);
    if (e.kind === "not") walk(e.operand);
    if (e.kind === "list") e.items.forEach(walk);
    if (e.kind === "range") [e.from, e.to].forEach(walk);
  };
  for (const r of ir.rules) {
    if (r.when) walk(r.when);
    if (r.action.kind === "set") walk(r.action.value);
    if (r.action.kind === "shift") walk(r.action.days);
  }
  ir.lets.forEach((l) => walk(l.value));
  ir.filters.forEach((f) => f.when && walk(f.when));
  return out;
}

function assertGuarantees(path: string, text?: string): void {
  const program = loadProgram(path, [], text);
  const errors = checkProgram(program).filter((d) => d.severity === "error");
  if (errors.length > 0) return;
  const profile = entryProfile(program);
  if (!profile) return;
  const { ir, diagnostics } = buildIr(program, profile);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(() => validateIr(ir)).not.toThrow();
  const declared = new Set([...ir.lets, ...ir.params, ...ir.secrets].map((d) => d.name));
  for (const e of exprs(ir)) {
    if (e.kind === "attr") expect(e.keyword === null || lookupTag(parseInt(e.tag, 16)) !== undefined, `${path}: ${e.keyword}`).toBe(true);
    if (e.kind === "let" || e.kind === "param" || e.kind === "secret") expect(declared.has(e.name), `${path}: ${e.name}`).toBe(true);
  }
  for (const r of ir.rules) {
    if (r.selector.kind !== "path") continue;
    for (const s of r.selector.steps) if (s.kind === "element" && s.match.kind === "tag") expect(s.match.tag).not.toBe("00000000");
  }
}

describe("checker guarantees", () => {
  const files = [...ruleFiles(join(root, "rules")), ...ruleFiles(join(root, "stdlib"))];
  it.each(files.map((f) => [f.slice(root.length)]))("%s: no error implies a valid, fully resolved IR", (rel) => {
    assertGuarantees(join(root, rel));
  });

  it("holds on mutated copies of the examples (renamed attributes, swapped actions)", () => {
    const base = readFileSync(join(root, "rules/examples/research-date-shift.deid"), "utf8");
    const swaps: [RegExp, string][] = [
      [/PatientName/g, "PatientNam"],
      [/shift\(offset\)/g, "U"],
      [/coarsen\(year\)/g, "shift(offset)"],
      [/Modality == "OT"/g, "Modality == 7"],
      [/offset/g, "offsett"],
      [/keep because/g, "keep"],
      [/DEID_KEY/g, "KEY2"],
    ];
    for (const [re, to] of swaps) assertGuarantees(join(root, "rules/examples/mutant.deid"), base.replace(re, to));
  });
});
