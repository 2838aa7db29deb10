// Throughput of the reader: every element of every corpus file, at all depths, walked in memory
// (file reading excluded, inflation of deflated datasets included). Printed, not asserted tightly:
// machines differ; the floor only catches an accidental quadratic or per-element allocation storm.

import { describe, expect, it } from "vitest";
import { performance } from "node:perf_hooks";
import { KNOWN_MALFORMED, CORPUS_DIR, corpusFiles, loadCorpusFile, readWithDcmjs, shortName, warnIfNoCorpus } from "./corpus";
import { TokenKind, openCursor, readPart10 } from "../../../src/runtime/dicom/index";

warnIfNoCorpus("dicom throughput");

function walkEverything(files: Uint8Array[]): number {
  let elements = 0;
  for (const bytes of files) {
    const cursor = openCursor(readPart10(bytes));
    while (cursor.next()) if (cursor.kind !== TokenKind.ItemEnd && cursor.kind !== TokenKind.SequenceEnd) elements++;
  }
  return elements;
}

describe.skipIf(!CORPUS_DIR)("reader throughput", () => {
  it("walks the whole corpus", () => {
    const files = corpusFiles().filter((f) => !KNOWN_MALFORMED.has(shortName(f))).map(loadCorpusFile);
    const totalBytes = files.reduce((n, b) => n + b.length, 0);
    walkEverything(files); // warm-up: JIT, dictionary, decoders
    const rounds = 20;
    const t0 = performance.now();
    let elements = 0;
    for (let i = 0; i < rounds; i++) elements += walkEverything(files);
    const seconds = (performance.now() - t0) / 1000;
    const mbPerSecond = (totalBytes * rounds) / 1e6 / seconds;
    const elementsPerSecond = elements / seconds;

    const d0 = performance.now();
    for (const bytes of files) readWithDcmjs(bytes);
    const dcmjsMbPerSecond = totalBytes / 1e6 / ((performance.now() - d0) / 1000);

    console.info(
      `[dicom throughput] ${files.length} files, ${(totalBytes / 1e6).toFixed(1)} MB, ${elements / rounds} tokens per pass: ` +
        `${mbPerSecond.toFixed(0)} MB/s, ${(elementsPerSecond / 1e6).toFixed(2)} M tokens/s (dcmjs full parse: ${dcmjsMbPerSecond.toFixed(0)} MB/s)`,
    );
    expect(mbPerSecond).toBeGreaterThan(100);
  });
});
