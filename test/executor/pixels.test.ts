// The executor drives the pixel layer: `pixels` blocks blank the top-level
// Pixel Data (what test/pixels/pseudo-phi.test.ts checks against the ground
// truth), the Clean Pixel Data code is recorded, and a block that cannot be
// applied quarantines the object instead of releasing burned-in text.

import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import type { EvalContext } from "../../src/runtime/executor/expr";
import { applyPixelRules, planPixelRules } from "../../src/runtime/pixels";
import { CORPUS_DIR, loadImage, warnIfNoCorpus } from "../pixels/helpers";

warnIfNoCorpus("executor/pixels");
const ROOT = new URL("../../", import.meta.url).pathname;
const key = new TextEncoder().encode("pixel-test-key-0123456789");
const env = { secrets: new Map(), params: new Map(), tables: new Map(), runKey: key };

function ctxOf(values: Map<number, string | number>, present: Set<number>): EvalContext {
  return { attr: (t) => values.get(t), has: (t) => present.has(t), itemAttr: (t) => values.get(t), itemHas: (t) => present.has(t), letValue: () => undefined, param: () => undefined, secret: () => key, current: () => undefined, keyText: (v) => (v === undefined ? "" : String(v)) };
}

describe.skipIf(!CORPUS_DIR)("pixel rules through the executor", () => {
  const dir = CORPUS_DIR ? join(CORPUS_DIR, "pseudo-phi-johnsnowlabs") : "";
  const files = dir ? readdirSync(dir).filter((n) => n.endsWith(".dcm")).sort() : [];
  const compiled = compileProfile(join(ROOT, "rules/examples/pseudo-phi-burned-in.deid"));
  const executor = createExecutor(compiled.ir!, env);
  const plan = planPixelRules(compiled.ir!.pixels);

  it.each(files.map((f) => [f.slice(0, 40), f] as const))("%s: output pixels are the pixel layer's blanking, recorded with its rule", (_s, name) => {
    const input = new Uint8Array(readFileSync(join(dir, name)));
    const { record, output } = executor.process(input, name);
    expect(record.outcome, record.reason).toBe("written");
    const before = loadImage(input);
    const expected = applyPixelRules({ element: before.element, encoding: before.encoding, geometry: before.geometry, rules: plan.select(ctxOf(before.values, before.present)), stripJpegMetadata: true });
    const after = loadImage(output!);
    expect(Buffer.from(after.element).equals(Buffer.from(expected.element!))).toBe(true);
    const blanked = record.touched.filter((t) => t.path === "(7FE0,0010)" && t.action === "blanked");
    expect(blanked.length).toBeGreaterThan(0);
    expect(blanked[0]!.rule?.file).toMatch(/pseudo-phi-burned-in\.deid$/);
    expect(Buffer.from(output!).includes(Buffer.from("113101"))).toBe(true);
  });

  it("quarantines an object whose block needs a codec deidc does not have", () => {
    const work = mkdtempSync(join(tmpdir(), "deidc-pixq-"));
    const profile = join(work, "jpeg.deid");
    writeFileSync(profile, 'deid 1\n\nprofile t.jpeg "t"\n  based on ps315.basic\n\npixels because "banner" {\n  blank (0, 0, 10, 10)\n}\n');
    const ir = compileProfile(profile).ir!;
    const baseline = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/SC_rgb_jpeg_dcmtk.dcm")));
    // JPEG Baseline is blanked in the coefficient domain (docs/pixels.md); the same object labelled
    // progressive (.55, which has no codec here) is quarantined.
    expect(createExecutor(ir, env).process(baseline, "jpeg").record.outcome).toBe("written");
    const bytes = baseline.slice();
    const uid = Buffer.from(bytes).indexOf("1.2.840.10008.1.2.4.50");
    expect(uid).toBeGreaterThan(0);
    bytes[uid + 21] = 0x35; // "...4.50" -> "...4.55", same length
    const { record, output } = createExecutor(ir, env).process(bytes, "jpeg");
    expect(output).toBeNull();
    expect(record.outcome).toBe("quarantined");
    expect(record.reason).toMatch(/^pixel data not cleaned: /);
  });

  it("leaves pixel data of profiles without pixel blocks byte for byte (native data)", () => {
    const ir = compileProfile("ps315.basic").ir!;
    const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
    const { output } = createExecutor(ir, env).process(bytes, "ct");
    expect(Buffer.from(loadImage(output!).element).equals(Buffer.from(loadImage(bytes).element))).toBe(true);
  });
});
