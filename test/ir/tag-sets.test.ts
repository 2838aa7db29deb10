// Tag sets as unions of masks (src/ir/tag-sets.ts), which explain uses to tell whether a rule
// selects all, some or none of a row's tags: checked against counting the tags one by one.

import { describe, expect, it } from "vitest";
import { coverage, holds, intersect, privateTags, rangeTags, type TagSet } from "../../src/ir/tag-sets";

/** A small pseudo-random generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const BASE = 0x00190000;

/** A range or mask inside (0019,0000)..(0019,03FF), where every tag can be counted. */
function randomSet(next: () => number): TagSet {
  if (next() < 0.5) {
    const a = Math.floor(next() * 0x400);
    const b = Math.floor(next() * 0x400);
    return rangeTags(BASE + Math.min(a, b), BASE + Math.max(a, b));
  }
  const mask = (0xfffffc00 | Math.floor(next() * 0x400)) >>> 0;
  return [{ mask, value: ((BASE + Math.floor(next() * 0x400)) & mask) >>> 0 }];
}

function brute(target: TagSet, by: TagSet): string {
  let inside = 0;
  let total = 0;
  for (let t = BASE; t < BASE + 0x400; t++) {
    if (!holds(target, t)) continue;
    total++;
    if (holds(by, t)) inside++;
  }
  return inside === 0 ? "none" : inside === total ? "all" : "some";
}

describe("tag sets", () => {
  it("splits a range into aligned blocks holding exactly its tags", () => {
    const set = rangeTags(0x00191003, 0x00191041);
    for (let t = 0x00191000; t < 0x00191050; t++) expect(holds(set, t), t.toString(16)).toBe(t >= 0x00191003 && t <= 0x00191041);
    expect(rangeTags(0, 0xffffffff)).toEqual([{ mask: 0, value: 0 }]);
  });

  it("tells all, some or none as counting does, for unions too", () => {
    const next = random(7);
    for (let i = 0; i < 400; i++) {
      const target = randomSet(next);
      const by = [...randomSet(next), ...randomSet(next)];
      expect(coverage(target, by), JSON.stringify({ target, by })).toBe(brute(target, by));
      const both = intersect(target, by);
      for (let t = BASE; t < BASE + 0x400; t += 7) expect(holds(both, t)).toBe(holds(target, t) && holds(by, t));
    }
  });

  it("gives a private element every block its creator may reserve, 10 to FF", () => {
    const set = privateTags(0x0019, 0x18);
    expect(holds(set, 0x00191018)).toBe(true);
    expect(holds(set, 0x0019ff18)).toBe(true);
    expect(holds(set, 0x00190f18)).toBe(false);
    expect(holds(set, 0x00191019)).toBe(false);
    expect(coverage(privateTags(0x0019, null), rangeTags(0x00191000, 0x0019ffff))).toBe("all");
    expect(coverage(privateTags(0x0019, null), rangeTags(0x00191000, 0x001910ff))).toBe("some");
  });
});
