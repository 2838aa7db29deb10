// The `deidc import` command: options, outputs and exit codes (0 clean, 1
// with warnings or when nothing could be imported, 2 for usage errors).

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { importWithDependencies, type ImportCliOptions } from "../../src/cli/import";
import { defineImportCommand } from "../../src/cli/import-command";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "../../src/cli/exit";
import { ImportCode } from "../../src/import/codes";
import { expectCanonicalAndClean, tempDir } from "./helpers";

const CLEAN_SCRIPT = '<script>\n <e en="T" t="00100010" n="PatientName">@remove()</e>\n <r en="T" t="privategroups"/>\n</script>\n';
const WARNING_SCRIPT = '<script>\n <e en="T" t="00080020" n="StudyDate">@date()</e>\n <r en="T" t="privategroups"/>\n</script>\n';

class Capture {
  text = "";
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function run(tool: string, files: string[], opts: ImportCliOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await importWithDependencies(tool, files, { format: "pretty", ...opts }, { stdout, stderr, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function put(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("deidc import (command)", () => {
  it("writes the profile to stdout and exits 0 when there is nothing to report", async () => {
    const dir = tempDir();
    const { code, stdout, stderr } = await run("ctp", [put(dir, "clean.script", CLEAN_SCRIPT)]);
    expect(code).toBe(EXIT_OK);
    expect(stderr).toBe("");
    expect(stdout).toContain("PatientName -> remove // ctp:2\n");
    expectCanonicalAndClean(stdout);
  });

  it("writes -o atomically, prints the findings on stderr, and exits 1 with warnings", async () => {
    const dir = tempDir();
    const out = join(dir, "site.deid");
    const { code, stdout, stderr } = await run("ctp", [put(dir, "site.script", WARNING_SCRIPT)], { output: out });
    expect(code).toBe(EXIT_FINDINGS);
    expect(stdout).toBe("");
    expect(stderr).toContain("warning[DEID6008]: `@date()` writes the current date");
    expect(stderr).toContain("site.script:2:2");
    const written = readFileSync(out, "utf8");
    expect(written).toContain("StudyDate -> empty // ctp:2\n");
    expectCanonicalAndClean(written, out);
    expect(readdirSync(dir).filter((f) => f.includes("deidc-tmp"))).toEqual([]);
  });

  it("prints the findings as JSON with --format json", async () => {
    const dir = tempDir();
    const { stderr } = await run("ctp", [put(dir, "site.script", WARNING_SCRIPT)], { format: "json" });
    const report = JSON.parse(stderr) as { diagnostics: { code: string; start: { line: number } }[] };
    expect(report.diagnostics.map((d) => [d.code, d.start.line])).toEqual([[ImportCode.currentTime, 2]]);
  });

  it("names the lookup table with --lookup and the profile with --name", async () => {
    const dir = tempDir();
    const script = '<script>\n <e en="T" t="00100020" n="PatientID">@lookup(this,ptid,keep)</e>\n <r en="T" t="privategroups"/>\n</script>\n';
    const { code, stdout } = await run("ctp", [put(dir, "ids.script", script)], { lookup: "subjects.csv", name: "trial.subjects" });
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('profile trial.subjects "Imported from ');
    expect(stdout).toContain('PatientID -> lookup("subjects.csv", "ptid", value) else keep // ctp:2\n');
  });

  it("converts CTP's lookup table with --lookup-table, next to the profile, and names key types it lacks", async () => {
    const dir = tempDir();
    const script = put(dir, "ids.script", '<script>\n <e en="T" t="00100020" n="PatientID">@lookup(this,ptid)</e>\n <e en="T" t="00080050" n="AccessionNumber">@lookup(this,acc,empty)</e>\n <r en="T" t="privategroups"/>\n</script>\n');
    const table = put(dir, "LookupTable.properties", "# subjects\nptid/1CT1 = SUBJ-01\nptid/4MR1=SUBJ\\u002D02\nptid/with\\ space:SUBJ-03\nnokeytype=x\n");
    const out = join(dir, "site.deid");
    const { code, stderr } = await run("ctp", [script], { output: out, lookup: "ids.csv", lookupTable: table, format: "json" });
    expect(code).toBe(EXIT_FINDINGS);
    const report = JSON.parse(stderr) as { diagnostics: { code: string; file: string; start: { line: number } }[] };
    expect(report.diagnostics.map((d) => [d.code, d.file.replace(/^.*[\\/]/, ""), d.start.line])).toEqual([
      [ImportCode.ignoredLine, "LookupTable.properties", 5],
      [ImportCode.lookupKeyTypeMissing, "ids.script", 3],
    ]);
    expect(readFileSync(join(dir, "ids.csv"), "utf8")).toBe("ptid,1CT1,SUBJ-01\nptid,4MR1,SUBJ-02\nptid,with space,SUBJ-03\n");
    const profile = readFileSync(out, "utf8");
    expect(profile).toContain('PatientID -> lookup("ids.csv", "ptid", value) else quarantine // ctp:2\n');
    expect(profile).toContain("// ctp:3 the lookup table has no acc keys: every object misses\n");
    await expect(run("ctp", [script], { lookupTable: table })).rejects.toThrow(/-o/);
    await expect(run("ctp", [script], { output: out, lookup: "LookupTable.properties", lookupTable: table })).rejects.toThrow(/would replace the input/);
  });

  it("writes nothing and exits 1 when the source cannot be imported", async () => {
    const dir = tempDir();
    const out = join(dir, "broken.deid");
    const { code, stderr } = await run("ctp", [put(dir, "broken.script", "<script><e>")], { output: out });
    expect(code).toBe(EXIT_FINDINGS);
    expect(stderr).toContain("error[DEID6001]");
    expect(stderr).toContain("nothing was imported");
    expect(existsSync(out)).toBe(false);
  });

  it("rejects usage errors before reading anything", async () => {
    const dir = tempDir();
    const script = put(dir, "s.script", CLEAN_SCRIPT);
    await expect(run("mirc", [script])).rejects.toThrow(UsageError);
    await expect(run("ctp", [join(dir, "missing.script")])).rejects.toThrow(/cannot read/);
    await expect(run("ctp", [script], { output: join(dir, "out.txt") })).rejects.toThrow(/\*\.deid/);
    await expect(run("ctp", [script], { name: "9 lives" })).rejects.toThrow(/--name/);
  });

  it("is a subcommand with the tool as a choice", async () => {
    const dir = tempDir();
    const script = put(dir, "s.script", CLEAN_SCRIPT);
    const out = join(dir, "s.deid");
    let exit = -1;
    const program = new Command("deidc").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    defineImportCommand(program, (code) => (exit = code));
    await program.parseAsync(["node", "deidc", "import", "ctp", script, "-o", out]);
    expect(exit).toBe(EXIT_OK);
    expect(readFileSync(out, "utf8")).toContain("PatientName -> remove");
    const other = new Command("deidc").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    defineImportCommand(other, () => undefined);
    await expect(other.parseAsync(["node", "deidc", "import", "mirc", script])).rejects.toBeInstanceOf(CommanderError);
  });
});
