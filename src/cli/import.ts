// `deidc import <ctp|deid|dicomedit> <file...> [-o <file.deid>]`: translates
// CTP DicomAnonymizer scripts, pydicom/deid recipes or XNAT DicomEdit 6
// scripts into a .deid profile. The
// profile goes to -o (atomically) or stdout; the findings, which point into
// the source files, go to stderr. The translation itself is src/import/.

import { readFile } from "node:fs/promises";
import { renderJson } from "../diagnostics/json";
import { renderPretty } from "../diagnostics/render";
import { DEFAULT_LOOKUP_TABLE, IMPORT_TOOLS, type ImportTool, importProfile } from "../import";
import { isQualifiedName } from "../import/syntax";
import { resolve } from "node:path";
import { writeFileAtomic } from "../run/atomic";
import { resolveTablePath } from "../run/tables";
import { displayPath, fsReason } from "../run/paths";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./exit";

export interface ImportCliOptions {
  output?: string;
  lookup?: string;
  lookupTable?: string;
  name?: string;
  format?: "pretty" | "json";
}

/** What the command needs from the process; tests pass their own. */
export interface ImportDependencies {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

/** The command with its process dependencies given; `defineImportCommand` passes the real ones. */
export async function importWithDependencies(tool: string, files: readonly string[], opts: ImportCliOptions, deps: ImportDependencies): Promise<number> {
  if (!(IMPORT_TOOLS as readonly string[]).includes(tool)) throw new UsageError(`import reads \`ctp\` scripts or \`deid\` recipes, not \`${tool}\``);
  if (files.length === 0) throw new UsageError("import needs at least one source file");
  if (opts.name !== undefined && !isQualifiedName(opts.name)) throw new UsageError(`--name ${opts.name}: a profile name is letters, digits and _, in parts joined by . or -`);
  if (opts.output !== undefined && !opts.output.endsWith(".deid")) throw new UsageError(`-o ${opts.output}: the output is a rule file, named *.deid`);
  const inputs = [];
  for (const path of files) {
    try {
      inputs.push({ path, text: await readFile(path, "utf8") });
    } catch (e) {
      throw new UsageError(`cannot read ${displayPath(path)}: ${fsReason(e)}`);
    }
  }

  let ctpLookupTable: { path: string; text: string } | undefined;
  if (opts.lookupTable !== undefined) {
    if (tool !== "ctp") throw new UsageError("--lookup-table converts a CTP lookup table; it goes with `deidc import ctp`");
    if (opts.output === undefined) throw new UsageError("--lookup-table writes the converted table next to the profile; give the profile's path with -o");
    try {
      ctpLookupTable = { path: opts.lookupTable, text: await readFile(opts.lookupTable, "utf8") };
    } catch (e) {
      throw new UsageError(`cannot read ${displayPath(opts.lookupTable)}: ${fsReason(e)}`);
    }
  }

  const result = importProfile(tool as ImportTool, inputs, {
    ...(ctpLookupTable ? { ctpLookupTable } : {}),
    ...(opts.lookup !== undefined ? { lookupTable: opts.lookup } : {}),
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.output !== undefined ? { outputPath: opts.output } : {}),
  });

  const sources = new Map<string, SourceText>(result.sources.map((s) => [s.path, s.source]));
  if (opts.format === "json") deps.stderr.write(renderJson(result.findings, sources));
  else {
    const color = deps.stderr.isTTY === true && !deps.env.NO_COLOR && deps.env.TERM !== "dumb";
    deps.stderr.write(renderPretty(result.findings, sources, { color }));
  }

  if (result.text === null) {
    deps.stderr.write(`deidc: nothing was imported from ${files.join(", ")}\n`);
    return EXIT_FINDINGS;
  }
  if (opts.output !== undefined) {
    // The converted tables go next to the profile, where its `lookup` actions look for them.
    for (const table of result.tables) {
      const path = resolveTablePath(table.path, opts.output);
      if (files.some((f) => resolve(f) === path) || (opts.lookupTable !== undefined && resolve(opts.lookupTable) === path)) {
        throw new UsageError(`the converted lookup table would replace the input ${displayPath(path)}; name another with --lookup`);
      }
      try {
        await writeFileAtomic(path, table.text);
      } catch (e) {
        throw new UsageError(`cannot write the lookup table ${displayPath(path)}: ${fsReason(e)}`);
      }
    }
    try {
      await writeFileAtomic(opts.output, result.text);
    } catch (e) {
      throw new UsageError(`-o ${opts.output}: cannot write: ${fsReason(e)}`);
    }
  } else {
    deps.stdout.write(result.text);
  }
  const warnings = result.findings.some((d) => d.severity === "warning" || d.severity === "error");
  return warnings ? EXIT_FINDINGS : EXIT_OK;
}

