// Machine-generated rule files write conditions of thousands of `or`ed
// terms. Every pass after parsing walks expressions recursively; the parser
// balances `and`/`or` chains so none of them meets a tree thousands deep.
// Here each pass runs on such chains, and on a condition at the depth limit
// inside 60 `when` blocks: lint, the IR and its schema, explain, the
// generated plan module and the interpreter, which must agree.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderExplainMarkdown } from "../../src/cli/explain";
import { compileProfile } from "../../src/compile";
import { explainProgram } from "../../src/ir/explain";
import type { IrExpr, IrProgram } from "../../src/ir/types";
import { validateIr } from "../../src/ir/validate";
import { createExecutor } from "../../src/runtime/executor";
import { CORPUS_DIR, evaluateGenerated, testEnvironment } from "../codegen/helpers";

const dir = mkdtempSync(join(tmpdir(), "deidc-long-"));
let count = 0;

function compile(body: string): IrProgram {
  const path = join(dir, `p${count++}.deid`);
  writeFileSync(path, `deid 1\n\nprofile t.long "t"\n  based on ps315.basic\n\n${body}`);
  const result = compileProfile(path);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => d.message)).toEqual([]);
  expect(result.ir).not.toBeNull();
  expect(() => validateIr(result.ir)).not.toThrow();
  return result.ir!;
}

function depth(e: IrExpr): number {
  switch (e.kind) {
    case "binary":
      return 1 + Math.max(depth(e.left), depth(e.right));
    case "not":
      return 1 + depth(e.operand);
    default:
      return 1;
  }
}

/** `PatientID == "p0" or PatientID == "p1" or ...`, with `hit` (if any) as term `at`. */
function chain(op: "or" | "and", n: number, compare: string, hit?: { at: number; value: string }): string {
  return Array.from({ length: n }, (_, i) => `PatientID ${compare} "${hit && i === hit.at ? hit.value : `p${i}`}"`).join(` ${op} `);
}

const CT = CORPUS_DIR && join(CORPUS_DIR, "pydicom-debian/CT_small.dcm");
const ctBytes = CT && existsSync(CT) ? new Uint8Array(readFileSync(CT)) : null;

/** The outcome for CT_small (PatientID `1CT1`) by the generated plan and by the interpreter, which must agree. */
function outcome(ir: IrProgram): string {
  const env = testEnvironment(ir);
  const generated = evaluateGenerated(ir).createProcessor(env).process(ctBytes!, "CT_small.dcm");
  const interpreted = createExecutor(ir, env).process(ctBytes!, "CT_small.dcm");
  expect(generated.record.outcome).toBe(interpreted.record.outcome);
  return interpreted.record.outcome;
}

describe("conditions of thousands of terms", () => {
  it("a filter with 5,000 `or`ed terms: lint, IR, explain", () => {
    const ir = compile(`reject when ${chain("or", 5000, "==")} because "listed"\n`);
    const when = ir.filters[0]!.when!;
    expect(depth(when)).toBe(Math.ceil(Math.log2(5000)) + 2);
    const markdown = renderExplainMarkdown(ir, explainProgram(ir));
    expect(markdown).toContain("t.long");
  });

  it("a rule with 5,000 `and`ed terms: lint, IR", () => {
    const ir = compile(`PatientName -> "LISTED" when ${chain("and", 5000, "!=")} because "listed"\n`);
    const rule = ir.rules.find((r) => r.because === "listed")!;
    expect(depth(rule.when!)).toBe(Math.ceil(Math.log2(5000)) + 2);
  });

  it.skipIf(ctBytes === null)("the generated plan and the interpreter evaluate 2,000 terms in order", () => {
    expect(outcome(compile(`reject when ${chain("or", 2000, "==", { at: 1777, value: "1CT1" })} because "listed"\n`))).toBe("rejected");
    expect(outcome(compile(`reject when ${chain("or", 2000, "==")} because "listed"\n`))).toBe("written");
    expect(outcome(compile(`reject when ${chain("and", 2000, "!=")} because "none listed"\n`))).toBe("rejected");
    expect(outcome(compile(`reject when ${chain("and", 2000, "!=", { at: 1999, value: "1CT1" })} because "none listed"\n`))).toBe("written");
  });

  it.skipIf(ctBytes === null)("a condition at the depth limit inside 60 `when` blocks", () => {
    // 126 `not`s, the comparison and its operands: 128 levels, the most an expression may have
    const deepest = (test: string) => `${"not ".repeat(126)}${test}`;
    const open = [`when ${deepest('Modality == "CT"')} {\n`, ...Array.from({ length: 59 }, (_, i) => `when Modality != "X${i}" {\n`)].join("");
    const ir = compile(`${open}reject when ${deepest('PatientID == "1CT1"')} because "deep"\n${"}\n".repeat(60)}`);
    // the block conditions and the filter's own are joined left to right: the outermost is 60 `and`s down
    expect(depth(ir.filters[0]!.when!)).toBe(60 + 128);
    expect(() => renderExplainMarkdown(ir, explainProgram(ir))).not.toThrow();
    expect(outcome(ir)).toBe("rejected");
  });
});
