// The program face of a compiled processor:
//
//   node processor.mjs <input...> -o <dir> [--key-file F] [--report r.jsonl] ...
//
// It is `deidc run` with the profile fixed: the same driver
// (runWithDependencies in src/cli/run.ts) does everything after compiling.
// When the processor is bundled, the driver's compile step is replaced by the
// embedded IR (see src/codegen/emit.ts), so options, report lines, messages
// and exit codes are those of `deidc run` by construction.

import { realpathSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { Command, CommanderError } from "commander";
import { EXIT_USAGE, UsageError } from "../../cli/exit";
import { bundledProgramUrl, runWithDependencies, type RunCliOptions } from "../../cli/run";
import { processInterrupts } from "../../run/interrupts";
import { guardedSink } from "../../run/stderr";
import { withBatchOptions } from "../../cli/run-command";
import type { ExecutorEnvironment, Executor } from "../../runtime/executor/types";
import { RunSetupError } from "../../run/errors";

/** What the processor's main needs from its generated plan module. */
export interface ProcessorModule {
  PROFILE: string;
  OPTIONS: readonly string[];
  STANDARD_RELEASE: string | null;
  DEIDC_VERSION: string;
  IR_HASH: string;
  createProcessor(env: ExecutorEnvironment): Executor;
}

const EXIT_CODES = `
Exit codes (as deidc run):
  0  every object was written (or skipped by a \`skip\` filter)
  1  some objects failed, were rejected or quarantined (each is named on stderr and in the report)
  2  usage error: bad options, missing key or lookup table; no input was read`;

/** "ps315.basic with ps315.retain-uids (DICOM PS3.15 2026c), compiled by deidc 0.1.0" */
export function describeProcessor(m: ProcessorModule): string {
  const options = m.OPTIONS.length ? ` with ${m.OPTIONS.join(", ")}` : "";
  const release = m.STANDARD_RELEASE ? ` (DICOM PS3.15 ${m.STANDARD_RELEASE})` : "";
  return `${m.PROFILE}${options}${release}, compiled by deidc ${m.DEIDC_VERSION}`;
}

/** Runs the processor's command line; resolves to the exit code. */
export async function processorMain(argv: readonly string[], m: ProcessorModule): Promise<number> {
  let code = 0;
  const name = basename(argv[1] ?? "processor.mjs");
  const program = new Command(name)
    .description(`De-identify DICOM files with profile ${describeProcessor(m)}.\nIR ${m.IR_HASH}`)
    .version(`${name}: ${describeProcessor(m)}; IR ${m.IR_HASH}`)
    .argument("<inputs...>", "DICOM files or folders (searched recursively, hidden files skipped)")
    .requiredOption("-o, --output <dir>", "output folder (created if missing; never an input folder)");
  withBatchOptions(program)
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES)
    .exitOverride()
    .action(async (inputs: string[], opts: RunCliOptions) => {
      // The processor file itself, started again as worker threads (it serves them at load: see src/codegen/emit.ts).
      const workerScript = bundledProgramUrl(import.meta.url);
      code = await runWithDependencies(m.PROFILE, inputs, opts, {
        ...(workerScript ? { workerScript } : {}),
        // The profile is compiled in; the IR the driver passes is the one this module was generated from.
        createExecutor: (_ir, env) => m.createProcessor(env),
        stderr: guardedSink(process.stderr),
        env: process.env,
        interrupts: processInterrupts,
      });
    });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof UsageError || e instanceof RunSetupError) {
      process.stderr.write(`deidc: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`deidc: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_USAGE;
  }
}

/** Is the module at `moduleUrl` the program node was started with (rather than imported by it)? */
export function isMainModule(moduleUrl: string): boolean {
  // A worker thread sees the same argv as the program that started it.
  if (!isMainThread) return false;
  const started = process.argv[1];
  if (!started) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
