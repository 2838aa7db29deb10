import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InheritedPixelApplyRule } from "../../src/check/rules/InheritedPixelApplyRule";
import { lintText } from "./harness";

const rules = [InheritedPixelApplyRule];

/** A base profile file in a fresh directory; returns the path a site file beside it should use. */
function withBase(base: string): string {
  const dir = mkdtempSync(join(tmpdir(), "deidc-pixel-apply-"));
  writeFileSync(join(dir, "base.deid"), base);
  return join(dir, "site.deid");
}

const block = (header: string): string => `${header} {\n  blank (0, 0, 10, 10)\n}\n`;
const BASE_FIRST_ALWAYS = ["deid 1", "", 'profile acme.base "base"', "", "pixels apply first", "", block('pixels when Modality == "US" because "US banner"'), block('pixels because "top strip of every image"')].join("\n");
const site = (...lines: string[]): string => ['deid 1', "", 'import "base.deid"', "", 'profile acme.site "site"', "  based on acme.base", "", ...lines].join("\n");

describe("InheritedPixelApplyRule", () => {
  it("warns on a site block that a base's `pixels apply first` and unconditional block make unreachable", () => {
    const path = withBase(BASE_FIRST_ALWAYS);
    const f = lintText(site(block('pixels when Modality == "XA" because "XA panel"'), block('pixels because "footer"')), rules, path);
    expect(f.map((x) => [x.code, x.line])).toEqual([
      ["DEID3025", 8],
      ["DEID3025", 12],
    ]);
    expect(f[0]!.message).toContain("`pixels apply first` inherited from");
    expect(f[0]!.message).toMatch(/base\.deid:5/);
    expect(f[0]!.message).toMatch(/block at .*base\.deid:11 has no condition/);
    expect(f[0]!.help).toContain("`pixels apply all`");
  });

  it("is quiet when the site declares `pixels apply all`, the nearest declaration deciding", () => {
    const path = withBase(BASE_FIRST_ALWAYS);
    expect(lintText(site("pixels apply all", "", block('pixels when Modality == "XA" because "XA panel"')), rules, path)).toEqual([]);
  });

  it("is quiet when every earlier block of the chain has a condition", () => {
    const path = withBase(["deid 1", "", 'profile acme.base "base"', "", "pixels apply first", "", block('pixels when Modality == "US" because "US banner"')].join("\n"));
    expect(lintText(site(block('pixels when Modality == "XA" because "XA panel"')), rules, path)).toEqual([]);
  });

  it("is quiet under the default `pixels apply all`", () => {
    const path = withBase(["deid 1", "", 'profile acme.base "base"', "", block('pixels because "top strip"')].join("\n"));
    expect(lintText(site(block('pixels when Modality == "XA" because "XA panel"')), rules, path)).toEqual([]);
  });

  it("also warns on blocks after an unconditional one in a file's own `pixels apply first`", () => {
    const text = ["deid 1", "", 'profile acme.one "one"', "", "pixels apply first", "", block('pixels because "always"'), block('pixels when Modality == "XA" because "never reached"')].join("\n");
    const f = lintText(text, rules);
    expect(f.map((x) => [x.code, x.line])).toEqual([["DEID3025", 11]]);
    expect(f[0]!.message).not.toContain("inherited");
  });
});
