// Review finding: `deidc explain`, the publishable description of a profile,
// left out every `any where <expr>` rule (it selects by value, so no attribute
// row names it), and a `keyword /re/` rule's rows did not name the pattern.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderExplainMarkdown } from "../../src/cli/explain";
import { compileProfile } from "../../src/compile";
import { explainProgram, explainValueRules } from "../../src/ir/explain";
import { deidc } from "../cli/cli";

/** The profile in a fresh folder; explain names it as the IR does, by its base name (`p.deid`). */
function profileFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "deidc-review-explain-value-"));
  const path = join(dir, "p.deid");
  writeFileSync(path, text);
  return path;
}

const SITE = [
  "deid 1",
  "",
  'profile r.value "value rules"',
  "  based on ps315.basic",
  "",
  'any where value == PatientName -> empty because "the name copied anywhere"',
  'when Modality == "US" {',
  '  any where value ~ /ACME/ -> remove because "site name in US text"',
  "}",
  'keyword /^Study(Date|Time)$/ -> X because "study timing"',
  'PatientID -> "SUBJ" because "pseudonym"',
  "",
].join("\n");

describe("explain of value-selected and keyword-pattern rules", () => {
  const path = profileFile(SITE);
  const ir = compileProfile(path).ir!;
  const rows = explainProgram(ir);

  it("lists each `any where` rule with its condition, reason and line", () => {
    expect(explainValueRules(ir)).toEqual([
      {
        selector: "any where value == PatientName",
        action: "Z",
        condition: null,
        unit: "r.value",
        because: "the name copied anywhere",
        source: `p.deid:6`,
        overrides: expect.stringContaining("every attribute not decided by a more specific rule"),
      },
      {
        selector: "any where value ~ /ACME/",
        action: "X",
        condition: 'Modality == "US"',
        unit: "r.value",
        because: "site name in US text",
        source: `p.deid:8`,
        overrides: expect.stringContaining("every attribute not decided by a more specific rule"),
      },
    ]);
  });

  it("notes the value rules on every row they can override, and not on rows a more specific rule decides", () => {
    const institution = rows.find((r) => r.keyword === "InstitutionName")!;
    expect(institution.unit).toBe("ps315.basic");
    expect(institution.conditional).toEqual([
      `Z when any where value == PatientName (p.deid:6)`,
      `X when any where value ~ /ACME/ and Modality == "US" (p.deid:8)`,
    ]);
    expect(rows.find((r) => r.tag === "*")!.conditional).toHaveLength(2);
    // decided by the site's own exact rule, which ranks above its `any where`
    expect(rows.find((r) => r.keyword === "PatientID")).toMatchObject({ action: '"SUBJ"', conditional: [] });
    // the value test never sees Pixel Data or a sequence
    expect(rows.find((r) => r.tag === "(7FE0,0010)")?.conditional ?? []).toEqual([]);
    expect(rows.find((r) => r.keyword === "ReferencedImageSequence")?.conditional ?? []).toEqual([]);
  });

  it("names the `keyword /re/` rule, as written, on each attribute it resolved to", () => {
    for (const keyword of ["StudyDate", "StudyTime"]) {
      expect(rows.find((r) => r.keyword === keyword)).toMatchObject({ action: "X", unit: "r.value", source: `p.deid:10`, selector: "keyword /^Study(Date|Time)$/" });
    }
    expect(rows.find((r) => r.keyword === "PatientID")!.selector).toBeNull();
  });

  it("puts them in the Markdown and JSON a release publishes", () => {
    const md = renderExplainMarkdown(ir, rows);
    expect(md).toContain("## Rules that select by value");
    expect(md).toContain(`| \`any where value ~ /ACME/\` | X | Modality == "US" | \`r.value\` | site name in US text | p.deid:8 | every attribute not decided by a more specific rule`);
    // the site's keyword rule ranks above its `any where`: no note
    expect(md).toContain(`| (0008,0020) | StudyDate | X | \`r.value\` | study timing | p.deid:10 (\`keyword /^Study(Date\\|Time)$/\`) |`);
    expect(md).toMatch(/\| \(0008,0080\) \| InstitutionName \| X\/Z\/D \(but: Z when any where value == PatientName \(.*p\.deid:6\); X when any where value ~ \/ACME\/ and Modality == "US" \(.*p\.deid:8\)\) \| `ps315.basic` \|/);
    const r = deidc(["explain", path, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.profile).toBe("r.value");
    expect(json.valueRules.map((v: { selector: string }) => v.selector)).toEqual(["any where value == PatientName", "any where value ~ /ACME/"]);
    expect(json.attributes.find((a: { keyword: string }) => a.keyword === "StudyDate").selector).toBe("keyword /^Study(Date|Time)$/");
  });

  it("leaves the section out of a profile with no value rules", () => {
    const plain = compileProfile(profileFile('deid 1\n\nprofile r.plain "p"\n  based on ps315.basic\n\nPatientID -> "S" because "p"\n')).ir!;
    expect(explainValueRules(plain)).toEqual([]);
    expect(renderExplainMarkdown(plain, explainProgram(plain))).not.toContain("select by value");
  });
});
