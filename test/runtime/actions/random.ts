// A seeded generator for the property tests: every run checks the same
// cases, so a failure reproduces, and no test depends on Math.random.

export { seededRandom } from "../../support/random";

/** An integer in [lo, hi]. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** A random original-looking UID: a root, then numeric components without leading zeros. */
export function randomUid(random: () => number): string {
  const parts = ["1", "2", "840", String(randomInt(random, 10000, 999999))];
  const extra = randomInt(random, 2, 6);
  for (let i = 0; i < extra; i++) parts.push(String(randomInt(random, 0, 2 ** 31)));
  return parts.join(".").slice(0, 64).replace(/\.$/, "");
}
