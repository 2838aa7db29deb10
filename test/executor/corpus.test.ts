// Every DICOM file of the developer corpus through ps315.basic and through ps315.basic with each
// option of the standard library. Each profile is compiled once and each file processed once per
// profile (plus one more pass in reverse order, for determinism); every check below reads those
// results. The oracles: dcmjs and dcmdump must read every output, dciodvfy must report no error on
// an output that it did not already report on the input, and no value the profile removes or
// replaces may be found anywhere in the output's bytes.

import { stripJpegMetadata } from "../../src/runtime/pixels";
import { stripJ2kComments } from "../../src/runtime/pixels/codecs/rewrite";
import { loadImage } from "../pixels/helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { IrProgram } from "../../src/ir/types";
import { IMPLEMENTATION_CLASS_UID, type ObjectResult } from "../../src/runtime/executor";
import { RulePlan } from "../../src/runtime/executor/plan";
import { TEXT_DUMMIES } from "../../src/runtime/actions";
import { TokenKind, readPart10, type DicomFile } from "../../src/runtime/dicom";
import {
  CORPUS_DIR,
  HAVE_DCIODVFY,
  HAVE_DCMDUMP,
  PROFILES,
  compile,
  corpusFiles,
  dciodvfyAll,
  dcmdumpFailures,
  executorFor,
  indexOfBytes,
  loadCorpusFile,
  readWithDcmjs,
  topLevelCodes,
  topLevelTexts,
  topLevelValue,
  walk,
  warnIfNoCorpus,
  type DciodvfyResult,
  type WalkedElement,
} from "./helpers";

warnIfNoCorpus("executor corpus");
if (CORPUS_DIR && !HAVE_DCMDUMP) console.warn("[executor corpus] dcmdump not installed (apt-get install dcmtk): the dcmdump checks are skipped");
if (CORPUS_DIR && !HAVE_DCIODVFY) console.warn("[executor corpus] dciodvfy not installed (apt-get install dicom3tools): the IOD conformance checks are skipped");

/** Corpus files that cannot give an output, and the reason the record must give. */
const EXPECTED_FAILURES: ReadonlyMap<string, RegExp> = new Map([
  // CT_small.dcm's dataset behind one stray byte: the reader rejects it (as dcmdump does).
  ["pydicom-debian/no_meta.dcm", /^not a DICOM file: no "DICM" at offset 0x80/],
  // A fragment with no SOP Class UID anywhere: nothing can name it in a File Meta.
  ["pydicom-debian/nested_priv_SQ.dcm", /^the object has no SOP Class UID, in the dataset or the File Meta/],
]);

const TAG_PIXEL_DATA = 0x7fe00010;
const MARKER_TAGS = new Set([0x00120062, 0x00120063, 0x00120064, 0x00280303]);
/** Values too generic to count as a leak when found in an output (replacement marks, our own dummies). */
const SEPARATOR = new Uint8Array(1);
const GENERIC_VALUES = new Set(["NONE", "UNKNOWN", "N/A", "NULL", "ANONYMOUS", "ANONYMIZED", "ANONYMISED", "DEIDENTIFIED", "DEIDENTIFIED^", "REMOVED", "19000101", "000000", "2.25.0"]);

interface Input {
  key: string;
  bytes: Uint8Array;
  file: DicomFile | null;
  elements: WalkedElement[];
  byPath: Map<string, WalkedElement>;
  dciodvfy?: DciodvfyResult;
}

interface ProfileRun {
  name: string;
  options: string[];
  ir: IrProgram;
  plan: RulePlan;
  results: Map<string, ObjectResult>;
  /** milliseconds for one pass over the corpus (compiled once before) */
  passMs: number;
  compileMs: number;
  /** files whose output differed in the second, reverse-order pass with a fresh executor */
  unstable: string[];
  outputPaths: Map<string, string>;
  dciodvfy: Map<string, DciodvfyResult>;
  dcmdump: { path: string; message: string }[];
}

const inputs: Input[] = [];
const runs: ProfileRun[] = [];
let workDir = "";

function failureList(list: string[]): string[] {
  return list.slice(0, 50).concat(list.length > 50 ? [`... and ${list.length - 50} more`] : []);
}

describe.skipIf(!CORPUS_DIR)("executor on every corpus file", () => {
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "deidc-executor-"));
    for (const path of corpusFiles()) {
      const key = relative(CORPUS_DIR!, path).replace(/\.gz$/, "");
      const bytes = loadCorpusFile(path);
      let file: DicomFile | null = null;
      let elements: WalkedElement[] = [];
      try {
        file = readPart10(bytes);
        elements = walk(file);
      } catch {
        file = null;
      }
      inputs.push({ key, bytes, file, elements, byPath: new Map(elements.map((e) => [e.path, e])) });
    }

    for (const [index, profile] of PROFILES.entries()) {
      const c0 = performance.now();
      const ir = compile("ps315.basic", profile.options);
      const compileMs = performance.now() - c0;
      const executor = executorFor(ir);
      const results = new Map<string, ObjectResult>();
      const t0 = performance.now();
      for (const input of inputs) results.set(input.key, executor.process(input.bytes, input.key));
      const passMs = performance.now() - t0;
      // A fresh executor, the files in reverse order: the same bytes must come out.
      const again = executorFor(compile("ps315.basic", profile.options));
      const unstable: string[] = [];
      for (const input of [...inputs].reverse()) {
        const second = again.process(input.bytes, input.key).output;
        const first = results.get(input.key)!.output;
        if ((first === null) !== (second === null) || (first && second && Buffer.compare(first, second) !== 0)) unstable.push(input.key);
      }
      const dir = join(workDir, String(index));
      mkdirSync(dir);
      const outputPaths = new Map<string, string>();
      for (const [key, result] of results) {
        if (!result.output) continue;
        const path = join(dir, key.replace(/\//g, "__"));
        writeFileSync(path, result.output);
        outputPaths.set(key, path);
      }
      runs.push({ ...profile, ir, plan: new RulePlan(ir), results, passMs, compileMs, unstable, outputPaths, dciodvfy: new Map(), dcmdump: [] });
    }

    if (HAVE_DCIODVFY) {
      // Inputs are checked as they are (dciodvfy reads files without File Meta too), in one batch with the outputs.
      const inputDir = join(workDir, "inputs");
      mkdirSync(inputDir);
      const inputPaths = new Map<string, Input>();
      for (const input of inputs) {
        if (!input.file) continue;
        const path = join(inputDir, input.key.replace(/\//g, "__"));
        writeFileSync(path, input.bytes);
        inputPaths.set(path, input);
      }
      const outputPaths = runs.flatMap((run) => [...run.outputPaths.values()]);
      const verdicts = await dciodvfyAll([...inputPaths.keys(), ...outputPaths]);
      for (const [path, input] of inputPaths) input.dciodvfy = verdicts.get(path);
      for (const run of runs) for (const [key, path] of run.outputPaths) run.dciodvfy.set(key, verdicts.get(path)!);
    }
    if (HAVE_DCMDUMP) {
      const failures = await dcmdumpFailures(runs.flatMap((run) => [...run.outputPaths.values()]));
      for (const run of runs) {
        const mine = new Set(run.outputPaths.values());
        run.dcmdump = failures.filter((f) => mine.has(f.path));
      }
    }
    // The executor's speed, for the record (docs/executor.md quotes it); the machine may be shared.
    const megabytes = inputs.reduce((n, i) => n + i.bytes.length, 0) / 1e6;
    const lines = runs.map((r) => `  ${r.name.padEnd(42)} compile ${r.compileMs.toFixed(0).padStart(4)} ms, one pass ${r.passMs.toFixed(0).padStart(4)} ms (${(megabytes / (r.passMs / 1000)).toFixed(0)} MB/s)`);
    console.info(`[executor corpus] ${inputs.length} files, ${megabytes.toFixed(1)} MB per pass\n${lines.join("\n")}`);
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("has the corpus files", () => {
    expect(inputs.length).toBeGreaterThan(60);
    for (const key of EXPECTED_FAILURES.keys()) expect(inputs.some((i) => i.key === key)).toBe(true);
  });

  describe.each(PROFILES.map((p) => [p.name, p] as const))("%s", (name) => {
    const run = (): ProfileRun => runs.find((r) => r.name === name)!;

    it("writes every object but the two known bad ones, which fail with a clear reason", () => {
      const wrong: string[] = [];
      for (const [key, result] of run().results) {
        const expected = EXPECTED_FAILURES.get(key);
        if (expected) {
          if (result.record.outcome !== "failed" || !expected.test(result.record.reason ?? "")) wrong.push(`${key}: ${result.record.outcome} ${result.record.reason}`);
        } else if (result.record.outcome !== "written" || !result.output) wrong.push(`${key}: ${result.record.outcome} ${result.record.reason}`);
      }
      expect(wrong).toEqual([]);
    });

    it("gives byte-identical outputs on a second run, in another order, with a fresh executor", () => {
      expect(run().unstable).toEqual([]);
    });

    it("outputs parse with dcmjs (which refuses multi-valued Specific Character Sets: those are left to dcmdump)", () => {
      const bad: string[] = [];
      const exempt: string[] = [];
      for (const input of inputs) {
        const output = run().results.get(input.key)!.output;
        if (!output || readWithDcmjs(output) !== undefined) continue;
        // dcmjs throws "Using multiple character sets is not supported" for ISO 2022 code extensions.
        if (walk(readPart10(output)).some((e) => e.tag === 0x00080005 && (e.text ?? "").includes("\\"))) exempt.push(input.key);
        else bad.push(input.key);
      }
      if (exempt.length > 0 && name === "ps315.basic") console.warn(`[executor corpus] not read by dcmjs (ISO 2022 code extensions), checked with dcmdump only: ${exempt.join(", ")}`);
      expect(bad).toEqual([]);
      expect(exempt.length).toBeLessThanOrEqual(5);
    });

    it.skipIf(!HAVE_DCMDUMP)("outputs parse with dcmdump, without errors", () => {
      expect(run().dcmdump).toEqual([]);
    });

    it.skipIf(!HAVE_DCIODVFY)("dciodvfy reports no error that it did not report on the input", () => {
      const fresh: string[] = [];
      for (const input of inputs) {
        const result = run().dciodvfy.get(input.key);
        if (!result || !input.dciodvfy) continue;
        if (result.crashed) {
          // dciodvfy aborts on rtdose.dcm, input and output alike; an output must not make it crash.
          if (!input.dciodvfy.crashed) fresh.push(`${input.key}: dciodvfy crashed on the output only`);
          continue;
        }
        for (const e of result.errors) if (!input.dciodvfy.errors.has(e)) fresh.push(`${input.key}: ${e}`);
      }
      expect(failureList(fresh)).toEqual([]);
    });

    it("replaces the File Meta and the preamble, and names the output with the dataset's SOP Instance UID", () => {
      const bad: string[] = [];
      for (const input of inputs) {
        const output = run().results.get(input.key)!.output;
        if (!output || !input.file) continue;
        const file = readPart10(output);
        const meta = file.meta!;
        const values = topLevelTexts(file);
        if (output.subarray(0, 128).some((b) => b !== 0)) bad.push(`${input.key}: preamble not zero`);
        if (meta.implementationClassUid !== IMPLEMENTATION_CLASS_UID) bad.push(`${input.key}: implementation class ${meta.implementationClassUid}`);
        if (meta.transferSyntaxUid !== input.file.transferSyntaxUid) bad.push(`${input.key}: transfer syntax ${meta.transferSyntaxUid}`);
        if (meta.mediaStorageSopInstanceUid !== values.get(0x00080018)) bad.push(`${input.key}: File Meta instance ${meta.mediaStorageSopInstanceUid} != dataset ${values.get(0x00080018)}`);
        if (values.has(0x00080016) && meta.mediaStorageSopClassUid !== values.get(0x00080016)) bad.push(`${input.key}: File Meta class differs from the dataset's`);
        if (run().results.get(input.key)!.record.newSopInstanceUid !== meta.mediaStorageSopInstanceUid) bad.push(`${input.key}: record's newSopInstanceUid differs`);
      }
      expect(bad).toEqual([]);
    });

    it("writes the de-identification markers", () => {
      const { ir } = run();
      const bad: string[] = [];
      // CID 7050: 113100 for the Basic Profile, and the code of each option switched on.
      const expectedCodes = ir.profile.layers.map((l) => l.code?.value ?? "").filter((v) => v !== "").sort();
      expect(expectedCodes).toHaveLength(1 + run().options.length);
      expect(expectedCodes).toContain("113100");
      for (const input of inputs) {
        const result = run().results.get(input.key)!;
        if (!result.output) continue;
        const file = readPart10(result.output);
        const values = topLevelTexts(file);
        if (values.get(0x00120062) !== "YES") bad.push(`${input.key}: PatientIdentityRemoved ${values.get(0x00120062)}`);
        const method = (values.get(0x00120063) ?? "").split("\\");
        for (const needed of ["profile ps315.basic", ...run().options.map((o) => `option ${o}`)]) if (!method.includes(needed)) bad.push(`${input.key}: DeidentificationMethod lacks "${needed}"`);
        if (!method.some((m) => m.includes("PS3.15 2026c"))) bad.push(`${input.key}: DeidentificationMethod does not name the release`);
        // Our codes are added to those the input already had (TCIA's, in one file), each code once.
        const codes = topLevelCodes(file, 0x00120064).map((c) => `${c.scheme}:${c.value}`);
        const had = input.file ? topLevelCodes(input.file, 0x00120064).map((c) => `${c.scheme}:${c.value}`) : [];
        for (const code of [...expectedCodes.map((v) => `DCM:${v}`), ...had]) if (!codes.includes(code)) bad.push(`${input.key}: code ${code} missing`);
        if (new Set(codes).size !== codes.length) bad.push(`${input.key}: a code repeats: ${codes.join(",")}`);

        // Longitudinal Temporal Information Modified says what happened to the dates.
        const written = walk(file);
        const touched = new Map(result.record.touched.map((t) => [t.path, t.action]));
        const modified = result.record.touched.some((t) => ["C", "shift", "coarsen"].includes(t.action) && ["DA", "DT"].includes(input.byPath.get(t.path)?.vr ?? ""));
        const kept = written.some((e) => (e.vr === "DA" || e.vr === "DT") && e.text !== "" && !touched.has(e.path));
        const thisPass = modified ? "MODIFIED" : kept ? "UNMODIFIED" : "REMOVED";
        // ... unless the input says an earlier de-identification did more (two TCIA files say MODIFIED).
        const rank = ["UNMODIFIED", "MODIFIED", "REMOVED"];
        const inputSays = input.file ? (topLevelTexts(input.file).get(0x00280303) ?? "").trim() : "";
        const expected = rank.indexOf(inputSays) > rank.indexOf(thisPass) ? inputSays : thisPass;
        if (values.get(0x00280303) !== expected) bad.push(`${input.key}: LongitudinalTemporalInformationModified ${values.get(0x00280303)}, expected ${expected}`);
        if (name === "ps315.retain-longitudinal-modified-dates") {
          const hadDates = input.elements.some((e) => e.depth === 0 && (e.vr === "DA" || e.vr === "DT") && /^\d{8}/.test(e.text ?? "") && ((e.tag >>> 16) & 1) === 0);
          if (hadDates && values.get(0x00280303) !== "MODIFIED") bad.push(`${input.key}: had dates but is not MODIFIED`);
        }
      }
      expect(bad).toEqual([]);
    });

    it("leaves pixel data bytes unchanged (native and encapsulated), but for JPEG metadata segments it reports removed", () => {
      const bad: string[] = [];
      let compared = 0;
      for (const input of inputs) {
        const result = run().results.get(input.key)!;
        const output = result.output;
        if (!output || !input.file) continue;
        const before = topLevelValue(input.file, TAG_PIXEL_DATA);
        const after = topLevelValue(readPart10(output), TAG_PIXEL_DATA);
        if (!before) continue;
        compared++;
        if (result.record.touched.some((t) => t.path === "(7FE0,0010)" && t.action === "metadata-removed")) {
          // APPn/COM segments removed from the JPEG stream (COM from the JPEG 2000 main header): the
          // rest is the pixel layer's strip of the input, whose frames decode to the same pixels
          // (test/pixels/jpeg.test.ts with dcmtk, test/pixels/codecs.test.ts).
          const image = loadImage(input.file.bytes);
          const j2k = image.geometry.transferSyntax.codec;
          const stripped = j2k === "jpeg-2000" || j2k === "htj2k" ? (stripJ2kComments(image.element, j2k).built?.element ?? image.element) : stripJpegMetadata(image.element).bytes;
          if (Buffer.compare(loadImage(output).element, stripped) !== 0) bad.push(input.key);
          continue;
        }
        if (!after || Buffer.compare(before, after) !== 0) bad.push(input.key);
      }
      expect(bad).toEqual([]);
      expect(compared).toBeGreaterThan(50);
    });

    it("keeps no value it removed or replaced, anywhere in the output (sequences and private blocks included)", () => {
      const leaks: string[] = [];
      let checked = 0;
      for (const input of inputs) {
        const result = run().results.get(input.key)!;
        if (!result.output) continue;
        const file = readPart10(result.output);
        const written = walk(file);
        const actions = new Map(result.record.touched.map((t) => [t.path, t.action]));
        // What the profile kept, and the markers the executor wrote: their text may legitimately repeat
        // a removed value. Binary values it kept (pixel data, private blobs), the new UIDs (HMAC
        // digits, which can contain any short number) and the dummies (constants, checked below) are
        // left out of the search, so that a chance match does not count.
        const keptText: string[] = [];
        const parts: Uint8Array[] = [];
        let from = 0;
        for (const e of written) {
          if (e.kind === TokenKind.Sequence) continue;
          const action = actions.get(e.path);
          if ((action === undefined || action === "insert") && e.text !== null) keptText.push(e.text);
          if ((action === undefined && e.text === null) || action === "U" || action === "D") {
            parts.push(file.dataset.subarray(from, e.start), SEPARATOR);
            from = e.end;
          }
        }
        parts.push(file.dataset.subarray(from));
        const haystack = Buffer.concat(parts);
        const seen = new Set<string>();
        for (const t of result.record.touched) {
          if (t.action === "insert" || t.action.endsWith("/K")) continue;
          const original = input.byPath.get(t.path);
          if (!original) continue;
          for (const candidate of leakCandidates(original, input.file!)) {
            if (seen.has(candidate.text) || keptText.some((k) => k.includes(candidate.text))) continue;
            seen.add(candidate.text);
            checked++;
            if (indexOfBytes(haystack, candidate.bytes) >= 0) leaks.push(`${input.key} ${t.path} (${t.action}): "${candidate.text}"`);
          }
        }
      }
      expect(failureList(leaks)).toEqual([]);
      expect(checked).toBeGreaterThan(100);
    });

    it("honours each rule at every depth: X absent, Z empty, D a dummy, U a new UID", () => {
      const { plan } = run();
      const bad: string[] = [];
      for (const input of inputs) {
        const output = run().results.get(input.key)!.output;
        if (!output) continue;
        const written = walk(readPart10(output));
        for (let i = 0; i < written.length; i++) {
          const e = written[i]!;
          if (((e.tag >>> 16) & 1) === 1 || (e.depth === 0 && MARKER_TAGS.has(e.tag))) continue;
          const rule = plan.forTag(e.tag)[0];
          if (!rule || rule.catchAll || rule.when || rule.ancestors || rule.vrs || rule.action.ir.kind !== "code") continue;
          const code = rule.action.ir.code;
          const isSequence = e.kind === TokenKind.Sequence;
          const empty = isSequence ? !(written[i + 1]?.path.startsWith(`${e.path}[`) ?? false) : e.end - e.start === 0;
          if (code === "X") bad.push(`${input.key} ${e.path}: present (X)`);
          else if ((code === "Z" || code === "X/Z") && !empty) bad.push(`${input.key} ${e.path}: not empty (${code})`);
          // Z/D and X/Z/D leave an empty value empty (Z); D and X/D always give the dummy.
          else if (!isSequence && ["D", "Z/D", "X/D", "X/Z/D"].includes(code) && e.text !== null && e.text !== TEXT_DUMMIES[e.vr] && !(empty && (code === "Z/D" || code === "X/Z/D"))) bad.push(`${input.key} ${e.path}: "${e.text}" is not the dummy (${code})`);
          else if (code === "U" && e.vr === "UI" && e.text && !e.text.split("\\").every((u) => u.startsWith("2.25."))) bad.push(`${input.key} ${e.path}: ${e.text} not replaced (U)`);
        }
      }
      expect(failureList(bad)).toEqual([]);
    });

    it("removes private attributes and their creators, or keeps only the safe ones (E.3.10-1) with exactly their creators", () => {
      const { ir } = run();
      const safe = safePrivateKeys(ir);
      const bad: string[] = [];
      let keptSafe = 0;
      for (const input of inputs) {
        const output = run().results.get(input.key)!.output;
        if (!output) continue;
        const written = walk(readPart10(output));
        const writtenPaths = new Set(written.map((e) => e.path));
        for (const e of written) {
          const group = e.tag >>> 16;
          if ((group & 1) === 0) continue;
          const element = e.tag & 0xffff;
          if (safe.size === 0) {
            bad.push(`${input.key} ${e.path}: private element kept`);
            continue;
          }
          if (element >= 0x10 && element <= 0xff) {
            const hasBlock = written.some((x) => x.scope === e.scope && x.tag >>> 16 === group && (x.tag & 0xffff) >= 0x1000 && ((x.tag >>> 8) & 0xff) === element);
            if (!hasBlock) bad.push(`${input.key} ${e.path}: creator of an empty block`);
          } else if (!safe.has(privateKey(group, e.creator, e.tag & 0xff))) bad.push(`${input.key} ${e.path}: not in Table E.3.10-1`);
          else keptSafe++;
        }
        // Safe elements at the top level of the input all survive.
        for (const e of input.elements) {
          if (e.depth !== 0 || ((e.tag >>> 16) & 1) === 0 || (e.tag & 0xffff) < 0x1000) continue;
          if (safe.has(privateKey(e.tag >>> 16, e.creator, e.tag & 0xff)) && !writtenPaths.has(e.path)) bad.push(`${input.key} ${e.path}: safe element removed`);
        }
      }
      expect(failureList(bad)).toEqual([]);
      if (safe.size > 0) expect(keptSafe).toBeGreaterThan(0);
    });
  });

  it("keeps references between files consistent: a reference equals the new SOP Instance UID of the file it names", () => {
    const bySop = new Map<string, Input>();
    for (const input of inputs) {
      const sop = input.elements.find((e) => e.depth === 0 && e.tag === 0x00080018)?.text;
      if (sop) bySop.set(sop, input);
    }
    const pairs: { from: Input; path: string; to: Input }[] = [];
    for (const input of inputs) {
      for (const e of input.elements) {
        const target = e.tag === 0x00081155 && e.text ? bySop.get(e.text) : undefined;
        if (target && target !== input) pairs.push({ from: input, path: e.path, to: target });
      }
    }
    expect(pairs.length).toBeGreaterThan(0);
    const bad: string[] = [];
    for (const run of runs) {
      for (const { from, path, to } of pairs) {
        const referencing = run.results.get(from.key)!.output!;
        const referenced = run.results.get(to.key)!.output!;
        const reference = walk(readPart10(referencing)).find((e) => e.path === path)?.text;
        const instance = topLevelTexts(readPart10(referenced)).get(0x00080018);
        if (!reference || reference !== instance) bad.push(`${run.name}: ${from.key} ${path} = ${reference}, ${to.key} is ${instance}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("merges the De-identification Method Code Sequence without duplicates when an output is processed again", () => {
    const basic = runs[0]!;
    const withUids = runs.find((r) => r.name === "ps315.retain-uids")!;
    const again = executorFor(basic.ir);
    const other = executorFor(withUids.ir);
    const bad: string[] = [];
    for (const [key, result] of basic.results) {
      if (!result.output) continue;
      for (const [executor, expected] of [
        [again, ["113100"]],
        [other, ["113100", "113110"]],
      ] as const) {
        const second = executor.process(result.output, key);
        if (!second.output) {
          bad.push(`${key}: ${second.record.reason}`);
          continue;
        }
        const file = readPart10(second.output);
        const codes = topLevelCodes(file, 0x00120064).map((c) => `${c.scheme}:${c.value}`);
        const before = topLevelCodes(readPart10(result.output), 0x00120064).map((c) => `${c.scheme}:${c.value}`);
        const wanted = [...before, ...expected.map((v) => `DCM:${v}`).filter((c) => !before.includes(c))];
        if (JSON.stringify(codes) !== JSON.stringify(wanted)) bad.push(`${key}: codes ${codes.join(",")}, expected ${wanted.join(",")}`);
        const method = (topLevelTexts(file).get(0x00120063) ?? "").split("\\");
        if (new Set(method).size !== method.length) bad.push(`${key}: DeidentificationMethod repeats a value: ${method.join(" | ")}`);
      }
    }
    expect(failureList(bad)).toEqual([]);
  });
});

/** "gggg|creator|ee" of a private element. */
function privateKey(group: number, creator: string | undefined, offset: number): string {
  return `${group.toString(16).toUpperCase().padStart(4, "0")}|${creator ?? ""}|${offset.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** The private elements a profile keeps by name: its `(gggg,"creator",ee) -> K` rules. */
function safePrivateKeys(ir: IrProgram): Set<string> {
  const keys = new Set<string>();
  for (const rule of ir.rules) {
    if (rule.selector.kind !== "path" || rule.action.kind !== "code" || rule.action.code !== "K") continue;
    const last = rule.selector.steps[rule.selector.steps.length - 1];
    if (last?.kind !== "element" || last.match.kind !== "private" || last.match.element === null) continue;
    keys.add(privateKey(parseInt(last.match.group, 16), last.match.creator, parseInt(last.match.element, 16)));
  }
  return keys;
}

/**
 * The strings of an input element that must not reappear: the whole value and each of its values,
 * at least 4 characters long and not generic, as the bytes the object's character set gives them.
 */
function leakCandidates(element: WalkedElement, file: DicomFile): { text: string; bytes: Uint8Array }[] {
  const out: { text: string; bytes: Uint8Array }[] = [];
  const add = (text: string, bytes: Uint8Array | null): void => {
    const t = text.trim();
    if (t.length < 4 || GENERIC_VALUES.has(t.toUpperCase()) || /^[0 .:^=\\-]*$/.test(t) || out.some((o) => o.text === t)) return;
    out.push({ text: t, bytes: bytes ?? new TextEncoder().encode(t) });
  };
  if (element.text !== null) {
    // The whole value as the input encoded it, padding removed.
    let end = element.end;
    while (end > element.start && (file.dataset[end - 1] === 0x20 || file.dataset[end - 1] === 0)) end--;
    add(element.text, file.dataset.slice(element.start, end));
    if (!["LT", "ST", "UT", "UR"].includes(element.vr)) {
      for (const value of element.text.split("\\")) {
        let bytes: Uint8Array | null = null;
        try {
          bytes = element.characterSet.encode(value.trim(), element.vr);
        } catch {
          bytes = null;
        }
        if (bytes) add(value, bytes);
      }
    }
  } else if (element.vr === "UN" && element.kind === TokenKind.Element && element.end - element.start <= 256) {
    // Private text in implicit VR is UN: when its bytes are printable text, it is text.
    const raw = file.dataset.subarray(element.start, element.end);
    const text = Buffer.from(raw).toString("latin1").replace(/[\0 ]+$/, "");
    if (/^[\x20-\x7e]+$/.test(text)) add(text, new TextEncoder().encode(text.trim()));
  }
  return out;
}
