// `deidc fmt <files...> [--check]`: rewrite rule files in canonical form
// (atomically), or with --check list the files that are not.

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseDeid } from "../syntax/parse";
import { formatDeid } from "../syntax/format";
import { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK } from "./exit";
import { expandRuleFiles } from "./files";
import { renderDiagnostics } from "./output";
import { findStdlib } from "../program/stdlib-index";
import { resolve } from "node:path";

export function fmtCommand(args: string[], opts: { check?: boolean }): number {
  let failed = 0;
  for (const arg of expandRuleFiles(args)) {
    const stdlibPath = findStdlib()?.units[arg];
    const path = stdlibPath ? resolve(findStdlib()!.dir, stdlibPath) : arg;
    const text = readFileSync(path, "utf8");
    const { file, diagnostics } = parseDeid(text, path);
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
      process.stderr.write(renderDiagnostics(errors, new Map([[path, new SourceText(path, text)]]), "pretty", process.stderr) + "\n");
      process.stderr.write(`${path}: not formatted: fix the syntax errors first\n`);
      failed++;
      continue;
    }
    const formatted = formatDeid(file, text);
    if (formatted === text) continue;
    if (opts.check) {
      process.stdout.write(`${path}: not formatted\n`);
      failed++;
    } else {
      const tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, formatted);
      renameSync(tmp, path);
      process.stdout.write(`${path}: formatted\n`);
    }
  }
  return failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
