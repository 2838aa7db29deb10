// How many objects the batch driver keeps in flight with workers: several
// small ones per worker, but a large object (a multi-frame image) alone, so
// that peak memory is one large object's, whatever --jobs.

import { describe, expect, it } from "vitest";
import { runBatch, type ObjectPreparer } from "../../src/run/batch";
import type { InputFile } from "../../src/run/inputs";
import { LARGE_OBJECT_BYTES } from "../../src/run/stage";
import type { WorkerResult } from "../../src/run/workers";
import type { Executor } from "../../src/runtime/executor/types";

function file(index: number, size: number): InputFile {
  return { kind: "file", display: `in/${index}.dcm`, canonical: `/in/${index}.dcm`, mirrorPath: `${index}.dcm`, root: 0, size };
}

/** A pool of `size` workers that answers each object a little later and notes what was in flight when each started. */
class RecordingPreparer implements ObjectPreparer {
  private inFlight = new Set<number>();
  readonly seenWith: number[][] = [];
  constructor(readonly size: number) {}

  prepare(index: number): Promise<WorkerResult> {
    this.seenWith[index] = [...this.inFlight];
    this.inFlight.add(index);
    return new Promise((resolve) =>
      setTimeout(() => {
        this.inFlight.delete(index);
        resolve({ prepared: { kind: "unreadable", reason: "not read in this test" }, pairs: null });
      }, 1),
    );
  }
}

async function inFlightWith(sizes: number[], workers: number): Promise<number[][]> {
  const preparer = new RecordingPreparer(workers);
  const entries = sizes.map((size, i) => file(i, size));
  const executor = {} as Executor; // never called: the preparer does the work
  await runBatch(
    executor,
    { entries, roots: [{ argument: "in", folder: true }], outputDir: "/out", layout: "mirror", quarantineDir: null, readAhead: workers },
    { record: async () => undefined, notice: () => undefined, progress: () => undefined },
    preparer,
  );
  return preparer.seenWith;
}

describe("objects in flight", () => {
  it("keeps several small objects in flight per worker", async () => {
    const seen = await inFlightWith(Array.from({ length: 12 }, () => 500_000), 2);
    expect(Math.max(...seen.map((s) => s.length))).toBeGreaterThanOrEqual(2);
  });

  it("prepares a large object with nothing else in flight, whatever the number of workers", async () => {
    const large = LARGE_OBJECT_BYTES;
    const sizes = [500_000, 500_000, large, large + 1, 500_000, large * 2, 500_000, 500_000];
    const seen = await inFlightWith(sizes, 4);
    sizes.forEach((size, i) => {
      if (size >= large) expect(seen[i], `object ${i} started beside others`).toEqual([]);
      // and nothing starts beside a large object
      for (const other of seen[i]!) expect(sizes[other]!, `object ${i} started beside large object ${other}`).toBeLessThan(large);
    });
  });
});
