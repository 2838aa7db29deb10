// The `run` subcommand's definition: flags, help and exit codes. The compiler
// and the batch driver (src/cli/run.ts) load only when the command runs.

import { availableParallelism } from "node:os";
import { Command, Option } from "commander";
import { LAYOUTS } from "../run/layout";
import type { RunCliOptions } from "./run";

/** Upper bound of --jobs: threads beyond this only cost memory. */
export const MAX_JOBS = 256;

/**
 * --jobs when not given: one worker per core the process may use, but one,
 * which the writer thread keeps busy (measured on 2 cores, W1 and W2 of
 * `npm run bench`: --jobs 2 took 10-15% longer than --jobs 1).
 */
export function defaultJobs(): number {
  return Math.min(MAX_JOBS, Math.max(1, availableParallelism() - 1));
}

const EXIT_CODES = `
Exit codes:
  0  every object was written (or skipped by a \`skip\` filter)
  1  some objects failed, were rejected or quarantined (each is named on stderr and in the report)
  2  usage error: bad options, missing key or lookup table, profile with errors, a place the run
     cannot write to; no input was read
  3  stopped part-way: the report or crosswalk could not be written (the message says what is in place)
  130, 143, 129  stopped by SIGINT, SIGTERM or SIGHUP: the objects under way were finished and the
     report written, with the signal in its summary`;

function collectOptionNames(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((s) => s.trim()).filter(Boolean)];
}

/** Repeatable without splitting on commas: a parameter's value may contain one. */
function collectRepeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The options `deidc run` and a compiled processor share, after their inputs and -o: one definition, one behaviour. */
export function withBatchOptions(command: Command): Command {
  return command
    .option("--report <file.jsonl>", "write the audit report: one JSON line per object, then a summary line")
    .option("--crosswalk <dir>", "write original-to-new Patient ID and UID maps here (outside the output folder)")
    .option("--quarantine <dir>", "copy quarantined originals, unchanged, here (outside the output folder)")
    .option("--param <NAME=value>", "set a profile parameter (repeat for several)", collectRepeated)
    .option("--key-file <file>", "read the secret key from this file, for every secret (default: the profile's secrets, or DEID_KEY)")
    .addOption(new Option("--layout <layout>", "output layout").choices([...LAYOUTS]).default("mirror"))
    .option("-j, --jobs <n>", `worker threads (default: the number of cores less one, for the writer thread: ${defaultJobs()} here); output does not depend on it`)
    .option("--no-progress", "no progress line, even on a terminal");
}

/** Adds the `run` subcommand to the deidc program; `setExit` receives its exit code. */
export function defineRunCommand(program: Command, setExit: (code: number) => void): Command {
  const command = program
    .command("run")
    .description("de-identify DICOM files with a profile")
    .argument("<profile>", "a rule file or a standard-library name such as ps315.basic")
    .argument("<inputs...>", "DICOM files or folders (searched recursively, hidden files skipped)")
    .requiredOption("-o, --output <dir>", "output folder (created if missing; never an input folder)")
    .option("--with <options>", "switch options on (repeat, or separate with commas)", collectOptionNames);
  return withBatchOptions(command)
    .addHelpText(
      "after",
      `
Examples:
  $ DEID_KEY=... deidc run ps315.basic scans/ -o release/ --report release.jsonl
  $ deidc run site.deid scans/ -o release/ --key-file /run/secrets/deid-key --layout patient/study/series
  $ deidc run ps315.basic --with ps315.retain-uids in/ -o out/ --crosswalk ../private/crosswalk --quarantine ../private/quarantine
${EXIT_CODES}`,
    )
    .action(async (profile: string, inputs: string[], opts: RunCliOptions) => setExit(await (await import("./run")).runCommand(profile, inputs, opts)));
}
