// Review finding: a JPEG Lossless object given as a Node Buffer (as `readFile`
// returns it: what a compiled bundle and `deidc run` on a file over 64 MiB
// pass) failed with "Not a JPEG file", while the same bytes in a plain
// Uint8Array were de-identified. Buffer#slice() is a view, not a copy, so the
// decoder was handed the whole pooled ArrayBuffer from offset 0.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";

warnIfNoCorpus("review/jpeg-lossless-node-buffer");

const env = { secrets: new Map<string, Uint8Array>(), params: new Map(), tables: new Map(), runKey: new TextEncoder().encode("review jpeg lossless buffer key") };

describe.skipIf(!CORPUS_DIR)("JPEG Lossless pixels from a Node Buffer", () => {
  it("blanks SC_rgb_jpeg_gdcm.dcm the same from a Buffer and from a Uint8Array", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-review-jpegll-"));
    const path = join(dir, "p.deid");
    writeFileSync(path, 'deid 1\n\nprofile r.jpegll "review"\n\npixels when Modality == "OT" because "corner" {\n  blank (0, 0, 10, 10)\n}\n');
    const ir = compileProfile(path).ir!;
    const file = join(CORPUS_DIR!, "pydicom-debian/SC_rgb_jpeg_gdcm.dcm");
    const asBuffer = readFileSync(file); // a Node Buffer, usually a view into a larger ArrayBuffer
    const asArray = new Uint8Array(asBuffer);
    const fromArray = createExecutor(ir, env).process(asArray, "SC_rgb_jpeg_gdcm.dcm");
    const fromBuffer = createExecutor(ir, env).process(asBuffer, "SC_rgb_jpeg_gdcm.dcm");
    expect(fromArray.record.outcome, fromArray.record.reason).toBe("written");
    expect(fromBuffer.record.outcome, fromBuffer.record.reason).toBe("written");
    expect(Buffer.from(fromBuffer.output!).equals(Buffer.from(fromArray.output!))).toBe(true);
  });
});
