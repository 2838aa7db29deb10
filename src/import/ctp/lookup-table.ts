// A CTP lookup table (LookupTable.properties): a Java properties file whose
// keys are `keytype/value` and whose values are the replacements, read by
// `@lookup(element, keytype)`. The import turns it into the CSV table the
// imported profile reads: key type, key, replacement.
//
// Properties syntax (java.util.Properties.load): `#` or `!` starts a comment
// line; a key ends at the first unescaped `=`, `:` or white space; a line
// ending in an odd number of backslashes continues on the next; `\t`, `\n`,
// `\uXXXX` and `\x` escapes.

import { csvField } from "../../run/crosswalk";
import { ImportCode } from "../codes";
import type { Findings, ImportSource } from "../source";

export interface LookupEntry {
  keyType: string;
  key: string;
  value: string;
  line: number;
}

export interface LookupTable {
  source: ImportSource;
  entries: LookupEntry[];
}

/** The entries of a CTP lookup table; lines that are not `keytype/key=value` give a finding each. */
export function readCtpLookupTable(source: ImportSource, findings: Findings): LookupTable {
  const entries: LookupEntry[] = [];
  const lines = source.text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = lines[i]!.replace(/^[ \t\f]+/, "");
    if (logical === "" || logical.startsWith("#") || logical.startsWith("!")) continue;
    while (endsWithContinuation(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, "");
    }
    const { key, value } = splitProperty(logical);
    const slash = key.indexOf("/");
    if (slash <= 0) {
      findings.add(source, ImportCode.ignoredLine, source.lineSpan(startLine), `CTP's @lookup never reads \`${key}\`: a key is \`keytype/value\`, so this line is not converted`, {
        help: "write the key as the key type the script names, a slash, and the value: `ptid/12345=SUBJ-01`",
      });
      continue;
    }
    entries.push({ keyType: key.slice(0, slash), key: key.slice(slash + 1), value, line: startLine });
  }
  return { source, entries };
}

/** The CSV text of the table: one `keytype,key,value` row per entry, in the file's order. */
export function lookupTableCsv(table: LookupTable): string {
  return table.entries.map((e) => `${csvField(e.keyType)},${csvField(e.key)},${csvField(e.value)}`).join("\n") + (table.entries.length > 0 ? "\n" : "");
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let k = line.length - 1; k >= 0 && line[k] === "\\"; k--) n++;
  return n % 2 === 1;
}

function splitProperty(line: string): { key: string; value: string } {
  let key = "";
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) {
      key += unescape(line, i);
      i += escapeLength(line, i) - 1;
      continue;
    }
    if (c === "=" || c === ":" || c === " " || c === "\t" || c === "\f") break;
    key += c;
  }
  // Separator: white space, then at most one `=` or `:`, then white space.
  while (i < line.length && /[ \t\f]/.test(line[i]!)) i++;
  if (i < line.length && (line[i] === "=" || line[i] === ":")) i++;
  while (i < line.length && /[ \t\f]/.test(line[i]!)) i++;
  let value = "";
  for (; i < line.length; i++) {
    if (line[i] === "\\" && i + 1 < line.length) {
      value += unescape(line, i);
      i += escapeLength(line, i) - 1;
      continue;
    }
    value += line[i];
  }
  return { key, value };
}

function escapeLength(line: string, i: number): number {
  return line[i + 1] === "u" && /^[0-9A-Fa-f]{4}$/.test(line.slice(i + 2, i + 6)) ? 6 : 2;
}

function unescape(line: string, i: number): string {
  const c = line[i + 1]!;
  if (c === "u" && /^[0-9A-Fa-f]{4}$/.test(line.slice(i + 2, i + 6))) return String.fromCharCode(parseInt(line.slice(i + 2, i + 6), 16));
  return c === "t" ? "\t" : c === "n" ? "\n" : c === "r" ? "\r" : c === "f" ? "\f" : c;
}
