// The table of diagnostic codes. A code is never reused for another meaning.
// Ranges: 1xxx syntax, 2xxx names and types, 3xxx rule logic and the
// standard, 4xxx files and imports, 5xxx run time (executor).
// `name` is the kebab-case id used to refer to a lint in docs and config.

import type { Severity } from "./diagnostic";

export interface CodeInfo {
  code: string;
  name: string;
  severity: Severity;
  summary: string;
}

const table: CodeInfo[] = [
  // 1xxx: syntax
  { code: "DEID1001", name: "syntax-error", severity: "error", summary: "the text does not follow the grammar" },
  { code: "DEID1002", name: "bad-token", severity: "error", summary: "a character sequence that is not a token of the language" },
  { code: "DEID1003", name: "bad-tag", severity: "error", summary: "a tag, mask or private tag that is malformed" },
  { code: "DEID1004", name: "bad-string", severity: "error", summary: "an unterminated string or an invalid escape" },
  { code: "DEID1005", name: "bad-regex", severity: "error", summary: "a regular expression that does not compile" },
  { code: "DEID1006", name: "missing-version", severity: "warning", summary: "the file has no `deid 1` line" },
  { code: "DEID1007", name: "unsupported-version", severity: "error", summary: "the file asks for a language version this deidc does not know" },
];

export const codes: ReadonlyMap<string, CodeInfo> = new Map(table.map((c) => [c.code, c]));

export function registerCodes(more: CodeInfo[]): void {
  for (const c of more) {
    if ((codes as Map<string, CodeInfo>).has(c.code)) throw new Error(`diagnostic code ${c.code} registered twice`);
    (codes as Map<string, CodeInfo>).set(c.code, c);
  }
}
