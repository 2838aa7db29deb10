// `deidc run <profile> <input...> -o <dir>`: de-identifies a batch of DICOM
// files with a profile. Everything that can be wrong with the command line,
// the key, the parameters or the lookup tables is found before any input is
// read (exit 2); after that, a bad object is a report line and a message, and
// the batch goes on (exit 1 if any object was neither written nor skipped).
//
// The pieces live in src/run/; this file only wires them to argv, the
// environment and stderr. docs/run.md describes the command for users.

import { existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
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
import { CrosswalkCollector, PATIENT_ID_CROSSWALK, UID_CROSSWALK } from "../run/crosswalk";
import { RunSetupError } from "../run/errors";
import { collectInputs } from "../run/inputs";
import { loadSecrets } from "../run/keys";
import { isLayoutName, LAYOUTS, type LayoutName } from "../run/layout";
import { defaultJobs, MAX_JOBS } from "./run-command";
import { recordMessage, summaryMessage } from "../run/messages";
import { LARGE_OBJECT_BYTES } from "../run/stage";
import { parseParams } from "../run/params";
import { canonicalPath, displayPath, fsReason, isSameOrInside } from "../run/paths";
import { ProgressLine, shouldShowProgress, type TextSink } from "../run/progress";
import { ReportWriter, type RunSummary } from "../run/report";
import { loadTables } from "../run/tables";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from "./exit";

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

  let report: string | null = null;
  if (opts.report !== undefined) {
    report = resolve(opts.report);
    const kind = await existingKind(report);
    if (kind !== null && kind !== "file") throw new RunSetupError(`--report ${opts.report}: exists and is not a file`);
  }
  return { outputDir, report, crosswalk, quarantine };
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
  const crosswalk = destinations.crosswalk ? new CrosswalkCollector() : undefined;
  let executor: Executor;
  try {
    executor = deps.createExecutor(ir, { secrets, params, tables, ...(crosswalk ? { crosswalk } : {}) });
  } catch (e) {
    throw new RunSetupError(`cannot prepare profile \`${ir.profile.name}\` to run: ${(e as Error).message}`);
  }

  const started = clock();
  await makeFolder("-o", destinations.outputDir, 0o777);
  if (destinations.quarantine) await makeFolder("--quarantine", destinations.quarantine, 0o700);
  // Created now so that a crosswalk folder the run cannot write to stops it before the first object, not after the last.
  if (destinations.crosswalk) await makeFolder("--crosswalk", destinations.crosswalk, 0o700);
  // Earlier runs' outputs must not become inputs. The report is not excluded: a report path that is an input file is refused below rather than overwritten.
  const exclude = [destinations.outputDir, destinations.quarantine, destinations.crosswalk].flatMap((p) => (p ? [canonicalPath(p)] : []));
  const collected = await collectInputs(inputs, { exclude });

  const inputFiles = new Set(collected.entries.flatMap((e) => (e.kind === "file" ? [e.canonical] : [])));
  const written = [destinations.report, ...(destinations.crosswalk ? [join(destinations.crosswalk, PATIENT_ID_CROSSWALK), join(destinations.crosswalk, UID_CROSSWALK)] : [])];
  for (const path of written) {
    if (path && inputFiles.has(canonicalPath(path))) throw new RunSetupError(`${displayPath(path)} is an input file; the run would overwrite it, so write it outside the input folders`);
  }

  const totalBytes = collected.entries.reduce((n, e) => n + (e.kind === "file" ? e.size : 0), 0);
  const progress = new ProgressLine(stderr, opts.progress !== false && shouldShowProgress(stderr, deps.env), collected.entries.length, totalBytes);
  const say = (line: string): void => {
    progress.clear();
    stderr.write(`deidc: ${line}\n`);
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
      { entries: collected.entries, roots: collected.roots, ...stage, readAhead: jobs },
      {
        record: async (record) => {
          const message = recordMessage(record);
          if (message) say(message);
          await report?.record(record);
        },
        notice: say,
        progress: (done, bytes) => progress.update(done, bytes),
        internalError: (input, detail) => say(`${input}: internal error in the executor: ${detail}`),
        ...(crosswalk ? { crosswalk } : {}),
        ...(deps.readInput ? { readInput: deps.readInput } : {}),
        ...(writer ? { writer } : {}),
      },
      workers ?? undefined,
    );
    if (crosswalk && destinations.crosswalk) await crosswalk.write(destinations.crosswalk);
    const seconds = Math.round(clock() - started) / 1000;
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
    };
    await report?.finish(summary);
    report = null;
    progress.clear();
    if (counts.objects === 0) say("nothing to process: every input was skipped (listed twice, or inside the output, crosswalk or quarantine folder)");
    say(summaryMessage(counts, seconds));
    // A skipped object is an outcome the profile asked for, as a written one is.
    return counts.objects > 0 && counts.written + counts.skipped === counts.objects ? EXIT_OK : EXIT_FINDINGS;
  } finally {
    progress.clear();
    await workers?.close();
    await writer?.close();
    await report?.discard();
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
  return runWithDependencies(profile, inputs, opts, { ...generatedExecutors(), stderr: process.stderr, env: process.env, ...(workerScript ? { workerScript } : {}) });
}
