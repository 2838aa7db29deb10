// The `import` subcommand's definition: flags, help and exit codes. The
// translators (src/import/, src/cli/import.ts) load only when the command runs.

import { Argument, Command, Option } from "commander";
import { DEFAULT_LOOKUP_TABLE, IMPORT_TOOLS } from "../import/tools";
import type { ImportCliOptions } from "./import";

const EXIT_CODES = `
Exit codes:
  0  imported, with no warnings
  1  imported with warnings (read them: each names a source line that deidc does differently or could not express),
     or not imported (the source is not a well-formed script or recipe)
  2  usage error: unknown tool, unreadable file, bad option`;

/** Adds the `import` subcommand to the deidc program; `setExit` receives its exit code. */
export function defineImportCommand(program: Command, setExit: (code: number) => void): Command {
  return program
    .command("import")
    .description("translate a CTP DicomAnonymizer script, a pydicom/deid recipe or an XNAT DicomEdit 6 script into a .deid profile")
    .addArgument(new Argument("<tool>", "the tool the sources are for").choices([...IMPORT_TOOLS]))
    .argument("<files...>", "CTP scripts (DicomAnonymizer XML, DicomFilter, DicomPixelAnonymizer), deid recipes or DicomEdit scripts; several are read as one, later ones overriding earlier ones")
    .option("-o, --output <file.deid>", "write the profile to this file (atomically) instead of stdout")
    .option("--lookup <table>", `the CSV table CTP @lookup and DicomEdit lookup calls read in the profile (default ${DEFAULT_LOOKUP_TABLE})`)
    .option("--lookup-table <LookupTable.properties>", "CTP's lookup table: converted into the CSV table (--lookup) next to the -o profile")
    .option("--name <name>", "the profile's name (default imported.<first file's name>)")
    .addOption(new Option("--format <format>", "format of the findings on stderr").choices(["pretty", "json"]).default("pretty"))
    .addHelpText(
      "after",
      `
Examples:
  $ deidc import ctp DicomAnonymizer.script -o site.deid
  $ deidc import ctp DICOM-PS3.15-Basic RetainUIDs.script --lookup ids.csv -o trial.deid
  $ deidc import ctp DicomAnonymizer.script --lookup-table LookupTable.properties -o site.deid
  $ deidc import ctp DicomAnonymizer.script DicomFilter.script DicomPixelAnonymizer.script -o site.deid
  $ deidc import deid deid.dicom -o recipe.deid --format json 2> findings.json
  $ deidc import dicomedit project-anon.das -o project.deid
${EXIT_CODES}`,
    )
    .action(async (tool: string, files: string[], opts: ImportCliOptions) =>
      setExit(await (await import("./import")).importWithDependencies(tool, files, opts, { stdout: process.stdout, stderr: process.stderr, env: process.env })),
    );
}
