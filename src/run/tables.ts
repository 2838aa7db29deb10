// Lookup tables named by `lookup("file.csv", key...)` actions. Each is read
// once, before any input is touched, so a missing or malformed table stops
// the run instead of sending every object down the `else` branch.
//
// Tables hold original identifiers. Error messages therefore name the file
// and line of a bad row, never its content.

import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { IrAction, IrProgram, IrSource } from "../ir/types";
import { RunSetupError } from "./errors";
import { displayPath, fsReason } from "./paths";

/** Separator of the columns of a composite key in the executor's table maps. */
export const COMPOSITE_KEY_SEPARATOR = "\u0000";

/** One `lookup` action: the table as written, how many key columns it needs, where it is. */
export interface TableUse {
  table: string;
  keyCount: number;
  source: IrSource;
}

/** Every lookup action of the program, in rule order (including lookups in `else` branches). */
export function tableUses(ir: IrProgram): TableUse[] {
  const uses: TableUse[] = [];
  const visit = (action: IrAction, source: IrSource): void => {
    if (action.kind !== "lookup") return;
    uses.push({ table: action.table, keyCount: action.keys.length, source });
    if (action.otherwise.kind !== "quarantine") visit(action.otherwise, source);
  };
  for (const rule of ir.rules) visit(rule.action, rule.source);
  return uses;
}

/**
 * A table path as written, resolved against the folder of the rule file that
 * names it; a relative `ruleFile` (as the IR names files) is relative to `baseDir`.
 */
export function resolveTablePath(table: string, ruleFile: string, baseDir: string = process.cwd()): string {
  return isAbsolute(table) ? table : resolve(baseDir, dirname(ruleFile), table);
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CsvRow {
  /** 1-based line on which the row starts */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 records: fields separated by commas, rows by LF or CRLF; a field
 * in double quotes may hold commas, line breaks and doubled quotes. A UTF-8
 * byte order mark is ignored. Empty lines are skipped.
 */
export function parseCsvRows(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const rowLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        const openedOn = line;
        i++;
        for (;;) {
          if (i >= text.length) throw new CsvSyntaxError(openedOn, "a quoted field is not closed");
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          field += c;
          i++;
        }
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && !(text[i] === "\r" && text[i + 1] === "\n")) {
          throw new CsvSyntaxError(line, "a closing quote must be followed by a comma or the end of the line");
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\n" && !(text[i] === "\r" && text[i + 1] === "\n")) {
          if (text[i] === '"') throw new CsvSyntaxError(line, "a quote inside an unquoted field (quote the whole field and double the quote)");
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      if (i < text.length && text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === "\r") i++;
    if (text[i] === "\n") {
      i++;
      line++;
    }
    const blank = fields.length === 1 && fields[0] === "";
    if (!blank) rows.push({ line: rowLine, fields });
  }
  return rows;
}

/**
 * A lookup table: header row, then rows whose first `keyCount` columns are
 * the key and whose last column is the value. Composite keys are joined by
 * COMPOSITE_KEY_SEPARATOR. A key that appears twice with different values is
 * an error (which pseudonym would be meant?); an exact repeat is accepted.
 */
export function parseLookupTable(text: string, file: string, keyCount: number): Map<string, string> {
  const fail = (line: number, message: string): never => {
    throw new RunSetupError(`${file}:${line}: ${message}`);
  };
  let rows: CsvRow[];
  try {
    rows = parseCsvRows(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) fail(e.line, e.message);
    throw e;
  }
  const header = rows[0];
  if (!header) return fail(1, "the table is empty; it needs a header row, then one row per key");
  const columns = keyCount + 1;
  if (header.fields.length !== columns) {
    fail(header.line, `the header has ${header.fields.length} column(s), but the lookup uses ${keyCount} key(s), so the table needs ${columns} (keys first, value last)`);
  }
  const table = new Map<string, string>();
  const firstLine = new Map<string, number>();
  for (const row of rows.slice(1)) {
    if (row.fields.length !== columns) fail(row.line, `expected ${columns} fields like the header, found ${row.fields.length}`);
    // Spaces around a field are the spreadsheet's, not the pseudonym's: the object's key is trimmed the
    // same way when it is looked up, and a value is written where leading and trailing spaces mean nothing.
    const key = row.fields
      .slice(0, keyCount)
      .map((f) => f.trim())
      .join(COMPOSITE_KEY_SEPARATOR);
    const value = row.fields[keyCount]!.trim();
    const previous = table.get(key);
    if (previous !== undefined && previous !== value) {
      fail(row.line, `this key already has a different value on line ${firstLine.get(key)}`);
    }
    if (previous === undefined) {
      table.set(key, value);
      firstLine.set(key, row.line);
    }
  }
  return table;
}

/**
 * A table the lookups cannot use. `unavailable`: the file cannot be read
 * (missing, no permission); `content`: it can, but does not fit the lookups
 * (not CSV, wrong width, a key with two values); `lookups`: the lookups
 * disagree about it (different key counts, one written path meaning two
 * files). `deidc run` refuses all three; `deidc lint` only warns about an
 * unavailable table (docs/run.md, "Lookup tables").
 */
export interface TableProblem {
  kind: "unavailable" | "content" | "lookups";
  /** the table as written in the rule file */
  table: string;
  /** the lookup that names it (the first one, when the problem is the table's content) */
  use: TableUse;
  /** the run's message: names the table, the rule and, for a bad row, the table's file and line (never the row's content) */
  message: string;
}

/**
 * Reads and checks every table the lookups name: one reading and one set of
 * checks for `deidc run` (loadTables) and for `deidc lint` and `deidc compile`
 * (src/check/lookup-tables.ts). Returns the tables that could be read, keyed
 * by the path as written, and every problem, in the order of the lookups.
 * `baseDir` is the folder the IR's rule-file names are relative to
 * (Program.baseDir, the entry profile's folder).
 */
export function readTables(
  uses: readonly TableUse[],
  baseDir: string = process.cwd(),
  /** how messages name a rule file (a diagnostic's display path; the IR's name by default) */
  shownAs: (ruleFile: string) => string = (f) => f,
): { tables: Map<string, ReadonlyMap<string, string>>; problems: TableProblem[] } {
  const problems: TableProblem[] = [];
  const byName = new Map<string, { absolute: string; use: TableUse }>();
  for (const use of uses) {
    const absolute = resolveTablePath(use.table, use.source.file, baseDir);
    const seen = byName.get(use.table);
    if (!seen) {
      byName.set(use.table, { absolute, use });
      continue;
    }
    const at = (u: TableUse): string => `${shownAs(u.source.file)}:${u.source.line}`;
    if (seen.absolute !== absolute) {
      problems.push({ kind: "lookups", table: use.table, use, message: `lookup table \`${use.table}\` means ${displayPath(seen.absolute)} at ${at(seen.use)} but ${displayPath(absolute)} at ${at(use)}; give the tables different names` });
    } else if (seen.use.keyCount !== use.keyCount) {
      problems.push({ kind: "lookups", table: use.table, use, message: `lookup table \`${use.table}\` is used with ${seen.use.keyCount} key(s) at ${at(seen.use)} but ${use.keyCount} at ${at(use)}` });
    }
  }
  const tables = new Map<string, ReadonlyMap<string, string>>();
  for (const [name, { absolute, use }] of byName) {
    let text: string;
    try {
      text = readFileSync(absolute, "utf8");
    } catch (e) {
      problems.push({ kind: "unavailable", table: name, use, message: `cannot read lookup table \`${name}\` named at ${shownAs(use.source.file)}:${use.source.line} (${displayPath(absolute)}): ${fsReason(e)}` });
      continue;
    }
    try {
      tables.set(name, parseLookupTable(text, displayPath(absolute), use.keyCount));
    } catch (e) {
      if (!(e instanceof RunSetupError)) throw e;
      problems.push({ kind: "content", table: name, use, message: e.message });
    }
  }
  return { tables, problems };
}

/**
 * Reads every table the program's lookups name, keyed by the path as written
 * in the rule file (the executor's ExecutorEnvironment.tables contract).
 * Throws RunSetupError for a missing or malformed table, for lookups of one
 * table with different key counts, and for one written path that would mean
 * two different files (two rule files in different folders).
 */
export function loadTables(ir: IrProgram, baseDir: string = process.cwd()): Map<string, ReadonlyMap<string, string>> {
  const { tables, problems } = readTables(tableUses(ir), baseDir);
  if (problems.length > 0) throw new RunSetupError(problems[0]!.message);
  return tables;
}
