// Run with: npx vitest bench --run test/runtime/actions/uid-memo.bench.ts
// Compares replacementUid (memoised per key) with computeReplacementUid (no
// memo) on three workloads: every UID new, every UID repeated (memo warm),
// and one study processed from an empty memo (per instance: its own SOP
// Instance UID, a reference to the previous instance, and the study, series
// and frame-of-reference UIDs, so 4 of 5 calls repeat a UID seen before).

import { bench, describe } from "vitest";
import { clearUidMemo, computeReplacementUid, replacementUid } from "../../../src/runtime/actions/uid";

const KEY = new TextEncoder().encode("benchmark key 0123456789abcdef!!");
const ROOT = "1.2.826.0.1.3680043.8.498";

const unique = Array.from({ length: 20000 }, (_, i) => `${ROOT}.${1000000 + i}.${i * 7919}`);
const repeated = Array.from({ length: 20000 }, (_, i) => `${ROOT}.42.${i % 8}`);
const study: string[] = [];
for (let instance = 0; instance < 4000; instance++) {
  const series = instance % 4;
  study.push(`${ROOT}.7.${instance}`, `${ROOT}.7.${Math.max(0, instance - 1)}`, `${ROOT}.1`, `${ROOT}.2.${series}`, `${ROOT}.3`);
}

for (const [name, uids, coldMemo] of [
  ["all new", unique, true],
  ["all repeated", repeated, false],
  ["one study", study, true],
] as const) {
  describe(name, () => {
    bench("replacementUid (memo)", () => {
      if (coldMemo) clearUidMemo(KEY);
      for (const uid of uids) replacementUid(KEY, uid);
    });
    bench("computeReplacementUid (no memo)", () => {
      for (const uid of uids) computeReplacementUid(KEY, uid);
    });
  });
}
