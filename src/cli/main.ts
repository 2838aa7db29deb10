// The deidc command line. The only code that touches argv, the environment,
// stdout and the exit code; every command returns its exit code. Each
// command's module is imported when that command runs, so that `deidc run`
// does not load the importers nor `deidc lint` the runtime (in the bundle,
// each is a chunk of its own: scripts/build.mjs).

import { Command, CommanderError, Option } from "commander";
import { COMPILER_VERSION } from "../version";
import { LoadError } from "../program/load-error";
import { EXIT_USAGE, UsageError } from "./exit";
import { defineImportCommand } from "./import-command";
import { defineRunCommand } from "./run-command";

export const EXIT_CODES = `
Exit codes:
  0  success: no problems found, or every object written
  1  findings: lint errors (or more warnings than --max-warnings), files not formatted;
     run: some objects failed, were rejected or were quarantined
  2  usage error, missing key or table, unreadable entry file, or an internal error
  3  run: stopped part-way, its report or crosswalk could not be written
  130, 143, 129  run: stopped by SIGINT, SIGTERM or SIGHUP after finishing the objects under way`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((s) => s.trim()).filter(Boolean)];
}

export function buildCli(setExit: (code: number) => void): Command {
  const program = new Command("deidc")
    .description("De-identification language and compiler for medical images (DICOM PS3.15)")
    .version(COMPILER_VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES)
    .exitOverride();

  program
    .command("lint")
    .description("check rule files against the grammar, the data dictionary and the standard")
    .argument("<files...>", "rule files, directories (every .deid below) or standard-library names")
    .addOption(new Option("--format <format>", "output format").choices(["pretty", "json", "sarif"]).default("pretty"))
    .option("--max-warnings <n>", "exit 1 when there are more warnings than this")
    .option("--fix", "apply the fixes findings suggest to the rule files (atomically), then report what is left")
    .addHelpText(
      "after",
      `
Examples:
  $ deidc lint rules/examples/*.deid
  $ deidc lint rules/ --format sarif > deidc.sarif      # for code scanning in CI
  $ deidc lint site.deid --max-warnings 0               # warnings fail the build too
  $ deidc lint site.deid --fix                          # apply the suggested fixes
${EXIT_CODES}`,
    )
    .action(async (files: string[], opts) => setExit((await import("./lint")).lintCommand(files, opts)));

  program
    .command("fmt")
    .description("rewrite rule files in canonical form (comments are kept)")
    .argument("<files...>", "rule files or directories")
    .option("--check", "change nothing; exit 1 if a file is not in canonical form")
    .addHelpText(
      "after",
      `
Examples:
  $ deidc fmt rules/                 # format every .deid file below rules/
  $ deidc fmt --check rules/ stdlib/ # in CI
${EXIT_CODES}`,
    )
    .action(async (files: string[], opts) => setExit((await import("./fmt")).fmtCommand(files, opts)));

  program
    .command("compile")
    .description("compile a profile: the IR (JSON), a plan module (ts, js), or a standalone processor (bundle)")
    .argument("<profile>", "a rule file or a standard-library name such as ps315.basic")
    .addOption(new Option("--emit <what>", "ir (JSON), ts or js (plan module), bundle (standalone processor); default: from -o (.mjs bundle, .ts ts, .js js), else ir").choices(["ir", "ts", "js", "bundle"]))
    .option("--with <options>", "switch options on (repeat, or separate with commas)", collect)
    .option("-o, --output <file>", "write to a file (atomically) instead of stdout")
    .addHelpText(
      "after",
      `
Examples:
  $ deidc compile rules/examples/research-date-shift.deid --emit ir
  $ deidc compile ps315.basic --with ps315.retain-uids -o basic.ts          # readable plan module
  $ deidc compile site.deid -o processor.mjs                                # one file, no node_modules needed
  $ DEID_KEY=... node processor.mjs scans/ -o release/ --report release.jsonl
${EXIT_CODES}`,
    )
    .action(async (profile: string, opts) => setExit(await (await import("./compile")).compileCommand(profile, opts)));

  program
    .command("explain")
    .description("the effective action for every attribute a profile names, and where it came from")
    .argument("[profile]", "a rule file or a standard-library name such as ps315.basic")
    .option("--with <options>", "switch options on (repeat, or separate with commas)", collect)
    .addOption(new Option("--format <format>", "output format").choices(["md", "json"]).default("md"))
    .option("--list", "list the standard-library profiles and options")
    .addHelpText(
      "after",
      `
Examples:
  $ deidc explain ps315.basic --format json
  $ deidc explain ps315.basic --with ps315.retain-uids
  $ deidc explain rules/examples/trial-pseudonyms.deid > DEIDENTIFICATION.md
  $ deidc explain --list
${EXIT_CODES}`,
    )
    .action(async (profile: string | undefined, opts) => setExit((await import("./explain")).explainCommand(profile, opts)));

  defineRunCommand(program, setExit);
  defineImportCommand(program, setExit);

  const stdlib = program.command("stdlib").description("the standard rule library generated from DICOM PS3.15");
  stdlib
    .command("generate")
    .description("regenerate the standard library from PS3.15's DocBook XML")
    .requiredOption("--source <part15.xml>", "NEMA's DocBook source of PS3.15 (any release)")
    .option("--out <dir>", "output folder", "stdlib")
    .addHelpText(
      "after",
      `
Examples:
  $ deidc stdlib generate --source ../shared/standard/part15-2026c.xml --out stdlib/
  $ deidc stdlib generate --source part15-2025b.xml --out /tmp/stdlib-2025b && diff -r /tmp/stdlib-2025b stdlib
${EXIT_CODES}`,
    )
    .action(async (opts) => setExit(await (await import("./stdlib")).stdlibGenerateCommand(opts)));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  // `deidc explain ... | head`: the reader has what it wanted. A closed stdout ends the program quietly instead of
  // with an unhandled EPIPE; `run` writes nothing to stdout, and guards its stderr itself (src/run/stderr.ts).
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  let code = 0;
  const cli = buildCli((c) => (code = c));
  try {
    await cli.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof UsageError || e instanceof LoadError) {
      process.stderr.write(`deidc: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`deidc: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_USAGE;
  }
}

// Run when executed (bundled as dist/deidc.mjs or through tsx), not when imported by tests.
const invoked = process.argv[1] ?? "";
if (/deidc(\.mjs)?$|cli[\\/]main\.ts$/.test(invoked)) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
