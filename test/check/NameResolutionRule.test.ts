import { describe, expect, it } from "vitest";
import { NameResolutionRule } from "../../src/check/rules/NameResolutionRule";
import { expectClean, lintText } from "./harness";

const rules = [NameResolutionRule];

describe("NameResolutionRule", () => {
  it("resolves lets, secrets and attributes", () => {
    expectClean('deid 1\nsecret key from env DEID_KEY\nlet o = days(key, PatientID, -10 .. -1)\nPatientName -> hash(key, PatientID, 8)\nStudyDate -> shift(o)\n', rules);
  });
  it("reports an undefined variable with a suggestion", () => {
    const [f] = lintText("deid 1\nlet offset = 3\nStudyDate -> shift(ofset)\n", rules);
    expect(f).toMatchObject({ code: "DEID2004", line: 3, column: 20 });
    expect(f!.help).toContain("`offset`");
  });
  it("reports an unknown function", () => {
    const [f] = lintText('deid 1\nPatientName -> md5(PatientID)\n', rules);
    expect(f).toMatchObject({ code: "DEID2005", line: 2 });
  });
  it("requires a declared secret as the key of hash and days", () => {
    const [f] = lintText('deid 1\nPatientName -> hash("k", PatientID, 8)\n', rules);
    expect(f).toMatchObject({ code: "DEID2006" });
  });
  it("forbids a secret used as a value", () => {
    const [f] = lintText("deid 1\nsecret key from env DEID_KEY\nPatientName -> key\n", rules);
    expect(f).toMatchObject({ code: "DEID2006", line: 3, message: "secret `key` cannot be used as a value" });
  });
  it("knows the boolean literals", () => {
    expectClean("deid 1\nparam strict: bool = false\nPatientName -> X when strict == true\n", rules);
  });
  it("checks argument counts", () => {
    const [f] = lintText("deid 1\nsecret key from env DEID_KEY\nPatientName -> hash(key, PatientID)\n", rules);
    expect(f).toMatchObject({ code: "DEID2012" });
  });
  it("types the arguments of the text functions", () => {
    expectClean('deid 1\nPatientName -> X when startsWith(Modality, "C") and matches(root.Modality, /C./)\nPatientAge -> capAge(value, 89)\n', rules);
    const [f] = lintText('deid 1\nPatientName -> X when matches(Modality, "CT")\n', rules);
    expect(f).toMatchObject({ code: "DEID2012", message: "argument 2 of `matches` must be a regular expression, such as `/^[A-Z]+$/`" });
    const [g] = lintText('deid 1\nPatientName -> X when startsWith(exists(Modality), "C")\n', rules);
    expect(g).toMatchObject({ code: "DEID2012", message: "argument 1 of `startsWith` must be text, found bool" });
  });
  it("checks the width of ageBand and the limit of capAge", () => {
    const [f] = lintText("deid 1\nPatientAge -> ageBand(value, 0)\n", rules);
    expect(f).toMatchObject({ code: "DEID2012", message: "the last argument of `ageBand` is a whole number of at least 1" });
  });
  it("takes at least the template in format", () => {
    const [f] = lintText("deid 1\nPatientName -> format()\n", rules);
    expect(f).toMatchObject({ code: "DEID2012", message: "`format` takes at least 1 argument, got 0" });
  });
  it("resolves root.Keyword to the attribute, and reports an unknown one", () => {
    expectClean('deid 1\nPatientID -> X when root.Modality == "CT"\n', rules);
    const [f] = lintText('deid 1\nPatientID -> X when root.Modalty == "CT"\n', rules);
    expect(f).toMatchObject({ code: "DEID2004" });
  });
});
