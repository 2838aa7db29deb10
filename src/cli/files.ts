// Expands command-line arguments into rule files: a directory stands for
// every .deid file below it, in sorted order so output is stable.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { looksLikeUnitName } from "../program/load";
import { findStdlib } from "../program/stdlib-index";
import { UsageError } from "./exit";

export function expandRuleFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".deid")) out.push(p);
    }
  };
  for (const arg of args) {
    let st;
    try {
      st = statSync(arg);
    } catch {
      if (looksLikeUnitName(arg) && findStdlib()?.units[arg]) {
        out.push(arg);
        continue;
      }
      throw new UsageError(`${arg}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const before = out.length;
      walk(arg);
      // A folder with no rule file is a wrong path more often than a clean result.
      if (out.length === before) throw new UsageError(`${arg}: no .deid files in this folder`);
    } else out.push(arg);
  }
  return out;
}
