// A lookup's `else` action may read other attributes; the pre-pass must read them too.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import { readPart10 } from "../../src/runtime/dicom";
import { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";
import { topLevelTexts } from "./helpers";

warnIfNoCorpus("executor/lookup");

describe.skipIf(!CORPUS_DIR)("lookup else", () => {
  it("evaluates its value with the attributes it names", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-lookup-"));
    const profile = join(dir, "p.deid");
    writeFileSync(profile, 'deid 1\n\nprofile t.lookup "t"\n  based on ps315.basic\n\nInstitutionName -> lookup("sites.csv", InstitutionName) else "S-" + StationName\n');
    const ir = compileProfile(profile).ir!;
    const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
    const station = topLevelTexts(readPart10(bytes)).get(0x00081010)!;
    expect(station.length).toBeGreaterThan(0);
    const ex = createExecutor(ir, { secrets: new Map(), params: new Map(), tables: new Map([["sites.csv", new Map()]]), runKey: new TextEncoder().encode("k".repeat(20)) });
    const { output, record } = ex.process(bytes, "ct");
    expect(record.outcome).toBe("written");
    expect(topLevelTexts(readPart10(output!)).get(0x00080080)).toBe(`S-${station}`);
  });
});
