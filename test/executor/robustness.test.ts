// Corrupted inputs: corpus files with bytes flipped and tails cut off, through ps315.basic and two
// options. The executor must never throw and never report an internal error: every object is either
// written or fails with a reason that says what is wrong with the input.

import { describe, expect, it } from "vitest";
import { CORPUS_DIR, compile, corpusFiles, executorFor, loadCorpusFile, shortName, warnIfNoCorpus } from "./helpers";

warnIfNoCorpus("executor robustness");

/** A small deterministic generator (the same corrupted files on every run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

describe.skipIf(!CORPUS_DIR)("executor on corrupted inputs", () => {
  it("never throws and never fails with an internal error", () => {
    const files = corpusFiles()
      .map((path) => ({ name: shortName(path), bytes: loadCorpusFile(path) }))
      .filter((f) => f.bytes.length < 300_000);
    const next = random(20261123);
    const outcomes: Record<string, number> = {};
    const internal: string[] = [];
    for (const options of [[], ["ps315.retain-safe-private"], ["ps315.clean-structured-content"]]) {
      const executor = executorFor(compile("ps315.basic", options));
      for (let i = 0; i < 200; i++) {
        const { name, bytes } = files[Math.floor(next() * files.length)]!;
        // A fifth are cut short; each gets one to six random bytes in its first 4 KB after the preamble.
        const keep = next() < 0.2 ? Math.max(140, Math.floor(bytes.length * next())) : bytes.length;
        const corrupted = bytes.slice(0, keep);
        const flips = 1 + Math.floor(next() * 6);
        for (let k = 0; k < flips; k++) corrupted[132 + Math.floor(next() * Math.min(corrupted.length - 132, 4096))] = Math.floor(next() * 256);
        const result = executor.process(corrupted, name);
        outcomes[result.record.outcome] = (outcomes[result.record.outcome] ?? 0) + 1;
        if (result.record.outcome === "written" && !result.output) internal.push(`${name}: written without output`);
        if (result.record.outcome === "failed" && !result.record.reason) internal.push(`${name}: failed without a reason`);
        if (result.record.reason?.startsWith("internal error")) internal.push(`${name}: ${result.record.reason}`);
      }
    }
    expect(internal).toEqual([]);
    // Both kinds of outcome occur, so the corruption reaches the walk as well as the reader.
    expect(outcomes.written).toBeGreaterThan(50);
    expect(outcomes.failed).toBeGreaterThan(50);
  });
});

describe.skipIf(!CORPUS_DIR)("an image cut short before its pixels", () => {
  it("is written with a warning that it has no Pixel Data; the whole image has none", () => {
    const path = corpusFiles().find((p) => p.endsWith("/CT_small.dcm"))!;
    const bytes = loadCorpusFile(path);
    // The offset of Pixel Data's tag: cut there, the file ends at a clean element boundary.
    const at = Buffer.from(bytes).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    expect(at).toBeGreaterThan(132);
    const executor = executorFor(compile("ps315.basic"));
    const cut = executor.process(bytes.slice(0, at), "cut.dcm");
    expect(cut.record.outcome).toBe("written");
    expect(cut.record.warnings).toContain(
      "the object has Rows and Columns but no Pixel Data: an image file cut short before its pixels reads like this; the output has no image either",
    );
    expect(executor.process(bytes, "whole.dcm").record.warnings.some((w) => w.includes("no Pixel Data"))).toBe(false);
  });
});
