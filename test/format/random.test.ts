// Property tests over generated files: for each seed, the formatter's output
// parses to the same tree, keeps every comment with its construct, and is a
// fixed point. A failure names its seed; `generateFile(seed)` reproduces it.

import { describe, expect, it } from "vitest";
import { generateFile } from "./generate";
import { checkContract, parseOk } from "./helpers";

const SEEDS = Array.from({ length: 400 }, (_, i) => i + 1);

describe("generated files", () => {
  it("are well formed (the generator itself is right)", () => {
    for (const seed of SEEDS.slice(0, 50)) parseOk(generateFile(seed), `seed ${seed}`);
  });

  it.each(SEEDS)("seed %i: same tree, same comments, idempotent", (seed) => {
    checkContract(generateFile(seed), `seed ${seed}`);
  });

  it("still hold with a comment at almost every gap", () => {
    for (let seed = 1000; seed < 1100; seed++) {
      checkContract(generateFile(seed, { comments: 0.6, breaks: 0.4 }), `seed ${seed} (dense comments)`);
    }
  });

  it("produce files that exercise comments and line breaks", () => {
    const texts = SEEDS.map((s) => generateFile(s));
    expect(texts.filter((t) => t.includes("//")).length).toBeGreaterThan(SEEDS.length / 2);
    expect(texts.filter((t) => t.includes("\r\n")).length).toBeGreaterThan(0);
  });
});
