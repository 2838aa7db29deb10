import { createHmac, createSecretKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  UID_MEMO_GENERATION,
  UUID_DERIVED_ROOT,
  clearUidMemo,
  computeReplacementUid,
  isValidUid,
  replacementUid,
  replacementUids,
} from "../../../src/runtime/actions/uid";
import { randomUid, seededRandom } from "./random";

const KEY = new TextEncoder().encode("deidc test key 0123456789abcdef");
const OTHER_KEY = new TextEncoder().encode("deidc other key 0123456789abcdef");

/** The definition, computed through 64-bit reads rather than the hex path the implementation uses. */
function expectedUid(key: Uint8Array, uid: string): string {
  const d = createHmac("sha256", key).update(uid).digest();
  return "2.25." + ((d.readBigUInt64BE(0) << 64n) | d.readBigUInt64BE(8)).toString(10);
}

describe("replacementUid", () => {
  // Known answers computed independently with Python's hmac module.
  it("is 2.25. + the first 128 bits of HMAC-SHA-256(key, uid) in decimal", () => {
    expect(replacementUid(KEY, "1.2.840.113619.2.55.3.604688119.969.1268071029.320")).toBe(
      "2.25.180307965328624626732320344453323387970",
    );
    expect(replacementUid(KEY, "1.2.3")).toBe("2.25.233653055830278054246882896897350893754");
  });

  it("agrees with the definition on random UIDs", () => {
    const random = seededRandom(1);
    for (let i = 0; i < 300; i++) {
      const uid = randomUid(random);
      expect(replacementUid(KEY, uid)).toBe(expectedUid(KEY, uid));
    }
  });

  it("is deterministic, with and without the memo", () => {
    const uid = "1.2.826.0.1.3680043.8.498.1";
    const first = replacementUid(KEY, uid);
    expect(replacementUid(KEY, uid)).toBe(first);
    expect(computeReplacementUid(KEY, uid)).toBe(first);
    clearUidMemo(KEY);
    expect(replacementUid(KEY, uid)).toBe(first);
  });

  it("differs per key", () => {
    const random = seededRandom(2);
    for (let i = 0; i < 100; i++) {
      const uid = randomUid(random);
      expect(replacementUid(KEY, uid)).not.toBe(replacementUid(OTHER_KEY, uid));
    }
  });

  it("gives the same result for a KeyObject holding the same bytes", () => {
    expect(replacementUid(createSecretKey(KEY), "1.2.3")).toBe(replacementUid(KEY, "1.2.3"));
  });

  it("maps padded and unpadded forms to one UID", () => {
    expect(replacementUid(KEY, "1.2.3\0")).toBe(replacementUid(KEY, "1.2.3"));
    expect(replacementUid(KEY, "1.2.3 ")).toBe(replacementUid(KEY, "1.2.3"));
    expect(computeReplacementUid(KEY, "1.2.3\0")).toBe(replacementUid(KEY, "1.2.3"));
  });

  it("always yields a valid UID: digits and dots, no leading zeros, at most 64 characters", () => {
    const random = seededRandom(3);
    let shortest = Infinity;
    for (let i = 0; i < 5000; i++) {
      const out = computeReplacementUid(KEY, randomUid(random));
      expect(out.startsWith(UUID_DERIVED_ROOT)).toBe(true);
      expect(out).toMatch(/^2\.25\.(0|[1-9][0-9]*)$/);
      expect(out.length).toBeLessThanOrEqual(44);
      expect(isValidUid(out)).toBe(true);
      shortest = Math.min(shortest, out.length);
    }
    // 128-bit values below 10^37 occur (about 3% of them): no zero padding may appear.
    expect(shortest).toBeLessThan(44);
  });

  it("gives distinct replacements for distinct UIDs", () => {
    const random = seededRandom(4);
    const originals = new Set<string>();
    while (originals.size < 5000) originals.add(randomUid(random));
    const replaced = new Set([...originals].map((u) => replacementUid(KEY, u)));
    expect(replaced.size).toBe(originals.size);
  });

  it("keeps working past the memo capacity", () => {
    const key = new TextEncoder().encode("memo capacity key");
    const first = replacementUid(key, "1.2.3.0");
    for (let i = 1; i <= 2 * UID_MEMO_GENERATION + 10; i++) replacementUid(key, `1.2.3.${i}`);
    // the first entry has been evicted and is computed again, identically
    expect(replacementUid(key, "1.2.3.0")).toBe(first);
  });

  it("does not quote the key or the UID in an error", () => {
    try {
      replacementUid("SECRET-KEY-TEXT" as unknown as Uint8Array, "1.2.3.4.5.6");
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain("SECRET-KEY-TEXT");
      expect((e as Error).message).not.toContain("1.2.3.4.5.6");
    }
  });
});

describe("replacementUids", () => {
  it("replaces each value of a multi-valued UI string and keeps empty values", () => {
    expect(replacementUids(KEY, "1.2.3\\1.2.4")).toBe(`${replacementUid(KEY, "1.2.3")}\\${replacementUid(KEY, "1.2.4")}`);
    expect(replacementUids(KEY, "1.2.3\\\\1.2.4").split("\\")[1]).toBe("");
    expect(replacementUids(KEY, "")).toBe("");
    expect(replacementUids(KEY, "1.2.3")).toBe(replacementUid(KEY, "1.2.3"));
  });
});

describe("isValidUid", () => {
  it("accepts valid UIDs", () => {
    for (const uid of ["1.2.840.10008.1.2", "2.25.0", "0", "1.0.2", "2.25.329800735698586629295641978511506172918"]) {
      expect(isValidUid(uid)).toBe(true);
    }
  });

  it("rejects leading zeros, empty components, other characters and more than 64 characters", () => {
    for (const uid of ["", "1.02", "1..2", ".1", "1.", "1.2a", "1.2 ", "1.2\0", "1." + "1".repeat(63)]) {
      expect(isValidUid(uid)).toBe(false);
    }
  });
});
