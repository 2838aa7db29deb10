// Malformed input must end in success or a DicomReadError, never in any other exception: random
// truncations, byte flips and length corruptions of corpus files, read and walked to the end with
// every value read.

import { seededRandom } from "../../support/random";
import { describe, expect, it } from "vitest";
import { statSync } from "node:fs";
import { DicomReadError, TokenKind, openCursor, readPart10 } from "../../../src/runtime/dicom/index";
import { CORPUS_DIR, KNOWN_MALFORMED, corpusFiles, loadCorpusFile, shortName, warnIfNoCorpus } from "./corpus";

warnIfNoCorpus("dicom fuzz");

const random = seededRandom;

/** Reads everything the executor might read. */
function consume(bytes: Uint8Array): void {
  const file = readPart10(bytes);
  const cursor = openCursor(file);
  while (cursor.next()) {
    if (cursor.kind === TokenKind.Element) {
      cursor.readText();
      cursor.readNumber(0);
      cursor.readNumber(1);
      cursor.privateCreator();
      cursor.valueBytes();
    }
    cursor.path();
  }
}

type Mutation = (bytes: Uint8Array, rnd: () => number) => Uint8Array;

const MUTATIONS: [string, Mutation][] = [
  ["truncate", (b, rnd) => b.subarray(0, Math.floor(rnd() * b.length))],
  ["flip bytes", (b, rnd) => {
    const out = b.slice();
    // headers are where structure lives: bias flips to the first 4 KiB
    const span = Math.min(out.length, rnd() < 0.8 ? 4096 : out.length);
    for (let i = 1 + Math.floor(rnd() * 4); i > 0; i--) out[Math.floor(rnd() * span)] = Math.floor(rnd() * 256);
    return out;
  }],
  ["corrupt a length", (b, rnd) => {
    const out = b.slice();
    const at = Math.floor(rnd() * Math.min(out.length - 4, 4096));
    const lengths = [0xffffffff, 0xfffffffe, 0x7fffffff, 0xffff, 1, 0];
    new DataView(out.buffer).setUint32(at, lengths[Math.floor(rnd() * lengths.length)]!, true);
    return out;
  }],
  ["splice", (b, rnd) => {
    const a = Math.floor(rnd() * b.length);
    const c = Math.floor(rnd() * b.length);
    return Uint8Array.from([...b.subarray(0, Math.min(a, c)), ...b.subarray(Math.max(a, c))]);
  }],
];

const MUTATIONS_PER_KIND = 100;

describe.skipIf(!CORPUS_DIR)("fuzz: malformed input gives success or DicomReadError", () => {
  // small files keep the run well under 10 s; they cover every encoding, sequences, UN, deflate
  const sources = corpusFiles()
    .filter((f) => statSync(f).size <= 40_000 && !KNOWN_MALFORMED.has(shortName(f)))
    .map((f) => ({ name: shortName(f), bytes: loadCorpusFile(f) }));

  it.each(MUTATIONS.map(([name, mutate], k) => [name, mutate, k] as const))("%s", (_name, mutate, k) => {
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < MUTATIONS_PER_KIND; i++) {
      const seed = k * 100_003 + i;
      const rnd = random(seed);
      const source = sources[Math.floor(rnd() * sources.length)]!;
      const mutated = mutate(source.bytes, rnd);
      try {
        consume(mutated);
        outcomes.ok++;
      } catch (e) {
        if (!(e instanceof DicomReadError)) {
          throw new Error(`seed ${seed} on ${source.name}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
        }
        expect(e.message).toMatch(/offset 0x[0-9A-F]+|not a DICOM file/);
        outcomes.rejected++;
      }
    }
    expect(outcomes.ok + outcomes.rejected).toBe(MUTATIONS_PER_KIND);
  });
});
