import { describe, expect, it } from "vitest";
import { NameResolutionRule } from "../../src/check/rules/NameResolutionRule";
import { checkFile } from "../../src/check";
import type { Diagnostic } from "../../src/diagnostics/diagnostic";
import { loadProgram } from "../../src/program/parse-and-load";
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

describe("NameResolutionRule: a misspelt action", () => {
  const diagnose = (text: string): Diagnostic[] => {
    const program = loadProgram("t.deid", [], text);
    return checkFile(program.entry, program, rules);
  };
  const fixOf = (text: string): { help: string | undefined; fix: string | undefined } => {
    const [d] = diagnose(text);
    return { help: d?.help, fix: d?.fix?.text };
  };

  it("suggests an action word, never an attribute, as the fix", () => {
    expect(fixOf("deid 1\nPatientName -> kep\n")).toMatchObject({ fix: "keep" });
    expect(fixOf("deid 1\nPatientName -> Keep\n")).toEqual({ help: "did you mean the action `keep`? (action words are lower case)", fix: "keep" });
    expect(fixOf("deid 1\nPatientName -> remvoe\n")).toMatchObject({ fix: "remove" });
    expect(fixOf("deid 1\nPatientName -> emtpy\n")).toMatchObject({ fix: "empty" });
    expect(fixOf("deid 1\nPatientName -> dumy\n")).toMatchObject({ fix: "dummy" });
    expect(fixOf("deid 1\nPatientName -> k\n")).toMatchObject({ fix: "K" });
    // Within a lookup's fallback too.
    expect(fixOf('deid 1\nPatientID -> lookup("ids.csv", PatientID) else remvoe\n')).toMatchObject({ fix: "remove" });
    expect(fixOf("deid 1\nPatientName -> kep\n").help).not.toContain("KVP");
  });

  it("suggests a function that is an action for a misspelt call", () => {
    const [d] = diagnose("deid 1\nsecret key from env DEID_KEY\nlet o = days(key, PatientID, -10 .. -1)\nStudyDate -> shfit(o)\n");
    expect(d).toMatchObject({ code: "DEID2005" });
    expect(d!.help).toMatch(/^did you mean `shift`\?/);
  });

  it("suggests an attribute in action position only where copying it is plausible", () => {
    // Setting an attribute to another's value is legal; a misspelt one of a like VR is suggested.
    expect(fixOf("deid 1\nOtherPatientNames -> PatientNmae\n")).toMatchObject({ fix: "PatientName" });
    expect(fixOf("deid 1\nOtherPatientIDs -> PatientIDD\n")).toMatchObject({ fix: "PatientID" });
    // KVP (DS, a voltage) into a person name: no suggestion, no fix; the help lists what an action can be.
    const nothing = fixOf("deid 1\nPatientName -> kvpp\n");
    expect(nothing.fix).toBeUndefined();
    expect(nothing.help).toContain("`keep`, `remove`, `empty`, `dummy`, `clean`, `uid`");
    // After a verb the value is a value: no action word, and still no implausible attribute.
    expect(fixOf("deid 1\nPatientName -> set kep\n").fix).toBeUndefined();
  });

  it("never suggests a secret as a value", () => {
    const near = fixOf("deid 1\nsecret key from env DEID_KEY\nPatientName -> hash(key, PatientID, 8) + kye\n");
    expect(near.fix).not.toBe("key");
    expect(near.help).not.toContain("`key`");
  });
});
