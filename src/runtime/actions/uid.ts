// Action U (PS3.15 Table E.1-1a): "replace with a non-zero length UID that is
// internally consistent within a set of Instances". The replacement is a
// function of the site secret and the original UID only, so every reference
// to one original UID, in any object and any run with the same secret, gets
// the same replacement (PS3.15 E.1.1: consistency across related instances).
//
// Form: PS3.5 B.2 UUID-derived UID, "2.25." followed by the decimal value of a
// 128-bit integer: here the first 128 bits of HMAC-SHA-256(key, uid).

import { createHmac } from "node:crypto";
import { assertSecretKey, stripTrailingPadding, type SecretKey } from "./hash";

/** Root of UUID-derived UIDs (PS3.5 B.2). */
export const UUID_DERIVED_ROOT = "2.25.";

/**
 * Replacements remembered per key. Study, series and frame-of-reference UIDs
 * recur in every instance of a study, and HMAC dominates the cost of a miss
 * (docs/actions.md gives the measurements), so a hit is far cheaper.
 *
 * The memo has two generations of at most UID_MEMO_GENERATION entries each:
 * new and recently used entries go to `current`; when it is full it becomes
 * `previous` and the older generation is dropped whole. A hit in `previous`
 * moves the entry forward, so UIDs that keep recurring survive while one-off
 * SOP Instance UIDs age out. Unlike evicting the oldest entry of one Map one
 * at a time, which makes V8 scan a growing run of deleted slots to find the
 * oldest, every operation here is constant time.
 */
export const UID_MEMO_GENERATION = 4096;

interface UidMemo {
  current: Map<string, string>;
  previous: Map<string, string>;
}

/** One memo per key object; a key that is garbage-collected takes its memo with it. */
const memos = new WeakMap<SecretKey, UidMemo>();

/**
 * The replacement of `originalUid` under `key`: "2.25." + the unsigned decimal
 * value of the first 128 bits of HMAC-SHA-256(key, uid), where uid is
 * `originalUid` without trailing NUL or space padding. At most 44 characters.
 *
 * Results are memoised per key object (at most 2 * UID_MEMO_GENERATION
 * entries). A key's bytes must not change after its first use.
 */
export function replacementUid(key: SecretKey, originalUid: string): string {
  let memo = memos.get(key);
  if (memo === undefined) {
    assertSecretKey(key);
    memo = { current: new Map(), previous: new Map() };
    memos.set(key, memo);
  }
  const uid = stripTrailingPadding(originalUid);
  const recent = memo.current.get(uid);
  if (recent !== undefined) return recent;
  const replacement = memo.previous.get(uid) ?? computeReplacementUid(key, uid);
  if (memo.current.size >= UID_MEMO_GENERATION) {
    memo.previous = memo.current;
    memo.current = new Map();
  }
  memo.current.set(uid, replacement);
  return replacement;
}

/** `replacementUid` without the memo (for one-off use and for measuring the memo). */
export function computeReplacementUid(key: SecretKey, originalUid: string): string {
  assertSecretKey(key);
  const hex = createHmac("sha256", key).update(stripTrailingPadding(originalUid), "utf8").digest("hex");
  // BigInt from 32 hex digits measured faster than 64-bit reads or a
  // hand-written base-10^9 conversion, and its toString has no leading zeros.
  return UUID_DERIVED_ROOT + BigInt("0x" + hex.slice(0, 32)).toString();
}

/**
 * Applies `replacementUid` to each value of a multi-valued UI string
 * (values separated by `\`); empty values stay empty.
 */
export function replacementUids(key: SecretKey, value: string): string {
  if (value.indexOf("\\") < 0) return stripTrailingPadding(value) === "" ? value : replacementUid(key, value);
  const parts = value.split("\\");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (stripTrailingPadding(part) !== "") parts[i] = replacementUid(key, part);
  }
  return parts.join("\\");
}

/** Forgets every remembered replacement of `key` (e.g. when a run ends). */
export function clearUidMemo(key: SecretKey): void {
  memos.delete(key);
}

/**
 * True when `uid` is a syntactically valid UID (PS3.5 9.1): at most 64
 * characters, components of digits separated by single dots, no component
 * empty or with a leading zero (except the component "0" itself).
 */
export function isValidUid(uid: string): boolean {
  const n = uid.length;
  if (n === 0 || n > 64) return false;
  let componentStart = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? uid.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const length = i - componentStart;
      if (length === 0) return false;
      if (length > 1 && uid.charCodeAt(componentStart) === 0x30) return false;
      componentStart = i + 1;
    } else if (c < 0x30 || c > 0x39) {
      return false;
    }
  }
  return true;
}
