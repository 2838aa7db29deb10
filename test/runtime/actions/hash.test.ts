import { createHmac, createSecretKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  MAX_HASH_LENGTH,
  assertSecretKey,
  base32Prefix,
  daysOffset,
  hmacSha256,
  keyedHash,
  stripTrailingPadding,
} from "../../../src/runtime/actions/hash";
import { randomInt, seededRandom } from "./random";

const KEY = new TextEncoder().encode("deidc test key 0123456789abcdef");
const OTHER_KEY = new TextEncoder().encode("deidc other key 0123456789abcdef");

/** RFC 4648 base 32 by way of a bit string: slow, but shares no code with base32Prefix. */
function referenceBase32(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const b of bytes) bits += b.toString(2).padStart(8, "0");
  while (bits.length % 5 !== 0) bits += "0";
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

describe("keyedHash", () => {
  // Known answers computed independently with Python's hmac and base64 modules.
  it("matches HMAC-SHA-256 of the domain-prefixed value, base-32 encoded", () => {
    expect(keyedHash(KEY, "PAT001", 8)).toBe("YGASWSDY");
    expect(keyedHash(KEY, "PAT001", 52)).toBe("YGASWSDYJ35YEXGMFSHHHCSILA7EOTMUDY3WCE4HGI7DVN6AY3CQ");
    expect(keyedHash(KEY, "", 10)).toBe("P3TSMKWCK3");
  });

  it("is a prefix of one encoding for every length", () => {
    const full = keyedHash(KEY, "PAT001", MAX_HASH_LENGTH);
    for (let n = 1; n <= MAX_HASH_LENGTH; n++) expect(keyedHash(KEY, "PAT001", n)).toBe(full.slice(0, n));
  });

  it("uses only the RFC 4648 upper-case alphabet", () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const value = `ID${randomInt(random, 0, 1e9)}`;
      expect(keyedHash(KEY, value, 52)).toMatch(/^[A-Z2-7]{52}$/);
    }
  });

  it("depends on the key", () => {
    expect(keyedHash(KEY, "PAT001", 16)).not.toBe(keyedHash(OTHER_KEY, "PAT001", 16));
  });

  it("accepts a secret KeyObject with the same result as its bytes", () => {
    expect(keyedHash(createSecretKey(KEY), "PAT001", 20)).toBe(keyedHash(KEY, "PAT001", 20));
  });

  it("ignores trailing space and NUL padding of the value", () => {
    expect(keyedHash(KEY, "PAT001 ", 12)).toBe(keyedHash(KEY, "PAT001", 12));
    expect(keyedHash(KEY, "PAT001\0", 12)).toBe(keyedHash(KEY, "PAT001", 12));
    expect(keyedHash(KEY, " PAT001", 12)).not.toBe(keyedHash(KEY, "PAT001", 12));
  });

  it("rejects lengths outside 1..52", () => {
    for (const bad of [0, 53, 1.5, -1, Number.NaN]) expect(() => keyedHash(KEY, "x", bad)).toThrow(RangeError);
  });

  it("is domain-separated from days(): hashing 'days:' + v does not give days' HMAC", () => {
    const daysHmac = createHmac("sha256", KEY).update("days:PAT001").digest();
    expect(keyedHash(KEY, "days:PAT001", 52)).not.toBe(referenceBase32(daysHmac).slice(0, 52));
    // ...because hash() itself prefixes "hash:"
    const hashHmac = createHmac("sha256", KEY).update("hash:days:PAT001").digest();
    expect(keyedHash(KEY, "days:PAT001", 52)).toBe(referenceBase32(hashHmac).slice(0, 52));
  });
});

describe("base32Prefix", () => {
  it("agrees with a bit-string reference on random inputs of every length", () => {
    const random = seededRandom(11);
    for (let length = 0; length <= 40; length++) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = randomInt(random, 0, 255);
      const expected = referenceBase32(bytes);
      expect(base32Prefix(bytes, expected.length + 5)).toBe(expected);
      expect(base32Prefix(bytes, Math.floor(expected.length / 2))).toBe(expected.slice(0, Math.floor(expected.length / 2)));
    }
  });

  it("encodes the RFC 4648 test vector", () => {
    expect(base32Prefix(new TextEncoder().encode("foobar"), 100)).toBe("MZXW6YTBOI");
  });
});

describe("daysOffset", () => {
  it("matches HMAC-SHA-256('days:' + value), first 64 bits modulo the range size", () => {
    expect(daysOffset(KEY, "PAT001", -365, -30)).toBe(-102);
    expect(daysOffset(KEY, "PAT002", -365, -30)).toBe(-207);
    expect(daysOffset(KEY, "PAT001", 0, 0)).toBe(0);
    expect(daysOffset(KEY, "PAT001", -1000000, 1000000)).toBe(-734099);
  });

  it("always lies in [lo, hi] and is an integer", () => {
    const random = seededRandom(3);
    for (let i = 0; i < 500; i++) {
      const lo = randomInt(random, -5000, 5000);
      const hi = lo + randomInt(random, 0, 3000);
      const d = daysOffset(KEY, `P${i}`, lo, hi);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(lo);
      expect(d).toBeLessThanOrEqual(hi);
    }
  });

  it("spreads values over the range", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(daysOffset(KEY, `P${i}`, 1, 20));
    expect(seen.size).toBe(20);
  });

  it("answers repeated and interleaved questions as a fresh HMAC would (the last answer is remembered)", () => {
    const fresh = (key: Uint8Array, value: string, lo: number, hi: number): number => {
      const digest = createHmac("sha256", key).update("days:" + value, "utf8").digest();
      return lo + Number(digest.readBigUInt64BE(0) % (BigInt(hi) - BigInt(lo) + 1n));
    };
    const questions: [Uint8Array, string, number, number][] = [
      [KEY, "PAT001", -365, -30],
      [KEY, "PAT001", -365, -30],
      [KEY, "PAT001", -3650, -30],
      [OTHER_KEY, "PAT001", -3650, -30],
      [OTHER_KEY, "PAT002", -3650, -30],
      [KEY, "PAT001", -365, -30],
      [KEY, "PAT001 ", -365, -30],
    ];
    for (const [key, value, lo, hi] of questions) expect(daysOffset(key, value, lo, hi)).toBe(fresh(key, value.trimEnd(), lo, hi));
  });

  it("is deterministic per key and value and depends on the key", () => {
    expect(daysOffset(KEY, "PAT001", -730, -1)).toBe(daysOffset(KEY, "PAT001", -730, -1));
    const differs = ["A", "B", "C", "D", "E"].some(
      (v) => daysOffset(KEY, v, -100000, 100000) !== daysOffset(OTHER_KEY, v, -100000, 100000),
    );
    expect(differs).toBe(true);
  });

  it("ignores trailing padding", () => {
    expect(daysOffset(KEY, "PAT001  ", -365, -30)).toBe(-102);
  });

  it("rejects a reversed or non-integer range", () => {
    expect(() => daysOffset(KEY, "x", 5, 4)).toThrow(RangeError);
    expect(() => daysOffset(KEY, "x", 0.5, 4)).toThrow(RangeError);
  });
});

describe("secrets never appear in errors", () => {
  it("rejects a non-key without quoting it", () => {
    const secretLooking = "SUPER-SECRET-VALUE";
    for (const call of [
      () => keyedHash(secretLooking as unknown as Uint8Array, "PATIENT-NAME", 8),
      () => daysOffset(secretLooking as unknown as Uint8Array, "PATIENT-NAME", 0, 1),
      () => hmacSha256(12345 as unknown as Uint8Array, "PATIENT-NAME"),
    ]) {
      let message = "";
      try {
        call();
      } catch (e) {
        message = String((e as Error).message) + String((e as Error).stack);
      }
      expect(message).not.toBe("");
      expect(message).not.toContain(secretLooking);
      expect(message).not.toContain("12345");
      expect(message).not.toContain("PATIENT-NAME");
    }
  });

  it("rejects an asymmetric KeyObject", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => assertSecretKey(privateKey)).toThrow(TypeError);
  });

  it("range errors name the parameter, not the value", () => {
    try {
      keyedHash(KEY, "PATIENT-NAME", 99);
    } catch (e) {
      expect((e as Error).message).not.toContain("PATIENT-NAME");
    }
  });
});

describe("stripTrailingPadding", () => {
  it("removes trailing spaces and NULs only", () => {
    expect(stripTrailingPadding("1.2.3\0")).toBe("1.2.3");
    expect(stripTrailingPadding("AB \0 ")).toBe("AB");
    expect(stripTrailingPadding(" AB")).toBe(" AB");
    expect(stripTrailingPadding("   ")).toBe("");
    const unchanged = "ABC";
    expect(stripTrailingPadding(unchanged)).toBe(unchanged);
  });
});
