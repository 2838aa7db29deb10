import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeclarationRule } from "../../src/check/rules/DeclarationRule";
import { lintText } from "./harness";

const unused = (text: string): string[] => lintText(text, [DeclarationRule]).filter((f) => f.code === "DEID2014").map((f) => f.message);

describe("DeclarationRule: declarations the executor reads without a name", () => {
  it("does not report the first secret when the profile derives values from the run key (U, C)", () => {
    // ps315.basic replaces UIDs (U): the first secret keys them, so removing it changes every UID.
    expect(unused('deid 1\nprofile t.sec "sec"\n  based on ps315.basic\nsecret key from env OTHER_KEY\n')).toEqual([]);
    // A profile of its own, with one C rule on a date.
    expect(unused("deid 1\nprofile t.c\nStudyDate -> C\nsecret key from env OTHER_KEY\n")).toEqual([]);
    // Through a lookup's fallback.
    expect(unused('deid 1\nprofile t.l\nStudyInstanceUID -> lookup("uids.csv", value) else U\nsecret key from env OTHER_KEY\n')).toEqual([]);
  });

  it("still reports a second unused secret, and a first one the profile never needs", () => {
    expect(unused('deid 1\nprofile t.sec "sec"\n  based on ps315.basic\nsecret key from env OTHER_KEY\nsecret spare from env SPARE\n')).toEqual(["`spare` is declared but never used"]);
    const [keeps] = lintText('deid 1\nprofile t.keep\nStudyDate -> keep\nsecret key from env OTHER_KEY\n', [DeclarationRule]);
    expect(keeps).toMatchObject({ code: "DEID2014", message: "`key` is declared but never used" });
    expect(keeps!.help).toContain("no action of profile `t.keep` derives a value from the run key");
    // Without a profile there is nothing the key could be for.
    expect(unused("deid 1\nsecret key from env OTHER_KEY\n")).toEqual(["`key` is declared but never used"]);
  });

  it("never reports a profile's `let dateShift`: C reads it, and `deidc run --with` may bring the option that brings C", () => {
    const modified = 'deid 1\nprofile t.dates\n  based on ps315.basic\n  with ps315.retain-longitudinal-modified-dates\nsecret key from env OTHER_KEY\nlet dateShift = -1\n';
    expect(unused(modified)).toEqual([]);
    expect(unused('deid 1\nprofile t.nodates\n  based on ps315.basic\nsecret key from env OTHER_KEY\nlet dateShift = -1\n')).toEqual([]);
    expect(unused("deid 1\nprofile t.text\nStudyDescription, private * -> C\nlet dateShift = -1\n")).toEqual([]);
    // Another unused let is still reported beside it.
    expect(unused(`${modified}let spare = 3\n`)).toEqual(["`spare` is declared but never used"]);
  });

  it("does not report the first secret or `let dateShift` of a file of options, which may key any profile that switches them on", () => {
    expect(unused('deid 1\noption t.opt "o" {\n  StudyDate -> C\n}\nsecret key from env SITE_KEY\nlet dateShift = -2\nsecret spare from env S\n')).toEqual(["`spare` is declared but never used"]);
  });

  it("knows that a base profile's first secret, declared first in the chain, is the run key", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-declarations-"));
    writeFileSync(join(dir, "base.deid"), 'deid 1\nprofile t.base\n  based on ps315.basic\nsecret baseKey from env BASE_KEY\n');
    const site = 'deid 1\nimport "base.deid"\nprofile t.site\n  based on t.base\nsecret key from env SITE_KEY\n';
    expect(lintText(site, [DeclarationRule], join(dir, "site.deid")).map((f) => f.message)).toEqual(["`key` is declared but never used"]);
  });
});
