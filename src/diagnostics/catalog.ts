// The full code table (syntax codes plus the checker's) and its Markdown
// rendering, docs/diagnostics.md, which a test keeps in sync.

import { codes, type CodeInfo } from "./codes";
import "../check/codes";
import "../import/codes";

export function allCodes(): CodeInfo[] {
  return [...codes.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}

export function renderCatalog(): string {
  const lines = [
    "# Diagnostics",
    "",
    "Generated from `src/diagnostics/codes.ts`, `src/check/codes.ts` and `src/import/codes.ts` by `npx tsx scripts/gen-diagnostics-doc.ts`; a test fails when this page is stale.",
    "",
    "Codes are stable: a code is never reused for another meaning. Ranges: 1xxx syntax, 2xxx names and types, 3xxx rule logic and the standard, 4xxx files, 6xxx findings of `deidc import`.",
    "Errors stop compilation; warnings do not (`deidc lint --max-warnings 0` makes them fail CI). A finding may carry a fix, a text edit that `deidc lint --fix` applies (and editors through the JSON and SARIF output).",
    "",
    "| code | name | severity | meaning |",
    "|---|---|---|---|",
  ];
  for (const c of allCodes()) lines.push(`| ${c.code} | ${c.name} | ${c.severity} | ${c.summary.replace(/\|/g, "\\|")} |`);
  return lines.join("\n") + "\n";
}
