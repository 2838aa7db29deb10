// `skip` through `deidc run`: the object is written unchanged, byte for byte,
// at its mirror path in every layout, reported as "skipped" with its reason
// and rule, named on stderr, counted in the summary, and the run exits 0 when
// every object was written or skipped.

import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runWithDependencies } from "../../src/cli/run";
import { createExecutor } from "../../src/runtime/executor";
import { CapturedStream, CORPUS_DIR, listFiles, put, readValidReport, TEST_KEY, tempDir, warnIfNoCorpus } from "./helpers";

warnIfNoCorpus("run/skipped");

const PROFILE = 'deid 1\n\nprofile t.skip "skip"\n  based on ps315.basic\n\nskip when Modality == "CT" because "CT phantom series"\n';

describe.skipIf(!CORPUS_DIR)("the skipped outcome", () => {
  it.each(["mirror", "patient/study/series"])("layout %s: unchanged bytes at the mirror path, a skipped report line, exit 0", async (layout) => {
    const dir = tempDir();
    const profile = put(join(dir, "skip.deid"), PROFILE);
    const input = join(dir, "in");
    const ct = join(input, "p1", "ct.dcm");
    const mr = join(input, "p2", "mr.dcm");
    put(ct, "");
    put(mr, "");
    copyFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm"), ct);
    copyFileSync(join(CORPUS_DIR!, "pydicom-debian/MR_small.dcm"), mr);
    const output = join(dir, "out");
    const report = join(dir, "report.jsonl");
    const stderr = new CapturedStream();
    const code = await runWithDependencies(profile, [input], { output, report, layout, jobs: 1, progress: false }, { createExecutor, stderr, env: { DEID_KEY: TEST_KEY } });
    expect(code, stderr.text).toBe(0);

    const lines = readValidReport(report) as Record<string, unknown>[];
    const skipped = lines.find((l) => l.outcome === "skipped")!;
    expect(skipped).toMatchObject({ output: "p1/ct.dcm", reason: "CT phantom series", rule: { line: 6 }, touched: [] });
    expect(Buffer.from(readFileSync(join(output, "p1", "ct.dcm"))).equals(readFileSync(ct))).toBe(true);
    expect(lines.find((l) => l.outcome === "written")).toBeDefined();
    expect(lines.at(-1)).toMatchObject({ summary: { objects: 2, written: 1, skipped: 1 } });
    expect(listFiles(output)).toContain("p1/ct.dcm");
    expect(stderr.text).toMatch(/ct\.dcm: skipped \(written unchanged, identifiers included\): CT phantom series \(.*skip\.deid:6\)/);
    expect(stderr.text).toMatch(/2 object\(s\): 1 written, 1 skipped, 0 rejected/);
  });
});
