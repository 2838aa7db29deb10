// parseDeid must never throw, whatever the text, and must always return a
// well-formed result. The inputs are the examples of docs/language.md,
// mutated (tokens deleted, duplicated, swapped; characters inserted; text
// truncated), and files of random tokens and random characters. A seeded PRNG
// makes every failure reproducible: the failing seed and text are printed.

import { seededRandom } from "../support/random";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deidLexer } from "../../grammar/tokens";
import type { Diagnostic } from "../../src/diagnostics/diagnostic";
import type { Span } from "../../src/syntax/ast";
import { parseDeid } from "../../src/syntax/parse";

const prng = seededRandom;

type Random = ReturnType<typeof prng>;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, below: number): number => Math.floor(random() * below);

const markdown = readFileSync(new URL("../../docs/language.md", import.meta.url), "utf8");
const examples = [...markdown.matchAll(/```deid\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Token images seen in the examples, plus pieces that tend to break parsers. */
const vocabulary = [
  ...new Set(examples.flatMap((e) => deidLexer.tokenize(e).tokens.map((t) => t.image))),
  "(", ")", "[", "]", "{", "}", ",", "..", "->", "=", "==", "=>", "&&", "!", "~", "/", "**", "*", "+",
  '"', '"unterminated', "'single'", "(0010,001G)", '(0029,"X")', "(60xx,xxxx)", "/re/", "/[a-z/]+/gi",
  "deid", "deid 2", "not", "else", "lookup(", "empty", "set", "vr", "private", "option x {", "pixels {", "blank (",
  "//", "// note", "#", "\\", "\\u{", "😀", "é", "\t", "\r\n", "\n", "\u2028", "\u0000", "-", "-1", "1.5", "0x10",
];

const noise = ["\n", " ", "(", ")", '"', "/", "\\", "{", "}", "[", "]", ",", "-", ">", "=", "!", "~", ".", "*", "x", "0", "é", "😀", "\r", "\t", "#", "'", ":"];

function tokensOf(text: string): { start: number; end: number }[] {
  return deidLexer.tokenize(text).tokens.map((t) => ({ start: t.startOffset, end: t.endOffset! + 1 }));
}

/** One random edit of a text, at token or character level. */
function mutate(text: string, random: Random): string {
  const tokens = tokensOf(text);
  const kind = int(random, 7);
  if (tokens.length === 0 || kind === 0) {
    const at = int(random, text.length + 1);
    return text.slice(0, at) + pick(random, noise) + text.slice(at);
  }
  const a = pick(random, tokens);
  const b = pick(random, tokens);
  const image = (t: { start: number; end: number }) => text.slice(t.start, t.end);
  switch (kind) {
    case 1: // delete a token
      return text.slice(0, a.start) + text.slice(a.end);
    case 2: // duplicate a token
      return text.slice(0, a.end) + " " + image(a) + text.slice(a.end);
    case 3: {
      // swap two tokens
      const [first, second] = a.start <= b.start ? [a, b] : [b, a];
      if (first === second || first.end > second.start) return text;
      return text.slice(0, first.start) + image(second) + text.slice(first.end, second.start) + image(first) + text.slice(second.end);
    }
    case 4: // replace a token by one from the vocabulary
      return text.slice(0, a.start) + pick(random, vocabulary) + text.slice(a.end);
    case 5: // truncate
      return text.slice(0, int(random, text.length + 1));
    default: // insert a vocabulary piece between tokens
      return text.slice(0, a.end) + " " + pick(random, vocabulary) + " " + text.slice(a.end);
  }
}

function randomTokens(random: Random): string {
  const parts: string[] = [];
  for (let i = int(random, 60); i > 0; i--) parts.push(pick(random, vocabulary), random() < 0.15 ? "\n" : " ");
  return parts.join("");
}

function randomCharacters(random: Random): string {
  let text = "";
  for (let i = int(random, 200); i > 0; i--) text += random() < 0.7 ? pick(random, noise) : String.fromCharCode(32 + int(random, 95));
  return text;
}

/** Every object with a span in the tree, so their spans can be checked. */
function* spans(node: unknown): Generator<Span> {
  if (Array.isArray(node)) {
    for (const n of node) yield* spans(n);
  } else if (node !== null && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (record.span) yield record.span as Span;
    for (const [key, value] of Object.entries(record)) if (key !== "span") yield* spans(value);
  }
}

const validSpan = (span: Span, length: number) =>
  Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= length;

/** Parses one text and checks the contract; returns a reason when it is broken. */
function contractViolation(text: string): string | null {
  let result: ReturnType<typeof parseDeid>;
  try {
    result = parseDeid(text, "fuzz.deid");
  } catch (error) {
    return `threw ${String(error)}`;
  }
  const { file, diagnostics } = result;
  if (file?.kind !== "File" || !Array.isArray(file.items) || !Array.isArray(file.comments)) return "no DeidFile";
  if (!Array.isArray(diagnostics)) return "no diagnostics array";
  // The fallback for an unexpected exception must never be needed.
  if (diagnostics.some((d) => d.message === "the parser failed on this file")) return `internal failure: ${diagnostics[0]!.help}`;
  for (const span of spans(file)) if (!validSpan(span, text.length)) return `node span ${JSON.stringify(span)} out of range`;
  for (let i = 1; i < file.items.length; i++) {
    if (file.items[i]!.span.start < file.items[i - 1]!.span.end) return "items overlap";
  }
  for (const d of diagnostics as Diagnostic[]) {
    if (!/^DEID1\d{3}$/.test(d.code)) return `code ${d.code}`;
    if (!validSpan(d.span, text.length)) return `diagnostic span ${JSON.stringify(d.span)} out of range`;
    if (d.file !== "fuzz.deid") return "diagnostic file";
    if (/\n|\r/.test(d.message) || /[.]$/.test(d.message) || /^[A-Z]/.test(d.message)) return `message style: ${d.message}`;
  }
  return null;
}

function run(label: string, count: number, seed: number, generate: (random: Random) => string): void {
  for (let i = 0; i < count; i++) {
    const random = prng(seed + i);
    const text = generate(random);
    const violation = contractViolation(text);
    if (violation !== null) {
      expect.fail(`${label} seed ${seed + i}: ${violation}\n--- text (JSON) ---\n${JSON.stringify(text)}`);
    }
  }
}

describe("parseDeid on hostile input", () => {
  it("the unmutated examples parse cleanly, so the mutations start from valid text", () => {
    for (const example of examples) expect(parseDeid(example, "e.deid").diagnostics).toEqual([]);
  });

  it("survives mutated examples", () => {
    run("mutation", 4000, 1_000, (random) => {
      let text = pick(random, examples);
      for (let edits = 1 + int(random, 4); edits > 0; edits--) text = mutate(text, random);
      return text;
    });
  });

  it("survives many edits to a long file", () => {
    const all = examples.join("\n");
    run("long", 300, 100_000, (random) => {
      let text = all;
      for (let edits = 5 + int(random, 30); edits > 0; edits--) text = mutate(text, random);
      return text;
    });
  });

  it("survives files of random tokens", () => {
    run("tokens", 2000, 500_000, randomTokens);
  });

  it("survives random characters", () => {
    run("characters", 1500, 900_000, randomCharacters);
  });

  it("survives edge cases found by hand", () => {
    const cases = [
      "", "\uFEFFdeid 1\nA -> X", "\uD800", "\u0000", 'A -> "\\', 'A -> "\\u{', "(", "((((", "}}}}", "deid", "deid 1 deid 1",
      "option x {", "option x { option y { A -> X } }", "pixels { blank", "A -> X when A ~ /", "replace(/a/", "/", "**", "A[",
      "vr", "private", "*", "A ->\u2028X", "deid 1\r\nA -> X\rB -> X", "A -> lookup(", "A -> X when not", "let", "param p:",
    ];
    for (const text of cases) expect(contractViolation(text), JSON.stringify(text)).toBeNull();
  });

  it("is deterministic: the singleton parser carries nothing from one file to the next", () => {
    const texts = Array.from({ length: 50 }, (_, i) => mutate(pick(prng(i), examples), prng(i + 7)));
    const first = texts.map((t) => JSON.stringify(parseDeid(t, "d.deid")));
    const second = texts.map((t) => JSON.stringify(parseDeid(t, "d.deid")));
    expect(second).toEqual(first);
  });
});
