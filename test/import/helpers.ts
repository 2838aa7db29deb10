// Shared pieces of the import tests: running an import on text made in the
// test, checking that its output is canonical and lint-clean, and reading
// what `explain` says the imported profile does to each attribute.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { checkProgram } from "../../src/check";
import { compileProfile } from "../../src/compile";
import type { Diagnostic } from "../../src/diagnostics/diagnostic";
import { importProfile, type ImportOptions, type ImportResult, type ImportTool } from "../../src/import";
import { explainProgram, type ExplainRow } from "../../src/ir/explain";
import { loadProgram } from "../../src/program/parse-and-load";
import { formatDeid } from "../../src/syntax/format";
import { parseDeid } from "../../src/syntax/parse";

const temporaryDirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "deidc-import-"));
  temporaryDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Imports one source text under `path` (its name appears in findings and the profile's title). */
export function importText(tool: ImportTool, text: string, path = tool === "ctp" ? "site.script" : "deid.site", options: ImportOptions = {}): ImportResult {
  return importProfile(tool, [{ path, text }], options);
}

/** The text of an import that must have succeeded. */
export function importedText(result: ImportResult): string {
  expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
  expect(result.text).not.toBeNull();
  return result.text!;
}

/** The profile parses without errors, formats to itself, and the linter has nothing to say. */
export function expectCanonicalAndClean(text: string, path = "imported.deid", allowed: readonly string[] = []): void {
  const parsed = parseDeid(text, path);
  expect(parsed.diagnostics).toEqual([]);
  expect(formatDeid(parsed.file, text)).toBe(text);
  expect(checkProgram(loadProgram(path, [], text)).filter((d) => !allowed.includes(d.code))).toEqual([]);
}

/** `explain` of the profile, by attribute keyword (or selector label when it has none). */
export function explainImported(text: string): Map<string, ExplainRow> {
  const dir = tempDir();
  const path = join(dir, "imported.deid");
  writeFileSync(path, text);
  const compiled = compileProfile(path);
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const rows = new Map<string, ExplainRow>();
  for (const row of explainProgram(compiled.ir!)) rows.set(row.keyword ?? row.tag, row);
  return rows;
}

/** The action explain gives an attribute. */
export function actionOf(rows: ReadonlyMap<string, ExplainRow>, keyword: string): string | undefined {
  return rows.get(keyword)?.action;
}

/** The findings of one code, as `line: message` with the 1-based source line of each. */
export function findingsOf(result: ImportResult, code: string): { line: number; message: string; severity: Diagnostic["severity"] }[] {
  const byPath = new Map(result.sources.map((s) => [s.path, s]));
  return result.findings
    .filter((f) => f.code === code)
    .map((f) => ({ line: byPath.get(f.file)!.lineOf(f.span.start), message: f.message, severity: f.severity }));
}

/** The rule lines of a profile (no comments), trailing origin comments removed. */
export function ruleLines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("//") && !l.startsWith("deid ") && !l.startsWith("profile ") && !l.startsWith("  ") && !l.startsWith("secret ") && !l.startsWith("param "))
    .map((l) => l.replace(/ \/\/ .*$/, ""));
}
