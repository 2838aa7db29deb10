import { describe, expect, it } from "vitest";
import { ImageOptionStatementRule } from "../../src/check/rules/ImageOptionStatementRule";
import { lintText } from "./harness";

const rules = [ImageOptionStatementRule];
const profile = (options: string, ...lines: string[]): string => ["deid 1", "", 'profile acme.site "site"', "  based on ps315.basic", `  with ${options}`, "", ...lines].join("\n");

describe("ImageOptionStatementRule", () => {
  it("warns at the option when nothing states Burned In Annotation NO", () => {
    const f = lintText(profile("ps315.clean-descriptors, ps315.clean-pixel-data"), rules);
    expect(f.map((x) => [x.code, x.line, x.column])).toEqual([["DEID3026", 5, 33]]);
    expect(f[0]!.message).toMatch(/`ps315\.clean-pixel-data` needs Burned In Annotation \(0028,0301\) NO.*every other image quarantined/);
    expect(f[0]!.help).toContain('BurnedInAnnotation -> create "NO"');
  });

  it("is quiet when a `pixels complete` block or a rule setting the attribute states it", () => {
    const block = ['pixels complete when Modality == "US" because "the only text: top rows" {', "  blank (0, 0, Columns, 40)", "}"];
    expect(lintText(profile("ps315.clean-pixel-data", ...block), rules)).toEqual([]);
    expect(lintText(profile("ps315.clean-pixel-data", 'BurnedInAnnotation -> create "NO" when Modality == "CT" because "no text on CT"'), rules)).toEqual([]);
    expect(lintText(profile("ps315.clean-pixel-data", '(0028,0301) -> set "NO" because "checked"'), rules)).toEqual([]);
  });

  it("counts a keyword selector that names the attribute, and a computed value; not a constant other than NO", () => {
    expect(lintText(profile("ps315.clean-pixel-data", 'keyword /^BurnedInAnnotation$/ -> create "NO" because "checked"'), rules)).toEqual([]);
    expect(lintText(profile("ps315.clean-pixel-data", 'BurnedInAnnotation -> create upper(ImageComments) because "the operator wrote it"'), rules)).toEqual([]);
    expect(lintText(profile("ps315.clean-pixel-data", 'BurnedInAnnotation -> set "YES" because "a test"'), rules).map((x) => x.code)).toEqual(["DEID3026"]);
  });

  it("a `pixels` block that is not `complete`, or a rule on another attribute, states nothing", () => {
    const block = ['pixels when Modality == "US" because "top rows" {', "  blank (0, 0, Columns, 40)", "}"];
    expect(lintText(profile("ps315.clean-pixel-data", ...block, 'BurnedInAnnotation -> keep because "as the scanner says"'), rules).map((x) => x.code)).toEqual(["DEID3026"]);
  });

  it("warns for Recognizable Visual Features, which a `pixels complete` block does not state", () => {
    const block = ['pixels complete when Modality == "XC" because "eyes" {', "  blank (0, 0, Columns, 40)", "}"];
    const f = lintText(profile("ps315.clean-recognizable-visual-features", ...block), rules);
    expect(f.map((x) => x.code)).toEqual(["DEID3026"]);
    expect(f[0]!.message).toMatch(/Recognizable Visual Features \(0028,0302\).*does not find faces/);
    expect(lintText(profile("ps315.clean-recognizable-visual-features", 'RecognizableVisualFeatures -> create "NO" when Modality == "CT" because "abdomen"'), rules)).toEqual([]);
  });

  it("is quiet for profiles without either option", () => {
    expect(lintText(profile("ps315.clean-descriptors"), rules)).toEqual([]);
  });
});
