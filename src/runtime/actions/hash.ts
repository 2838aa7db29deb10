// Keyed functions of the rule language: hash(secret, value, n) and
// days(secret, value, lo .. hi). Both are HMAC-SHA-256 under the site's
// secret, each with its own message prefix so that no output of one can be
// computed from an output of the other (see docs/actions.md, "Keyed functions").
//
// Secrets and the values being hashed are identifying; neither may appear in
// an error message, so every error below names only the parameter at fault.

import { createHmac, KeyObject } from "node:crypto";

/** A secret as the runtime loads it: raw bytes, or a Node secret KeyObject. */
export type SecretKey = Uint8Array | KeyObject;

/** Message prefix of `hash(...)`; keeps its HMAC inputs disjoint from `days(...)` and UIDs. */
export const HASH_DOMAIN = "hash:";
/** Message prefix of `days(...)`. */
export const DAYS_DOMAIN = "days:";

/** RFC 4648 section 6 alphabet. */
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** 256 bits of HMAC output give ceil(256 / 5) base-32 characters. */
export const MAX_HASH_LENGTH = 52;

/**
 * Throws unless `key` is a usable HMAC key. Node's own argument errors quote
 * the offending value, which could be a secret; this error never does.
 */
export function assertSecretKey(key: unknown): asserts key is SecretKey {
  if (key instanceof Uint8Array) return;
  if (key instanceof KeyObject && key.type === "secret") return;
  throw new TypeError("secret key must be a Uint8Array or a secret KeyObject");
}

/**
 * Removes the trailing space and NUL padding that DICOM string values may
 * carry (PS3.5 6.2), so a padded and an unpadded rendering of one value give
 * one pseudonym whichever decoder produced them.
 */
export function stripTrailingPadding(value: string): string {
  let end = value.length;
  while (end > 0) {
    const c = value.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x00) break;
    end--;
  }
  return end === value.length ? value : value.slice(0, end);
}

/** HMAC-SHA-256 of the UTF-8 encoding of `message`. */
export function hmacSha256(key: SecretKey, message: string): Buffer {
  assertSecretKey(key);
  return createHmac("sha256", key).update(message, "utf8").digest();
}

/**
 * `hash(secret, value, n)`: the first `length` characters of the base-32
 * (RFC 4648, upper case, no padding) encoding of
 * HMAC-SHA-256(key, "hash:" + value), value stripped of trailing padding.
 */
export function keyedHash(key: SecretKey, value: string, length: number): string {
  if (!Number.isInteger(length) || length < 1 || length > MAX_HASH_LENGTH) {
    throw new RangeError(`hash length must be an integer from 1 to ${MAX_HASH_LENGTH}`);
  }
  const digest = hmacSha256(key, HASH_DOMAIN + stripTrailingPadding(value));
  return base32Prefix(digest, length);
}

/**
 * The first `length` characters of the RFC 4648 base-32 encoding of `bytes`
 * (upper case, no padding). Only the needed bits are read.
 */
export function base32Prefix(bytes: Uint8Array, length: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  let index = 0;
  while (out.length < length) {
    if (bits < 5) {
      if (index < bytes.length) {
        buffer = ((buffer << 8) | bytes[index++]!) & 0xffff;
        bits += 8;
      } else {
        // Final partial group: RFC 4648 pads the missing low bits with zeros.
        if (bits === 0) break;
        buffer <<= 5 - bits;
        bits = 5;
      }
    }
    out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
    bits -= 5;
  }
  return out;
}

/**
 * `days(secret, value, lo .. hi)`: a whole number of days in [lo, hi] chosen
 * by HMAC-SHA-256(key, "days:" + value), value stripped of trailing padding.
 *
 * The first 64 bits of the HMAC, read as an unsigned big-endian integer, are
 * reduced modulo the range size. Modulo reduction favours small remainders by
 * at most (hi - lo + 1) / 2^64 in probability: below 1e-16 for any range of
 * days a rule can express, so no rejection loop is needed and the result is
 * one HMAC away from the input.
 *
 * The last answer is remembered by key object, value and range: a key's bytes
 * must not change after its first use (as for replacementUid's memo).
 */
export function daysOffset(key: SecretKey, value: string, lo: number, hi: number): number {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
    throw new RangeError("days range must be two integers with lo <= hi");
  }
  // The objects of one patient usually come one after another: the last answer is kept (one HMAC per
  // patient rather than per object). A key's bytes must not change after its first use.
  const last = lastDays;
  if (last.key === key && last.value === value && last.lo === lo && last.hi === hi) return last.days;
  const digest = hmacSha256(key, DAYS_DOMAIN + stripTrailingPadding(value));
  const span = BigInt(hi) - BigInt(lo) + 1n;
  const days = lo + Number(digest.readBigUInt64BE(0) % span);
  last.key = key;
  last.value = value;
  last.lo = lo;
  last.hi = hi;
  last.days = days;
  return days;
}

const lastDays: { key: SecretKey | null; value: string; lo: number; hi: number; days: number } = { key: null, value: "", lo: 0, hi: 0, days: 0 };
