// `deidc run <profile> <input...> -o <dir>`: de-identifies a batch of DICOM
// files with a profile. Everything that can be wrong with the command line,
// the key, the parameters, the lookup tables or the places the run writes to
// is found before any input is read (exit 2); after that, a bad object is a
// report line and a message, and the batch goes on (exit 1 if any object was
// neither written nor skipped). Only what is not one object's fault stops a
// batch part-way: a report or crosswalk that can no longer be written
// (exit 3), or a signal (exit 128 + its number, after the objects under way
// are finished and the report written).
//
// The pieces live in src/run/; this file only wires them to argv, the
// environment and stderr. docs/run.md describes the command for users.

import { existsSync } from "node:fs";
import { lstat, mkdir, open, realpath, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { compileProfileLazily } from "../compile-program";
import { renderPretty } from "../diagnostics/render";
import { unstatedImageOptions } from "../ir/image-option-statements";
import { COMPILER_VERSION } from "../version";
import type { IrProgram } from "../ir/types";
import { planModuleFunction } from "../codegen/in-memory";
import { irHash } from "../codegen/generate";
import { instantiatePlanModule } from "../codegen/instantiate";
import type { Executor, ExecutorEnvironment } from "../runtime/executor/types";
import { runBatch } from "../run/batch";
import { RunWorkerPool } from "../run/workers";
import { WriterThread, WRITER_THREAD_MIN_BYTES } from "../run/writer-thread";
import { CrosswalkCollector, CrosswalkFileError, lockCrosswalkFolder, PATIENT_ID_CROSSWALK, UID_CROSSWALK } from "../run/crosswalk";
import { RunSetupError } from "../run/errors";
import { collectInputs } from "../run/inputs";
import { interruptExitCode, processInterrupts, type InterruptSource } from "../run/interrupts";
import { keyFilePaths, loadSecrets } from "../run/keys";
import { isLayoutName, LAYOUTS, type LayoutName } from "../run/layout";
import { defaultJobs, MAX_JOBS } from "./run-command";
import { recordMessage, summaryMessage } from "../run/messages";
import { LARGE_OBJECT_BYTES } from "../run/stage";
import { parseParams } from "../run/params";
import { canonicalPath, displayPath, fsReason, isSameOrInside } from "../run/paths";
import { ProgressLine, shouldShowProgress, type TextSink } from "../run/progress";
import { ReportWriter, type InterruptSignal, type RunSummary } from "../run/report";
import { temporaryPathFor } from "../run/atomic";
import { guardedSink, terminalSafe } from "../run/stderr";
import { loadTables } from "../run/tables";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK, EXIT_STOPPED, EXIT_USAGE, UsageError } from "./exit";

/** Options as commander parses them (camelCase of the long flags). */
export interface RunCliOptions {
  output?: string;
  with?: string[];
  report?: string;
  crosswalk?: string;
  quarantine?: string;
  param?: string[];
  keyFile?: string;
  layout?: string;
  jobs?: string | number;
  /** false with --no-progress */
  progress?: boolean;
}

/** What the command needs from the process; tests pass their own. */
export interface RunDependencies {
  createExecutor(ir: IrProgram, env: ExecutorEnvironment): Executor;
  stderr: TextSink;
  env: Readonly<Record<string, string | undefined>>;
  /** reads an input file; defaults to the file system */
  readInput?: (path: string) => Promise<Uint8Array>;
  /** milliseconds, for the summary's timing; defaults to performance.now */
  clock?: () => number;
  /**
   * The program file to start as worker threads for --jobs above 1 and as
   * the writer thread; it must serve `runWorkerData()` and `isWriterThread()`
   * at load (dist/run-worker.mjs and processors do). Without it, every object
   * is processed and written in this thread.
   */
  workerScript?: URL;
  /**
   * The generated plan as a function body (planModuleFunction), for worker
   * threads to instantiate: they then run what the main thread runs. Without
   * it, workers build their executor from the IR (createExecutor).
   */
  planSource?: (ir: IrProgram) => string;
  /** signals that stop the batch gracefully; none when absent (tests) */
  interrupts?: InterruptSource;
}

/** Fewer objects than this per worker, and starting the worker costs more than it saves. */
const OBJECTS_PER_WORKER_AT_LEAST = 4;

/**
 * Objects of at least WRITER_THREAD_MIN_BYTES from which a writer thread is started: it takes about as
 * long to start as a few objects take to write, and smaller ones are not handed to it.
 */
const OBJECTS_FOR_WRITER_THREAD = 8;


function parseJobs(value: string | number | undefined): number {
  if (value === undefined) return defaultJobs();
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_JOBS) throw new RunSetupError(`--jobs must be a whole number from 1 to ${MAX_JOBS}, not \`${value}\``);
  return n;
}

function parseLayout(value: string | undefined): LayoutName {
  if (value === undefined) return "mirror";
  if (!isLayoutName(value)) throw new RunSetupError(`--layout must be ${LAYOUTS.join(" or ")}, not \`${value}\``);
  return value;
}

async function existingKind(path: string): Promise<"file" | "folder" | "other" | null> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? "folder" : info.isFile() ? "file" : "other";
  } catch {
    return null;
  }
}

interface Destinations {
  outputDir: string;
  report: string | null;
  crosswalk: string | null;
  quarantine: string | null;
}

/**
 * The safety rules on where things go, checked before anything is read:
 * never write into an input folder's place, and never put identifying
 * material (crosswalk, quarantined originals) inside the release.
 */
async function checkDestinations(inputs: readonly string[], opts: RunCliOptions): Promise<Destinations> {
  if (!opts.output) throw new RunSetupError("run needs an output folder: -o <dir>");
  const outputDir = resolve(opts.output);
  const outputKind = await existingKind(outputDir);
  if (outputKind !== null && outputKind !== "folder") throw new RunSetupError(`-o ${opts.output}: exists and is not a folder`);
  const canonicalOutput = canonicalPath(outputDir);

  const inputFolders: { argument: string; canonical: string }[] = [];
  for (const input of inputs) if ((await existingKind(input)) === "folder") inputFolders.push({ argument: input, canonical: canonicalPath(input) });
  for (const folder of inputFolders) {
    if (folder.canonical === canonicalOutput) throw new RunSetupError(`-o ${opts.output} is the input folder ${folder.argument}; write the output to another folder`);
  }

  const identifyingFolder = async (flag: string, value: string | undefined, what: string): Promise<string | null> => {
    if (value === undefined) return null;
    const absolute = resolve(value);
    const kind = await existingKind(absolute);
    if (kind !== null && kind !== "folder") throw new RunSetupError(`${flag} ${value}: exists and is not a folder`);
    const canonical = canonicalPath(absolute);
    if (isSameOrInside(canonical, canonicalOutput)) {
      throw new RunSetupError(`${flag} ${value} is inside the output folder ${opts.output}; ${what} would be released with the de-identified files, so keep it outside`);
    }
    for (const folder of inputFolders) {
      if (folder.canonical === canonical) throw new RunSetupError(`${flag} ${value} is the input folder ${folder.argument}; choose another folder`);
    }
    return absolute;
  };
  const crosswalk = await identifyingFolder("--crosswalk", opts.crosswalk, "the crosswalk (original identifiers)");
  const quarantine = await identifyingFolder("--quarantine", opts.quarantine, "quarantined originals");

  const report = opts.report === undefined ? null : await reportTarget(opts.report);
  return { outputDir, report, crosswalk, quarantine };
}

/**
 * The names that alias whatever the shell connected (/dev/stdout, /dev/fd/1, /proc/self/fd/1): not
 * the rest of /dev, where /dev/shm holds ordinary files in memory.
 */
function isDeviceOrProcessPath(path: string): boolean {
  const dev = `${sep}dev${sep}`;
  if (path.startsWith(`${sep}proc${sep}`) || path.startsWith(`${dev}fd${sep}`)) return true;
  return path === `${dev}stdin` || path === `${dev}stdout` || path === `${dev}stderr`;
}

/**
 * Where the report goes. It is renamed into place when complete, so it must
 * be a file: a link is followed to the file it names (renaming over the link
 * would replace the link), and a device or stream (/dev/stdout, a pipe) is
 * refused, since a rename would replace it rather than write to it.
 */
async function reportTarget(argument: string): Promise<string> {
  const absolute = resolve(argument);
  const notAFile = `--report ${argument}: is not a file (the report is written to a temporary file and renamed into place, so it cannot go to a device, a pipe or a folder)`;
  // /dev/stdout and /proc/self/fd/1 name whatever the shell connected: renaming the report over it would replace
  // the file the shell redirected into, or fail on a pipe.
  if (isDeviceOrProcessPath(absolute)) throw new RunSetupError(notAFile);
  let info;
  try {
    info = await lstat(absolute);
  } catch {
    return absolute;
  }
  if (info.isSymbolicLink()) {
    let target: string;
    try {
      target = await realpath(absolute);
    } catch {
      throw new RunSetupError(`--report ${argument}: is a link to nothing; give the report's own path`);
    }
    if ((await existingKind(target)) !== "file" || isDeviceOrProcessPath(target)) throw new RunSetupError(notAFile);
    return target;
  }
  if (!info.isFile()) throw new RunSetupError(notAFile);
  return absolute;
}

/**
 * Creates and removes a file in `dir`: a folder the run cannot write to stops
 * it before the first object is read, not with every object failed (or, for
 * the crosswalk, after the last).
 */
async function checkWritable(flag: string, dir: string): Promise<void> {
  const probe = temporaryPathFor(join(dir, "write-check"));
  try {
    await (await open(probe, "wx", 0o600)).close();
    await unlink(probe);
  } catch (e) {
    throw new RunSetupError(`${flag} ${displayPath(dir)}: cannot write files there: ${fsReason(e)}`);
  }
}

/**
 * Key files must stay apart from what the run reads and writes: a key inside
 * an input folder would be read as an object (and quoted in its failure), one
 * inside the output folder would be released with the data, and a report or
 * crosswalk written over it would lose every pseudonym it derives.
 */
function checkKeyFiles(keyFiles: readonly string[], inputs: readonly string[], destinations: Destinations, written: readonly (string | null)[]): Map<string, string> {
  const reserved = new Map<string, string>();
  const inputPlaces = inputs.map((i) => ({ argument: i, canonical: canonicalPath(i) }));
  for (const keyFile of keyFiles) {
    const canonical = canonicalPath(keyFile);
    const shown = displayPath(keyFile);
    for (const input of inputPlaces) {
      if (isSameOrInside(canonical, input.canonical)) throw new RunSetupError(`the key file ${shown} is ${canonical === input.canonical ? "an input" : `inside the input folder ${input.argument}`}; keep keys apart from the data`);
    }
    if (isSameOrInside(canonical, canonicalPath(destinations.outputDir))) throw new RunSetupError(`the key file ${shown} is inside the output folder; it would be released with the data, so keep it elsewhere`);
    for (const path of written) {
      if (path && canonicalPath(path) === canonical) throw new RunSetupError(`${displayPath(path)} is the key file; the run would overwrite it, so write the report and the crosswalk elsewhere`);
    }
    reserved.set(canonical, "the key file");
  }
  return reserved;
}

/** Creates a folder the run writes to; a failure is a usage error, reported before any input is read. */
async function makeFolder(flag: string, path: string, mode: number): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode });
  } catch (e) {
    throw new RunSetupError(`${flag}: cannot create the folder ${displayPath(path)}: ${fsReason(e)}`);
  }
}

/** The command with its process dependencies given; `runCommand` passes the real ones. */
export async function runWithDependencies(profile: string, inputs: readonly string[], opts: RunCliOptions, deps: RunDependencies): Promise<number> {
  try {
    return await run(profile, inputs, opts, deps);
  } catch (e) {
    if (e instanceof RunSetupError) throw new UsageError(e.message);
    throw e;
  }
}

async function run(profile: string, inputs: readonly string[], opts: RunCliOptions, deps: RunDependencies): Promise<number> {
  const stderr = deps.stderr;
  const clock = deps.clock ?? (() => performance.now());
  if (inputs.length === 0) throw new RunSetupError("run needs at least one input file or folder");
  const layout = parseLayout(opts.layout);
  const jobs = parseJobs(opts.jobs);

  // The IR is used here, in the process that built it: the schema check is left to what it leaves as (--emit ir, processors).
  const compiled = await compileProfileLazily(profile, { withOptions: opts.with ?? [] });
  const errors = compiled.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !compiled.ir) {
    const sources = new Map<string, SourceText>(compiled.program.files.map((f) => [f.path, f.source]));
    const color = stderr.isTTY === true && !deps.env.NO_COLOR && deps.env.TERM !== "dumb";
    stderr.write(renderPretty(errors, sources, { color }));
    stderr.write(`deidc: profile \`${profile}\` has errors; nothing was read or written\n`);
    return EXIT_USAGE;
  }
  const ir = compiled.ir;
  // An option that will quarantine every image not saying NO itself: said before any input is read.
  for (const u of unstatedImageOptions(ir)) stderr.write(`deidc: warning: ${u.message} (${u.help})\n`);

  const destinations = await checkDestinations(inputs, opts);
  // The IR names rule files relative to the entry profile's folder; `from file` keys and lookup tables are found from there.
  const baseDir = compiled.program.baseDir;
  const secrets = loadSecrets(ir, { keyFile: opts.keyFile, env: deps.env, baseDir, warn: (m) => stderr.write(`deidc: warning: ${m}\n`) });
  const params = parseParams(ir, opts.param ?? []);
  const tables = loadTables(ir, baseDir);
  const crosswalkFiles = destinations.crosswalk ? [join(destinations.crosswalk, PATIENT_ID_CROSSWALK), join(destinations.crosswalk, UID_CROSSWALK)] : [];
  const written = [destinations.report, ...crosswalkFiles];
  const reserved = checkKeyFiles(keyFilePaths(ir, { keyFile: opts.keyFile, baseDir }), inputs, destinations, written);
  if (destinations.report) reserved.set(canonicalPath(destinations.report), "the report of this run");
  const crosswalk = destinations.crosswalk ? new CrosswalkCollector() : undefined;
  let executor: Executor;
  try {
    executor = deps.createExecutor(ir, { secrets, params, tables, ...(crosswalk ? { crosswalk } : {}) });
  } catch (e) {
    throw new RunSetupError(`cannot prepare profile \`${ir.profile.name}\` to run: ${(e as Error).message}`);
  }

  // The crosswalk folder is taken for this run before its earlier files are read, and given back however the run ends.
  let releaseCrosswalk: (() => Promise<void>) | null = null;
  if (crosswalk && destinations.crosswalk) {
    await makeFolder("--crosswalk", destinations.crosswalk, 0o700);
    await checkWritable("--crosswalk", destinations.crosswalk);
    try {
      releaseCrosswalk = await lockCrosswalkFolder(destinations.crosswalk);
      await crosswalk.addExisting(destinations.crosswalk);
    } catch (e) {
      await releaseCrosswalk?.();
      if (e instanceof CrosswalkFileError) throw new RunSetupError(`--crosswalk: ${e.message}`);
      throw e;
    }
  }
  try {
    return await runUnderLocks();
  } finally {
    await releaseCrosswalk?.();
  }

  // The rest of the run, with the crosswalk folder held.
  async function runUnderLocks(): Promise<number> {
    const started = clock();
    await makeFolder("-o", destinations.outputDir, 0o777);
    await checkWritable("-o", destinations.outputDir);
    if (destinations.quarantine) {
      await makeFolder("--quarantine", destinations.quarantine, 0o700);
      await checkWritable("--quarantine", destinations.quarantine);
    }
    // Earlier runs' outputs must not become inputs. The report is not excluded: a report path that is an input file is refused below rather than overwritten.
    const exclude = [destinations.outputDir, destinations.quarantine, destinations.crosswalk].flatMap((p) => (p ? [canonicalPath(p)] : []));
    const collected = await collectInputs(inputs, { exclude });

    const inputFiles = new Set(collected.entries.flatMap((e) => (e.kind === "file" ? [e.canonical] : [])));
    for (const path of written) {
      if (path && inputFiles.has(canonicalPath(path))) throw new RunSetupError(`${displayPath(path)} is an input file; the run would overwrite it, so write it outside the input folders`);
    }

    const totalBytes = collected.entries.reduce((n, e) => n + (e.kind === "file" ? e.size : 0), 0);
    const progress = new ProgressLine(stderr, opts.progress !== false && shouldShowProgress(stderr, deps.env), collected.entries.length, totalBytes);
    const say = (line: string): void => {
      progress.clear();
      stderr.write(`deidc: ${terminalSafe(line)}\n`);
    };

    let report: ReportWriter | null = null;
    let workers: RunWorkerPool | null = null;
    let writer: WriterThread | null = null;
    if (destinations.report) {
      await makeFolder("--report", dirname(destinations.report), 0o777);
      try {
        report = await ReportWriter.create(destinations.report);
      } catch (e) {
        throw new RunSetupError(`--report ${displayPath(destinations.report)}: cannot write beside it: ${fsReason(e)}`);
      }
    }
    /** Why the batch stops before its end: a signal, or a report that can no longer be written. */
    let interrupted: InterruptSignal | null = null;
    let reportProblem: string | null = null;
    /** Once every object is reported, a signal stops nothing: what is left is writing the crosswalk and the report. */
    let batchOver = false;
    const stopListening = deps.interrupts?.listen((signal) => {
      const again = `${signal === "SIGINT" ? "Ctrl-C" : "the signal"} again stops at once`;
      if (batchOver) {
        say(`${signal}: every input is done; writing the crosswalk and the report (${again})`);
        return;
      }
      interrupted = signal;
      say(`${signal}: finishing the objects under way, then writing the report (${again})`);
    });
    try {
      // Large objects are prepared one at a time whatever --jobs (src/run/batch.ts): only the others can share workers.
      const sharedCount = collected.entries.reduce((n, e) => n + (e.kind === "file" && e.size < LARGE_OBJECT_BYTES ? 1 : 0), 0);
      // A worker takes about as long to start as a few objects take to process: a small batch is done sooner in this thread,
      // and so is a batch of large objects only, without the memory of idle workers.
      const threads = Math.min(jobs, Math.floor(sharedCount / OBJECTS_PER_WORKER_AT_LEAST));
      const stage = { outputDir: destinations.outputDir, layout, quarantineDir: destinations.quarantine };
      if (threads > 1 && deps.workerScript && !deps.readInput) {
        workers = new RunWorkerPool(deps.workerScript, threads, {
          ir,
          planSource: deps.planSource ? deps.planSource(ir) : null,
          env: { secrets, params, tables },
          crosswalk: crosswalk !== undefined,
          stage,
        });
      }
      // Files are written in a thread of their own while the next objects are prepared, once there are enough to repay its start.
      // Large objects are written by the driver itself (src/run/batch.ts): they do not count.
      const writable = collected.entries.filter((e) => e.kind === "file" && e.size >= WRITER_THREAD_MIN_BYTES && e.size < LARGE_OBJECT_BYTES).length;
      if (deps.workerScript && !deps.readInput && writable >= OBJECTS_FOR_WRITER_THREAD) writer = new WriterThread(deps.workerScript);
      const counts = await runBatch(
        executor,
        { entries: collected.entries, roots: collected.roots, ...stage, readAhead: jobs, reserved },
        {
          record: async (record) => {
            const message = recordMessage(record);
            if (message) say(message);
            if (!report || reportProblem !== null) return;
            try {
              await report.record(record);
            } catch (e) {
              reportProblem = fsReason(e);
            }
          },
          notice: say,
          progress: (done, bytes) => progress.update(done, bytes),
          internalError: (input, detail) => say(`${input}: internal error in the executor: ${detail}`),
          shouldStop: () => interrupted !== null || reportProblem !== null,
          ...(crosswalk ? { crosswalk } : {}),
          ...(deps.readInput ? { readInput: deps.readInput } : {}),
          ...(writer ? { writer } : {}),
        },
        workers ?? undefined,
      );
      batchOver = true;
      const seconds = Math.round(clock() - started) / 1000;
      const unprocessed = collected.entries.length - counts.objects;
      // A signal that came while the last object was being reported stopped nothing.
      const stoppedBy = unprocessed > 0 ? interrupted : null;
      progress.clear();
      /** The crosswalk of the objects written, whatever stopped the run: without it their pseudonyms cannot be traced back. */
      const writeCrosswalk = async (): Promise<string | null> => {
        if (!crosswalk || !destinations.crosswalk) return null;
        try {
          await crosswalk.write(destinations.crosswalk);
          return null;
        } catch (e) {
          return fsReason(e);
        }
      };
      if (reportProblem !== null) {
        const crosswalkProblem = await writeCrosswalk();
        const crosswalkNote = !crosswalk ? "" : crosswalkProblem === null ? "; the crosswalk lists them" : `; the crosswalk could not be written either (${crosswalkProblem}), its earlier files are unchanged`;
        say(`the report ${displayPath(destinations.report!)} could not be written (${reportProblem}); the run stopped after ${counts.objects} of ${collected.entries.length} input(s)`);
        say(`the ${counts.written} output file(s) written are in place but no report lists them${crosswalkNote}: free the space, then run again into an empty output folder`);
        return EXIT_STOPPED;
      }
      const crosswalkProblem = await writeCrosswalk();
      const summary: RunSummary = {
        objects: counts.objects,
        written: counts.written,
        skipped: counts.skipped,
        rejected: counts.rejected,
        quarantined: counts.quarantined,
        failed: counts.failed,
        seconds,
        bytesIn: counts.bytesIn,
        bytesOut: counts.bytesOut,
        profile: ir.profile.name,
        irHash: irHash(ir),
        release: ir.profile.release,
        options: ir.profile.layers.filter((l) => l.kind === "option").map((l) => l.name),
        deidc: COMPILER_VERSION,
        ...(stoppedBy !== null ? { interrupted: stoppedBy, unprocessed } : {}),
      };
      try {
        await report?.finish(summary);
        report = null;
      } catch (e) {
        say(`the report ${displayPath(destinations.report!)} could not be written (${fsReason(e)}); the ${counts.written} output file(s) written are in place but no report lists them`);
        return EXIT_STOPPED;
      }
      if (crosswalkProblem !== null) {
        say(`the crosswalk in ${displayPath(destinations.crosswalk!)} could not be written (${crosswalkProblem}); its earlier files, if any, are unchanged, and the ${counts.written} output file(s) written are in place`);
        return EXIT_STOPPED;
      }
      if (counts.objects === 0 && stoppedBy === null) say("nothing to process: every input was skipped (listed twice, or inside the output, crosswalk or quarantine folder)");
      say(summaryMessage(counts, seconds));
      if (stoppedBy !== null) {
        say(`stopped by ${stoppedBy}: ${unprocessed} input(s) not processed${destinations.report ? `; the report lists what was done` : ""}`);
        return interruptExitCode(stoppedBy);
      }
      // A skipped object is an outcome the profile asked for, as a written one is.
      return counts.objects > 0 && counts.written + counts.skipped === counts.objects ? EXIT_OK : EXIT_FINDINGS;
    } finally {
      stopListening?.();
      progress.clear();
      await workers?.close();
      await writer?.close();
      await report?.discard();
    }
  }
}

/**
 * A bundled program file beside `moduleUrl` that can be started as a worker
 * thread: `name` (dist/run-worker.mjs for the CLI), or the module's own file
 * (a processor). Null when running from the TypeScript sources (tests, tsx),
 * where objects are processed in this thread.
 */
export function bundledProgramUrl(moduleUrl: string, name?: string): URL | null {
  if (!/\.m?js$/.test(new URL(moduleUrl).pathname)) return null;
  const url = name ? new URL(`./${name}`, moduleUrl) : new URL(moduleUrl);
  return existsSync(url) ? url : null;
}

/**
 * The generated executor of `deidc compile`, in memory: the plan module is
 * generated from the IR as JavaScript and instantiated, so `deidc run`, its
 * workers and a compiled processor run the same code (one semantics). The
 * source is generated once per IR (main thread and workers share it).
 */
export function generatedExecutors(): Pick<RunDependencies, "createExecutor" | "planSource"> {
  let last: { ir: IrProgram; source: string } | null = null;
  const planSource = (ir: IrProgram): string => {
    if (last?.ir !== ir) last = { ir, source: planModuleFunction(ir, COMPILER_VERSION) };
    return last.source;
  };
  return { planSource, createExecutor: (ir, env) => instantiatePlanModule(planSource(ir), ir).createProcessor(env) };
}

/** `deidc run`: the entry point main.ts calls. */
export function runCommand(profile: string, inputs: string[], opts: RunCliOptions): Promise<number> {
  const workerScript = bundledProgramUrl(import.meta.url, "run-worker.mjs");
  return runWithDependencies(profile, inputs, opts, {
    ...generatedExecutors(),
    stderr: guardedSink(process.stderr),
    env: process.env,
    interrupts: processInterrupts,
    ...(workerScript ? { workerScript } : {}),
  });
}
