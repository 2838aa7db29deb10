// Review finding: "inputs are never modified". Blanking native pixel data
// copied the Pixel Data value with slice(), which on a Node Buffer (what
// readFile returns: a compiled bundle's input, or `deidc run` on a file over
// 64 MiB) is a view: the caller's input bytes were blanked too, so e.g. a
// later copy of the "original" would carry the blanked pixels.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";

warnIfNoCorpus("review/input-buffer-not-modified");

const env = { secrets: new Map<string, Uint8Array>(), params: new Map(), tables: new Map(), runKey: new TextEncoder().encode("review input buffer key") };

describe.skipIf(!CORPUS_DIR)("the input Buffer is never written to", () => {
  const dir = mkdtempSync(join(tmpdir(), "deidc-review-input-"));
  const path = join(dir, "p.deid");
  writeFileSync(path, 'deid 1\n\nprofile r.input "review"\n\npixels because "corner" {\n  blank (0, 0, 10, 10) fill 255\n}\n');
  const ir = compileProfile(path).ir!;

  for (const file of ["pydicom-debian/CT_small.dcm", "pydicom-debian/MR_small_bigendian.dcm", "pydicom-debian/SC_rgb_rle_2frame.dcm"]) {
    it(`${file}: blanked output, untouched input`, () => {
      const input = readFileSync(join(CORPUS_DIR!, file));
      const before = Buffer.from(input);
      const result = createExecutor(ir, env).process(input, file);
      expect(result.record.outcome, result.record.reason).toBe("written");
      expect(before.equals(input)).toBe(true);
    });
  }
});
