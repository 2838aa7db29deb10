import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { IrProgram } from "../../src/ir/types";
import { parseParams } from "../../src/run/params";
import { put, tempDir } from "./helpers";

function profile(): IrProgram {
  const path = put(
    join(tempDir(), "site.deid"),
    [
      "deid 1",
      'profile site.test "t" based on ps315.basic',
      'param site: string = "ACME"',
      "param visit: number",
      "param pilot: bool",
      'param cutoff: date = "20200101"',
      'ClinicalTrialSiteID -> site',
      "",
    ].join("\n"),
  );
  const { ir, diagnostics } = compileProfile(path);
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return ir;
}

describe("parseParams", () => {
  it("types each value by its declaration and leaves defaults to the executor", () => {
    const values = parseParams(profile(), ["visit=3", "pilot=yes", "cutoff=2021-02-28", "site=A=B,C"]);
    expect(values).toEqual(
      new Map<string, string | number | boolean>([
        ["visit", 3],
        ["pilot", true],
        ["cutoff", "20210228"],
        ["site", "A=B,C"],
      ]),
    );
    expect(parseParams(profile(), ["visit=1", "pilot=off"])).toEqual(
      new Map<string, number | boolean>([
        ["visit", 1],
        ["pilot", false],
      ]),
    );
  });

  const cases: [string[], RegExp][] = [
    [[], /needs --param visit=<number> \(declared at .*site\.deid:4 without a default\)/],
    [["visit=three"], /--param visit: `three` is not a number/],
    [["visit=1", "pilot=maybe"], /--param pilot: `maybe` is not true or false/],
    [["visit=1", "pilot=1", "cutoff=20210230"], /--param cutoff: `20210230` is not a date \(YYYYMMDD or YYYY-MM-DD\)/],
    [["visit=1", "pilot=1", "colour=red"], /--param colour: profile `site\.test` declares no such parameter \(it declares: site, visit, pilot, cutoff\)/],
    [["visit=1", "pilot=1", "visit=2"], /--param visit is given twice/],
    [["visit"], /--param takes NAME=value, not `visit`/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${JSON.stringify(args)}`, () => {
      expect(() => parseParams(profile(), args)).toThrow(message);
    });
  }
});
