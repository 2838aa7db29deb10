// `deidc import <ctp|deid> <file...> [-o <file.deid>]`: translates CTP
// DicomAnonymizer scripts or pydicom/deid recipes into a .deid profile. The
// profile goes to -o (atomically) or stdout; the findings, which point into
// the source files, go to stderr. The translation itself is src/import/.

import { readFile } from "node:fs/promises";
import { Argument, Command, Option } from "commander";
import { renderJson } from "../diagnostics/json";
import { renderPretty } from "../diagnostics/render";
import { DEFAULT_LOOKUP_TABLE, IMPORT_TOOLS, type ImportTool, importProfile } from "../import";
import { isQualifiedName } from "../import/syntax";
import { writeFileAtomic } from "../run/atomic";
import { displayPath, fsReason } from "../run/paths";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./exit";

export interface ImportCliOptions {
  output?: string;
  lookup?: string;
  name?: string;
  format?: "pretty" | "json";
}

/** What the command needs from the process; tests pass their own. */
export interface ImportDependencies {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

const EXIT_CODES = `
Exit codes:
  0  imported, with no warnings
  1  imported with warnings (read them: each names a source line that deidc does differently or could not express),
     or not imported (the source is not a well-formed script or recipe)
  2  usage error: unknown tool, unreadable file, bad option`;

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

  const result = importProfile(tool as ImportTool, inputs, {
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

/** Adds the `import` subcommand to the deidc program; `setExit` receives its exit code. */
export function defineImportCommand(program: Command, setExit: (code: number) => void): Command {
  return program
    .command("import")
    .description("translate a CTP DicomAnonymizer script or a pydicom/deid recipe into a .deid profile")
    .addArgument(new Argument("<tool>", "the tool the sources are for").choices([...IMPORT_TOOLS]))
    .argument("<files...>", "CTP scripts (XML) or deid recipes; several are read as one, later ones overriding earlier ones")
    .option("-o, --output <file.deid>", "write the profile to this file (atomically) instead of stdout")
    .option("--lookup <table>", `the CSV table CTP @lookup calls read in the profile (default ${DEFAULT_LOOKUP_TABLE})`)
    .option("--name <name>", "the profile's name (default imported.<first file's name>)")
    .addOption(new Option("--format <format>", "format of the findings on stderr").choices(["pretty", "json"]).default("pretty"))
    .addHelpText(
      "after",
      `
Examples:
  $ deidc import ctp DicomAnonymizer.script -o site.deid
  $ deidc import ctp DICOM-PS3.15-Basic RetainUIDs.script --lookup ids.csv -o trial.deid
  $ deidc import deid deid.dicom -o recipe.deid --format json 2> findings.json
${EXIT_CODES}`,
    )
    .action(async (tool: string, files: string[], opts: ImportCliOptions) =>
      setExit(await importWithDependencies(tool, files, opts, { stdout: process.stdout, stderr: process.stderr, env: process.env })),
    );
}
