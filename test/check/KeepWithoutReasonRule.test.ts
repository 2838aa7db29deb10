import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KeepWithoutReasonRule } from "../../src/check/rules/KeepWithoutReasonRule";
import { checkFile } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { expectClean, lintText } from "./harness";

const rules = [KeepWithoutReasonRule];
const header = 'deid 1\n\nprofile site.x "x"\n  based on ps315.basic\n\n';

describe("KeepWithoutReasonRule", () => {
  it("asks for a reason when a site keeps what ps315.basic removes", () => {
    const [f] = lintText(header + "InstitutionName -> keep\n", rules);
    expect(f).toMatchObject({ code: "DEID3004", line: 6, column: 1 });
    expect(f!.message).toBe("keeps what `ps315.basic` says to X/Z/D, with no reason");
  });
  it("accepts a keep with `because`, and a keep of what the base keeps anyway", () => {
    expectClean(header + 'InstitutionName -> keep because "harmonisation"\nRows -> keep\n', rules);
  });
  it("points its note at the base's rule, in the base's file", () => {
    const program = loadProgram("site.deid", [], header + "InstitutionName -> keep\n");
    const [d] = checkFile(program.entry, program, rules);
    const related = d!.related![0]!;
    const file = program.files.find((f) => f.path === related.file)!;
    const at = file.source.position(related.span.start);
    expect(related.message).toBe(`ps315.basic rule at line ${at.line}: X/Z/D`);
    expect(file.source.lineText(at.line)).toMatch(/^InstitutionName\b/);
  });
  it("does not apply to a profile with no base", () => {
    expectClean('deid 1\n\nprofile site.y "y"\n\nInstitutionName -> keep\n', rules);
  });

  describe("private attributes kept wholesale", () => {
    it("asks for a reason for `private * -> keep` over ps315.basic, pointing at the base's `private *`", () => {
      const [f, ...rest] = lintText(header + "private * -> keep\n", rules);
      expect(rest).toEqual([]);
      expect(f).toMatchObject({ code: "DEID3004", line: 6, column: 1, message: "keeps every private attribute no other rule names, with no reason" });
      expect(f!.help).toContain("PS3.15 E.3.10 keeps only private attributes known to be safe");
      const program = loadProgram("site.deid", [], header + "private * -> keep\n");
      const related = checkFile(program.entry, program, rules)[0]!.related![0]!;
      const base = program.files.find((file) => file.path === related.file)!;
      expect(base.source.lineText(base.source.position(related.span.start).line)).toMatch(/^private \* -> X\b/);
    });

    it("asks without a base too, and in an option: deidc itself removes what no rule names", () => {
      expect(lintText('deid 1\nprivate * -> keep when Modality == "MR"\n', rules)).toMatchObject([{ code: "DEID3004", line: 2 }]);
      expect(lintText('deid 1\noption site.raw "raw" {\n  private * -> K\n}\n', rules)).toMatchObject([{ code: "DEID3004", line: 3 }]);
    });

    it("asks for a whole private block, but not for one private attribute where nothing removes it", () => {
      const f = lintText('deid 1\n(0029,"SIEMENS CSA HEADER",xx) -> keep\n(0029,"SIEMENS CSA HEADER",10) -> keep\n', rules);
      expect(f).toEqual([expect.objectContaining({ code: "DEID3004", line: 2, message: 'keeps every attribute of the private block `(0029,"SIEMENS CSA HEADER",xx)`, with no reason' })]);
    });

    it("asks for a whole private group by number, but not for a standard group or a mask across groups", () => {
      const f = lintText("deid 1\n(0029,xxxx) -> keep\n(0019,0000)..(0019,FFFF) -> keep\n(0028,xxxx) -> keep\n(60xx,3000) -> keep\n", rules);
      expect(f.map((x) => [x.line, x.message])).toEqual([
        [2, "keeps every private attribute of group 0029, with no reason"],
        [3, "keeps every private attribute of group 0019, with no reason"],
      ]);
    });

    it("asks for `*` where no `private *` decides first, and only there", () => {
      const [f] = lintText("deid 1\n* -> keep\n", rules);
      expect(f).toMatchObject({ code: "DEID3004", line: 2, message: "keeps every attribute no other rule names, private attributes included, with no reason" });
      expect(f!.help).toContain("add `private * -> remove`");
      expectClean("deid 1\nprivate * -> remove\n* -> keep\n", rules);
      expectClean(header + "* -> keep\n", rules);
    });

    it("accepts them with `because`, and a keep of what the base keeps already", () => {
      expectClean(header + 'private * -> keep because "only research scanners with audited private groups"\n(0029,"SIEMENS CSA HEADER",xx) -> keep because "CSA headers, audited"\n', rules);
      const dir = mkdtempSync(join(tmpdir(), "deidc-keep-private-"));
      writeFileSync(join(dir, "base.deid"), 'deid 1\n\nprofile acme.base "base"\n  based on ps315.basic\n\nprivate * -> keep because "audited scanners only"\n');
      const site = 'deid 1\n\nimport "base.deid"\n\nprofile acme.site "site"\n  based on acme.base\n\nprivate * -> keep\n';
      expect(lintText(site, rules, join(dir, "site.deid"))).toEqual([]);
    });
  });
});
