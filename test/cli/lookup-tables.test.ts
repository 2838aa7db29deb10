// A lookup table that is missing, unreadable or malformed was reported only by `deidc run`. Lint
// and compile now read and check the tables with the run's own code (readTables): lint warns
// about a table it cannot read (DEID4002: tables of identifiers are often kept off CI machines)
// and fails on one that does not fit its lookups; compile fails on both (DEID4001), since what it
// compiles reads the tables relative to the rule file when it runs.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deidc } from "./cli";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder with a profile whose lookups name `ids.csv` and `sites.csv`, and the given tables beside it. */
function site(tables: Record<string, string>, extra = ""): { dir: string; profile: string } {
  const dir = mkdtempSync(join(tmpdir(), "deidc-tables-"));
  dirs.push(dir);
  const profile = join(dir, "site.deid");
  writeFileSync(
    profile,
    [
      "deid 1",
      "",
      'profile site.tables "tables"',
      "  based on ps315.basic",
      "",
      "secret key from env DEID_KEY",
      'PatientID -> lookup("ids.csv", PatientID) else hash(key, PatientID, 10)',
      'InstitutionName -> lookup("sites.csv", InstitutionName) else lookup("ids.csv", PatientID) else remove',
      extra,
      "",
    ].join("\n"),
  );
  for (const [name, text] of Object.entries(tables)) writeFileSync(join(dir, name), text);
  return { dir, profile };
}

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  start: { line: number; column: number };
}

function lint(path: string, ...more: string[]): { code: number; diagnostics: JsonDiagnostic[] } {
  const r = deidc(["lint", path, "--format", "json", ...more]);
  return { code: r.code, diagnostics: JSON.parse(r.stdout).diagnostics };
}

const GOOD = { "ids.csv": "original,pseudonym\nPID1,S-1\n", "sites.csv": "name,code\nACME,01\n" };

describe("lookup tables in lint and compile", () => {
  it("are silent when the tables are present and fit", () => {
    const { profile, dir } = site(GOOD);
    expect(lint(profile)).toEqual({ code: 0, diagnostics: [] });
    const out = join(dir, "p.ir.json");
    expect(deidc(["compile", profile, "-o", out]).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it("lint warns about a missing table at the lookup that names it, once per table; --max-warnings 0 fails", () => {
    const { profile } = site({ "sites.csv": GOOD["sites.csv"] });
    const r = lint(profile);
    expect(r.code).toBe(0);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: "DEID4002", severity: "warning", start: { line: 7, column: 21 } });
    expect(r.diagnostics[0]!.message).toMatch(/^cannot read lookup table `ids\.csv` named at .*site\.deid:7 \(.*ids\.csv\): no such file or folder$/);
    expect(lint(profile, "--max-warnings", "0").code).toBe(1);
  });

  it("lint warns about a table it cannot open (a folder in its place)", () => {
    const { profile, dir } = site({ "sites.csv": GOOD["sites.csv"] });
    mkdirSync(join(dir, "ids.csv"));
    expect(lint(profile).diagnostics.map((d) => [d.code, d.message.replace(/.*: /, "")])).toEqual([["DEID4002", "it is a folder"]]);
  });

  it("lint fails on a table that does not fit its lookups, naming the table's file and line but never its content", () => {
    const { profile } = site({ ...GOOD, "sites.csv": "name,code\nACME,01\nSECRET-SITE,02,03\n" });
    const r = lint(profile);
    expect(r.code).toBe(1);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: "DEID4001", severity: "error", start: { line: 8, column: 27 } });
    expect(r.diagnostics[0]!.message).toMatch(/^lookup table `sites\.csv` does not fit its lookups: .*sites\.csv:3: expected 2 fields like the header, found 3$/);
    expect(r.diagnostics[0]!.message).not.toContain("SECRET");
  });

  it("lint fails on one table used with different numbers of keys", () => {
    const { profile } = site(GOOD, 'PatientName -> lookup("ids.csv", PatientID, IssuerOfPatientID) else remove');
    const r = lint(profile);
    expect(r.code).toBe(1);
    expect(r.diagnostics.map((d) => [d.code, d.start.line])).toEqual([["DEID4001", 9]]);
    expect(r.diagnostics[0]!.message).toMatch(/lookup table `ids\.csv` is used with 1 key\(s\) at .*:7 but 2 at .*:9/);
  });

  it("compile fails on a missing table and writes nothing", () => {
    const { profile, dir } = site({ "sites.csv": GOOD["sites.csv"] });
    const out = join(dir, "p.ir.json");
    const r = deidc(["compile", profile, "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[DEID4001]: cannot read lookup table `ids.csv`");
    expect(r.stderr).toMatch(/site\.deid:7:21/);
    expect(existsSync(out)).toBe(false);
  });

  it("finds what `deidc run` refuses to start with", () => {
    for (const tables of [{ "sites.csv": GOOD["sites.csv"] }, { ...GOOD, "ids.csv": 'original,pseudonym\n"PID1,S-1\n' }]) {
      const { profile, dir } = site(tables);
      const input = join(dir, "in");
      mkdirSync(input);
      const run = deidc(["run", profile, input, "-o", join(dir, "out")], { env: { DEID_KEY: "k".repeat(32) } });
      expect(run.code).toBe(2);
      const refusal = run.stderr.trim().split("\n").find((l) => l.includes("lookup table") || l.includes(".csv:"))!;
      expect(refusal).toBeDefined();
      const compiled = deidc(["compile", profile]);
      expect(compiled.code).toBe(1);
      const said = [...lint(profile).diagnostics.map((d) => d.message), compiled.stderr];
      // the run's reason, without its `deidc:` or `error:` prefix, is in what lint and compile said; the run names the
      // rule file as the IR does (relative to the profile), lint and compile as the terminal does (relative to the working folder)
      const sameFile = (text: string): string => text.replace(/named at \S*?([^/\s]+\.deid:\d+)/g, "named at $1");
      const reason = sameFile(refusal.replace(/^.*?(cannot read lookup table|[^ ]*\.csv:\d+:)/, "$1"));
      expect(sameFile(said.join("\n"))).toContain(reason);
    }
  });
});
