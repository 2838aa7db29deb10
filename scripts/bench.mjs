// Measures de-identification throughput on three workloads built from the
// shared corpus, and prints, side by side for each:
//   cp -r                      copying the files (the floor)
//   node copy (atomic)         the floor for a Node.js program: read each file into a reused buffer, write it
//                              unchanged to a temporary name, rename (what deidc does, without the DICOM work)
//   dcmjs read-modify-write    read with dcmjs, naturalize, delete/replace the
//                              attributes the profile's IR gives a PS3.15 action code, write
//   deidc run --jobs 1         the CLI with the interpreted executor, in the main thread
//   deidc run --jobs <cores>   the same with one worker thread per core
//   processor.mjs --jobs 1 / <cores>   the standalone bundle from `deidc compile <profile> -o processor.mjs`
// with files/s, MB/s (input bytes), time relative to cp -r, CPU time and
// peak RSS of the process (/usr/bin/time -v). Every tool runs as a child process on the
// same inputs, with the page cache prepared the same way before each run:
//   warm  every input file is read once just before the run (inputs in the page cache)
//   cold  every input file is evicted from the page cache just before the run
//         (posix_fadvise DONTNEED on each file through python3, or dd iflag=nocache:
//         only the inputs leave the cache, not the rest of the machine's files)
// --cache chooses which (both by default: a row per tool and cache state). Prints the
// machine and its load average before and after (other work on the machine shows
// there); asserts nothing.
//
// The profile is ps315.basic with ps315.retain-longitudinal-modified-dates
// (issue 5's W1 figure); --profile and --with change it (--with none: the profile alone).
//
// Workloads (in a temporary folder, removed at the end):
//   W1  2,000 copies of a real 512 x 512 CT slice, each with its own SOP Instance UID
//   W2  5,000 small objects with large private headers (CT_small: 179 GE private elements)
//   W3  20 large multi-frame objects (Enhanced CT grown to --frames frames of 512 x 512)
//
// Each figure is the median of --runs rounds; in each round every tool runs
// once, in turn, so that a slow spell of the machine falls on all of them
// alike, and "x cp -r" is the median of each round's ratio to that round's
// cp -r; --warmup rounds run first and are not counted. Each run writes a new folder; `sync` before each run flushes
// the previous one's output, so that its writeback does not land in the next. Outputs are deleted when the rounds
// are over (ext4 without a journal scans past inodes freed in the last minute when it creates a file).
//
// Usage: node scripts/bench.mjs [--w1 2000 --w2 5000 --w3 20 --frames 64 --runs 3 --warmup 1 --only W1,W2
//          --tools "cp,deidc run --jobs 1" --cache warm,cold --profile ps315.basic --with OPTION
//          --deidc dist/deidc.mjs --out /dev/shm]
//   --only   workloads to run; --tools: tools whose name starts with one of these (comma-separated)
//   --out    the folder every tool writes its output in (default: the temporary folder of the inputs)
// Needs dist/deidc.mjs (npm run build; --deidc names another build) and the corpus ($DEIDC_CORPUS or ../shared/corpus).

import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statfsSync, statSync, writeFileSync, writeSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SELF = fileURLToPath(import.meta.url);
const KEY = "bench-key-0123456789abcdef";

// ------------------------------------------------------------------ dcmjs baseline (child mode)

/** What ps315.basic does to each attribute keyword, from its IR: the baseline applies the same list. */
function basicActions(irPath) {
  const ir = JSON.parse(readFileSync(irPath, "utf8"));
  const actions = new Map();
  for (const rule of ir.rules) {
    const s = rule.selector;
    if (s.kind !== "path" || s.steps.length !== 1 || rule.action.kind !== "code") continue;
    const m = s.steps[0].match;
    if (m.kind === "tag" && m.keyword && !actions.has(m.keyword)) actions.set(m.keyword, rule.action.code);
  }
  return actions;
}

async function dcmjsBaseline(inputDir, outputDir, irPath) {
  const { default: dcmjs } = await import("dcmjs");
  dcmjs.log.setLevel?.("silent");
  const { DicomMessage, DicomMetaDictionary, DicomDict } = dcmjs.data;
  const actions = basicActions(irPath);
  const newUid = (uid) => `2.25.${BigInt(`0x${createHmac("sha256", KEY).update(uid).digest("hex").slice(0, 30)}`)}`;
  const dummy = (value) => (typeof value === "number" ? 0 : "DUMMY");

  const clean = (dataset) => {
    for (const key of Object.keys(dataset)) {
      if (/^[0-9A-Fa-f]{8}$/.test(key) && parseInt(key.slice(0, 4), 16) & 1) {
        delete dataset[key]; // private * -> X
        continue;
      }
      const value = dataset[key];
      const code = actions.get(key);
      if (code === undefined || code === "K" || code === "C") {
        if (Array.isArray(value)) for (const item of value) if (item && typeof item === "object" && !ArrayBuffer.isView(item) && !(item instanceof ArrayBuffer)) clean(item);
        continue;
      }
      if (code === "U" || code === "X/Z/U*") dataset[key] = Array.isArray(value) ? value.map((v) => newUid(String(v))) : newUid(String(value));
      else if (code.startsWith("X")) delete dataset[key];
      else if (code === "Z") dataset[key] = Array.isArray(value) && typeof value[0] === "object" ? [] : "";
      else dataset[key] = Array.isArray(value) ? value.map(dummy) : dummy(value);
    }
  };

  let failed = 0;
  for (const name of readdirSync(inputDir)) {
    try {
      const bytes = readFileSync(join(inputDir, name));
      const message = DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const dataset = DicomMetaDictionary.naturalizeDataset(message.dict);
      clean(dataset);
      dataset.PatientIdentityRemoved = "YES";
      dataset.DeidentificationMethod = "dcmjs baseline";
      const meta = DicomMetaDictionary.naturalizeDataset(message.meta);
      meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID;
      const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
      dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
      writeFileSync(join(outputDir, name), Buffer.from(dict.write()));
    } catch (e) {
      failed++;
      if (failed <= 3) process.stderr.write(`dcmjs baseline: ${name}: ${e.message}\n`);
    }
  }
  if (failed > 0) process.stderr.write(`dcmjs baseline: ${failed} file(s) failed\n`);
}

/**
 * The floor for any Node.js program that writes its outputs as deidc does:
 * each file read into one reused buffer and written unchanged to a temporary
 * name, then renamed. No DICOM work at all.
 */
function nodeCopy(inputDir, outputDir) {
  mkdirSync(outputDir, { recursive: true });
  let buffer = new Uint8Array(1 << 20);
  for (const name of readdirSync(inputDir)) {
    const fd = openSync(join(inputDir, name), "r");
    let size;
    try {
      size = fstatSync(fd).size;
      if (buffer.length < size) buffer = new Uint8Array(size);
      for (let at = 0; at < size; ) at += readSync(fd, buffer, at, size - at, at);
    } finally {
      closeSync(fd);
    }
    const temporary = join(outputDir, `.${name}.tmp`);
    const out = openSync(temporary, "wx");
    try {
      for (let at = 0; at < size; ) at += writeSync(out, buffer, at, size - at);
    } finally {
      closeSync(out);
    }
    renameSync(temporary, join(outputDir, name));
  }
}

if (process.argv[2] === "--node-copy") {
  nodeCopy(process.argv[3], process.argv[4]);
  process.exit(0);
}

if (process.argv[2] === "--dcmjs-baseline") {
  mkdirSync(process.argv[4], { recursive: true });
  await dcmjsBaseline(process.argv[3], process.argv[4], process.argv[5]);
  process.exit(0);
}

// ------------------------------------------------------------------ options, corpus

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const W1_COPIES = Number(arg("w1", 2000));
const W2_COPIES = Number(arg("w2", 5000));
const W3_COPIES = Number(arg("w3", 20));
const W3_FRAMES = Number(arg("frames", 64));
const ONLY = arg("only", "W1,W2,W3").split(",");
const RUNS = Number(arg("runs", 3));
// Rounds run first and not counted: on a virtual machine whose host takes back freed guest memory (free page
// reporting), the first gigabyte a run touches after a pause costs the host's page faults, whichever tool runs.
const WARMUP = Number(arg("warmup", 1));
const TOOLS = arg("tools", "")
  .split(",")
  .filter(Boolean);
const CACHES = arg("cache", "warm,cold").split(",");
for (const c of CACHES) {
  if (c !== "warm" && c !== "cold") {
    console.error(`bench: --cache takes warm, cold or warm,cold, not ${c}`);
    process.exit(2);
  }
}
const PROFILE = arg("profile", "ps315.basic");
const WITH = arg("with", "ps315.retain-longitudinal-modified-dates");
const WITH_ARGS = WITH === "none" ? [] : ["--with", WITH];
const CORES = availableParallelism();

const CORPUS = [process.env.DEIDC_CORPUS, resolve(ROOT, "../shared/corpus"), "/work/shared/corpus"].find((d) => d && existsSync(d));
if (!CORPUS) {
  console.error("bench: no corpus (set DEIDC_CORPUS or provide ../shared/corpus)");
  process.exit(2);
}
const CT_SLICE = join(CORPUS, "pseudo-phi-johnsnowlabs/3209648408_09-23-1999-CT_UROGRAM-31798_3_000000-PARENCHYMAL_PHASE_Sep1999-95798_1-001.dcm");
const PRIVATE_HEAVY = join(CORPUS, "pydicom-debian/CT_small.dcm");
const MULTI_FRAME = join(CORPUS, "pydicom-data/eCT_Supplemental.dcm");
const DEIDC = resolve(arg("deidc", join(ROOT, "dist/deidc.mjs")));
/** where every tool writes its output (default: beside the inputs); /dev/shm takes the disk out of the comparison */
const OUT_BASE = arg("out", null);
if (!existsSync(DEIDC)) {
  console.error("bench: dist/deidc.mjs is missing; run `npm run build` first");
  process.exit(2);
}

// ------------------------------------------------------------------ workloads

const { default: dcmjs } = await import("dcmjs");
dcmjs.log.setLevel?.("silent");
const { DicomMessage, DicomMetaDictionary, DicomDict } = dcmjs.data;

const read = (path) => {
  const bytes = readFileSync(path);
  return DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** The same UID with its last digits replaced by `n`: the same length, so every byte offset stays. */
function variant(uid, n) {
  const digits = String(n).padStart(6, "0");
  return uid.slice(0, uid.length - digits.length) + digits;
}

/** Copies of `path`, each with its SOP Instance UIDs (dataset and File Meta) rewritten in place. */
function uidCopies(path, dir, count) {
  mkdirSync(dir, { recursive: true });
  const bytes = readFileSync(path);
  const message = read(path);
  const uids = [message.dict["00080018"].Value[0], message.meta["00020003"].Value[0]];
  const places = uids.map((uid) => {
    const at = [];
    for (let i = bytes.indexOf(uid); i >= 0; i = bytes.indexOf(uid, i + 1)) at.push(i);
    if (at.length === 0) throw new Error(`${path}: UID ${uid} not found in the bytes`);
    return { uid, at };
  });
  for (let n = 0; n < count; n++) {
    const copy = Buffer.from(bytes);
    for (const { uid, at } of places) for (const i of at) copy.write(variant(uid, n), i, "latin1");
    writeFileSync(join(dir, `${String(n).padStart(5, "0")}.dcm`), copy);
  }
}

/** Large multi-frame objects: the Enhanced CT's frames and per-frame functional groups repeated to `frames`. */
function multiFrameCopies(path, dir, count, frames) {
  mkdirSync(dir, { recursive: true });
  const message = read(path);
  const dataset = DicomMetaDictionary.naturalizeDataset(message.dict);
  const meta = DicomMetaDictionary.naturalizeDataset(message.meta);
  const source = new Uint8Array(dataset.PixelData[0]);
  const frameBytes = source.length / dataset.NumberOfFrames;
  const pixels = new Uint8Array(frameBytes * frames);
  for (let f = 0; f < frames; f++) pixels.set(source.subarray((f % dataset.NumberOfFrames) * frameBytes, ((f % dataset.NumberOfFrames) + 1) * frameBytes), f * frameBytes);
  const groups = dataset.PerFrameFunctionalGroupsSequence;
  dataset.PerFrameFunctionalGroupsSequence = Array.from({ length: frames }, (_, f) => groups[f % groups.length]);
  dataset.NumberOfFrames = frames;
  dataset.PixelData = [pixels.buffer];
  for (let n = 0; n < count; n++) {
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID = variant(message.dict["00080018"].Value[0], n);
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
    writeFileSync(join(dir, `${String(n).padStart(3, "0")}.dcm`), Buffer.from(dict.write()));
  }
}

// ------------------------------------------------------------------ page cache

/** Reads every file of `dir` once, so that the next run finds them in the page cache. */
function warmCache(dir) {
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const name of readdirSync(dir)) {
    const fd = openSync(join(dir, name), "r");
    try {
      while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
}

const EVICT_PY = `import os, sys
for name in os.listdir(sys.argv[1]):
    fd = os.open(os.path.join(sys.argv[1], name), os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)`;

/** Drops every file of `dir` from the page cache (after `sync`: dirty pages cannot be dropped), so the next run reads them from the disk. */
function evictCache(dir) {
  if (spawnSync("python3", ["-c", EVICT_PY, dir]).status === 0) return;
  for (const name of readdirSync(dir)) spawnSync("dd", [`if=${join(dir, name)}`, "iflag=nocache", "count=0", "status=none"]);
}

function folderBytes(dir) {
  return readdirSync(dir).reduce((n, name) => n + statSync(join(dir, name)).size, 0);
}

// ------------------------------------------------------------------ measurement

/** statfs f_type of tmpfs (linux/magic.h) */
const TMPFS_MAGIC = 0x01021994;

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

/** Runs a command: wall seconds, CPU seconds and peak RSS (MB), the latter two from /usr/bin/time when present. */
function measure(command, args, env = {}) {
  const started = performance.now();
  const argv = TIME ? [TIME, ["-v", command, ...args]] : [command, args];
  const result = spawnSync(argv[0], argv[1], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? "");
  // CPU time (user + system) is less disturbed than wall time when other work shares the machine.
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr ?? "");
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr ?? "");
  const cpuSeconds = user && system ? Number(user[1]) + Number(system[1]) : null;
  if (result.status !== 0) {
    const lines = (result.stderr ?? "").split("\n").filter((l) => l && !/^\s+\S.*: /.test(l) && !l.startsWith("\tCommand"));
    process.stderr.write(`bench: ${command} ${args.join(" ")} exited ${result.status}\n${lines.slice(-5).join("\n")}\n`);
  }
  return { seconds, cpuSeconds, rssMb: rss ? Number(rss[1]) / 1024 : null, status: result.status };
}

const work = mkdtempSync(join(tmpdir(), "deidc-bench-"));
try {
  process.stderr.write(`bench: building the workloads and the processor in ${work}\n`);
  const irPath = join(work, "basic.ir.json");
  if (spawnSync(process.execPath, [DEIDC, "compile", PROFILE, ...WITH_ARGS, "--emit", "ir", "-o", irPath], { stdio: "inherit" }).status !== 0) throw new Error("deidc compile --emit ir failed");
  const processor = join(work, "processor.mjs");
  if (spawnSync(process.execPath, [DEIDC, "compile", PROFILE, ...WITH_ARGS, "--emit", "bundle", "-o", processor], { stdio: "inherit" }).status !== 0) throw new Error("deidc compile --emit bundle failed");
  const loadBefore = loadavg();

  const workloads = [];
  if (ONLY.includes("W1")) workloads.push({ name: "W1", what: `${W1_COPIES} x 512x512 CT slice (distinct SOP Instance UIDs)`, build: (d) => uidCopies(CT_SLICE, d, W1_COPIES) });
  if (ONLY.includes("W2")) workloads.push({ name: "W2", what: `${W2_COPIES} x CT_small (39 KB, 179 private elements)`, build: (d) => uidCopies(PRIVATE_HEAVY, d, W2_COPIES) });
  if (ONLY.includes("W3")) workloads.push({ name: "W3", what: `${W3_COPIES} x Enhanced CT, ${W3_FRAMES} frames of 512x512`, build: (d) => multiFrameCopies(MULTI_FRAME, d, W3_COPIES, W3_FRAMES) });

  const results = [];
  for (const w of workloads) {
    const input = join(work, w.name);
    w.build(input);
    const files = readdirSync(input).length;
    const mb = folderBytes(input) / 1e6;
    process.stderr.write(`bench: ${w.name}: ${w.what}: ${files} files, ${mb.toFixed(0)} MB\n`);
    const outBase = OUT_BASE ?? work;
    // out(): a new folder for each run, so that no run creates its files where another run's were just deleted.
    let runs = 0;
    const out = () => join(outBase, `out-${w.name}-${++runs}`);
    const tools = [
      ["cp -r", (o) => measure("cp", ["-r", input, o])],
      ["node copy (atomic)", (o) => measure(process.execPath, [SELF, "--node-copy", input, o])],
      ["dcmjs read-modify-write", (o) => measure(process.execPath, [SELF, "--dcmjs-baseline", input, o, irPath])],
      ["deidc run --jobs 1", (o) => measure(process.execPath, [DEIDC, "run", PROFILE, ...WITH_ARGS, input, "-o", o, "--jobs", "1", "--no-progress"], { DEID_KEY: KEY })],
      [`deidc run --jobs ${CORES}`, (o) => measure(process.execPath, [DEIDC, "run", PROFILE, ...WITH_ARGS, input, "-o", o, "--jobs", String(CORES), "--no-progress"], { DEID_KEY: KEY })],
      ["processor.mjs --jobs 1", (o) => measure(process.execPath, [processor, input, "-o", o, "--jobs", "1", "--no-progress"], { DEID_KEY: KEY })],
      [`processor.mjs --jobs ${CORES}`, (o) => measure(process.execPath, [processor, input, "-o", o, "--jobs", String(CORES), "--no-progress"], { DEID_KEY: KEY })],
    ];
    const chosen = tools.filter(([tool]) => TOOLS.length === 0 || TOOLS.some((t) => tool.startsWith(t)));
    // Outputs stay until the rounds are over when the disk has room for them all: ext4 without a journal skips
    // inodes freed in the last 60 s when it allocates one (recently_deleted), and a run just after the previous
    // output was deleted spent up to a third of its time there. Without room, each round's outputs are deleted
    // at its end, and the next round waits out those 60 s. In memory (tmpfs) nothing is scanned and every output
    // takes memory: each is deleted after its run.
    const roundBytes = folderBytes(input) * chosen.length * 1.1;
    const free = statfsSync(outBase);
    const inMemory = free.type === TMPFS_MAGIC;
    const keepAll = !inMemory && free.bavail * free.bsize > roundBytes * (WARMUP + RUNS) + 2e9;
    if (!keepAll && !inMemory) process.stderr.write(`bench: ${w.name}: not enough room in ${outBase} for every output; each round deletes its outputs and the next waits 61 s\n`);
    const outputs = [];
    const removeOutputs = () => {
      for (const o of outputs.splice(0)) rmSync(o, { recursive: true, force: true });
      spawnSync("sync");
    };
    for (const cache of CACHES) {
      // Rounds, each running every tool once: the tools take turns, so a slow spell of the machine (other work, the
      // hypervisor) falls on all of them alike.
      const samples = new Map(chosen.map(([tool]) => [tool, []]));
      for (let i = 0; i < WARMUP + RUNS; i++) {
        for (const [tool, run] of chosen) {
          const o = out();
          outputs.push(o);
          spawnSync("sync");
          if (cache === "warm") warmCache(input);
          else evictCache(input);
          const sample = run(o);
          if (i >= WARMUP) samples.get(tool).push(sample);
          if (inMemory) removeOutputs();
        }
        if (!keepAll && !inMemory) {
          removeOutputs();
          spawnSync("sleep", ["61"]);
        }
      }
      removeOutputs();
      const cpSamples = samples.get("cp -r") ?? null;
      for (const [tool] of chosen) {
        const runs = samples.get(tool);
        // x cp -r: the median of each round's ratio to cp -r in the same round.
        const ratios = cpSamples ? runs.map((r, i) => r.seconds / cpSamples[i].seconds).sort((a, b) => a - b) : null;
        const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
        const m = sorted[Math.floor(sorted.length / 2)];
        const rssMb = Math.max(...runs.map((x) => x.rssMb ?? 0)) || null;
        results.push({
          workload: w.name,
          cache,
          tool,
          "files/s": runs.every((r) => r.status === 0) ? Math.round(files / m.seconds).toLocaleString("en-US") : "failed",
          "MB/s": (mb / m.seconds).toFixed(1),
          seconds: m.seconds.toFixed(2),
          "min..max s": `${sorted[0].seconds.toFixed(2)}..${sorted[sorted.length - 1].seconds.toFixed(2)}`,
          "CPU s": m.cpuSeconds === null ? "n/a" : m.cpuSeconds.toFixed(2),
          "x cp -r": ratios === null ? "n/a" : ratios[Math.floor(ratios.length / 2)].toFixed(1),
          "peak RSS MB": rssMb === null ? "n/a" : rssMb.toFixed(0),
        });
      }
    }
    rmSync(input, { recursive: true, force: true });
  }

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(" ");
  console.log(`deidc bench: ${PROFILE}${WITH_ARGS.length ? ` --with ${WITH}` : ""}; median of ${RUNS} round(s) after ${WARMUP} not counted, tools in turn; MB/s counts input bytes`);
  if (OUT_BASE) console.log(`outputs written below ${OUT_BASE}`);
  console.log(`before each run: a new output folder, sync, then the inputs ${CACHES.map((c) => (c === "warm" ? "read once (warm: in the page cache)" : "evicted from the page cache (cold: read from the disk)")).join(" / ")}`);
  console.log(`machine: ${CORES} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadavg())}`);
  for (const w of workloads) console.log(`  ${w.name}: ${w.what}`);
  console.table(results);
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exitCode = 2;
} finally {
  rmSync(work, { recursive: true, force: true });
}
