// The IR names rule files by an identity that does not depend on where deidc
// is run from or installed (src/program/load.ts, identityOf): standard-library
// files as `stdlib/<path in the standard library>`, other files relative to
// the entry profile's folder. So the IR hash, stated in every report summary
// and every processor, is the same for the same rules wherever they are
// compiled. These tests spawn the built CLI with different working
// directories and from a copy of the installation.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeDicom, put, tempDir, TEST_KEY } from "../run/helpers";
import { ROOT } from "./cli";

function deidcIn(cwd: string, args: string[], cli = join(ROOT, "dist/deidc.mjs")): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DEID_KEY: "" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `deidc compile <profile> --emit ir` run in `cwd`: the IR text and its hash as reports state it. */
function compiledIn(cwd: string, profile: string, cli?: string): { text: string; hash: string } {
  const r = deidcIn(cwd, ["compile", profile, "--emit", "ir"], cli);
  expect(r.code, r.stderr).toBe(0);
  return { text: r.stdout, hash: `sha256:${createHash("sha256").update(r.stdout).digest("hex")}` };
}

/** Every `file` the IR names (rules, layers, filters, declarations, regions). */
function filesNamed(irText: string): Set<string> {
  const files = new Set<string>();
  JSON.parse(irText, (key, value: unknown) => {
    if (key === "file" && typeof value === "string") files.add(value);
    return value;
  });
  return files;
}

/**
 * A site profile in `dir/rules`: it imports an option from a subfolder and one from a sibling folder,
 * reads its key from a file and looks up a table (both relative to its folder).
 */
function siteProfile(dir: string): string {
  put(join(dir, "rules", "options", "names.deid"), 'deid 1\noption site.names "names" {\n  PatientName -> "ANON" because "names are replaced"\n}\n');
  put(join(dir, "shared", "dates.deid"), 'deid 1\noption site.dates "dates" {\n  StudyDate -> keep because "the study needs them"\n}\n');
  put(join(dir, "rules", "tables", "ids.csv"), "original,pseudonym\n123,P-1\n");
  put(join(dir, "rules", "keys", "site.key"), TEST_KEY);
  return put(
    join(dir, "rules", "site.deid"),
    [
      "deid 1",
      'import "options/names.deid"',
      'import "../shared/dates.deid"',
      'profile site.test "test" based on ps315.basic with site.names, site.dates',
      'secret key from file "keys/site.key"',
      'reject when Modality == "SC" because "screen captures"',
      'PatientID -> lookup("tables/ids.csv", PatientID) else remove',
      "",
    ].join("\n"),
  );
}

describe("the IR's names of rule files", () => {
  it("are the same from any working directory and from a copy of the installation", () => {
    const copy = tempDir("deidc-identcopy-");
    for (const part of ["dist", "stdlib", "package.json"]) cpSync(join(ROOT, part), join(copy, "pkg", part), { recursive: true });
    const copiedCli = join(copy, "pkg", "dist", "deidc.mjs");

    const elsewhere = tempDir("deidc-ident-cwd-");
    const basic = [compiledIn(ROOT, "ps315.basic"), compiledIn(elsewhere, "ps315.basic"), compiledIn(tmpdir(), "ps315.basic"), compiledIn(elsewhere, "ps315.basic", copiedCli)];
    for (const other of basic.slice(1)) expect(other.hash).toBe(basic[0]!.hash);
    expect([...filesNamed(basic[0]!.text)].sort()).toEqual(["stdlib/ps315/basic.deid"]);

    const example = join(ROOT, "rules/examples/trial-pseudonyms.deid");
    const examples = [
      compiledIn(ROOT, "rules/examples/trial-pseudonyms.deid"),
      compiledIn(join(ROOT, "rules/examples"), "trial-pseudonyms.deid"),
      compiledIn(elsewhere, example),
      compiledIn(elsewhere, example, copiedCli),
    ];
    for (const other of examples.slice(1)) expect(other.hash).toBe(examples[0]!.hash);
    expect(filesNamed(examples[0]!.text)).toContain("trial-pseudonyms.deid");
    for (const file of filesNamed(examples[0]!.text)) expect(file).toMatch(/^(trial-pseudonyms\.deid|stdlib\/ps315\/[a-z0-9/-]+\.deid)$/);
  });

  it("are relative to the entry profile's folder, so a moved rule tree keeps its hash", () => {
    const a = tempDir("deidc-ident-a-");
    const b = tempDir("deidc-ident-b-");
    const first = compiledIn(a, siteProfile(a));
    // The same tree written in another folder, compiled from its own folder and from above it.
    siteProfile(b);
    const second = compiledIn(join(b, "rules"), "site.deid");
    const third = compiledIn(b, "rules/site.deid");
    expect(second.hash).toBe(first.hash);
    expect(third.hash).toBe(first.hash);
    const files = [...filesNamed(first.text)].filter((f) => !f.startsWith("stdlib/")).sort();
    expect(files).toEqual(["../shared/dates.deid", "options/names.deid", "site.deid"]);
    const ir = JSON.parse(first.text) as { filters: { source: { file: string; line: number } }[] };
    expect(ir.filters[0]!.source).toMatchObject({ file: "site.deid", line: 6 });
  });

  it("give deidc run the same IR hash from any working directory, with lookup tables found from the profile's folder", () => {
    const dir = tempDir("deidc-ident-run-");
    const profile = siteProfile(dir);
    const { hash } = compiledIn(dir, profile);
    put(join(dir, "in", "a.dcm"), fakeDicom("not really DICOM"));
    const summaries = [ROOT, join(dir, "rules"), tmpdir()].map((cwd, i) => {
      const report = join(dir, `report-${i}.jsonl`);
      const r = deidcIn(cwd, ["run", profile, join(dir, "in"), "-o", join(dir, `out-${i}`), "--report", report, "--no-progress"]);
      // The object fails (it is not DICOM); the key and the table were read (a missing one is exit 2).
      expect(r.code, r.stderr).toBe(1);
      const lines = readFileSync(report, "utf8").trim().split("\n");
      return (JSON.parse(lines[lines.length - 1]!) as { summary: { irHash: string } }).summary;
    });
    for (const summary of summaries) expect(summary.irHash).toBe(hash);
  });
});
