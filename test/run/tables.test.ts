import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { RunSetupError } from "../../src/run/errors";
import { COMPOSITE_KEY_SEPARATOR, loadTables, parseCsvRows, parseLookupTable, tableUses } from "../../src/run/tables";
import { put, tempDir } from "./helpers";

describe("parseCsvRows", () => {
  it("reads RFC 4180 quoting, CRLF, a byte order mark and skips blank lines", () => {
    const rows = parseCsvRows('\ufeffa,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",z\n');
    expect(rows).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 4, fields: ["multi\nline", "z"] },
    ]);
  });

  it("keeps empty fields", () => {
    expect(parseCsvRows("a,,\n")).toEqual([{ line: 1, fields: ["a", "", ""] }]);
  });
});

describe("parseLookupTable", () => {
  it("maps the key column to the last column", () => {
    const table = parseLookupTable("original,pseudonym\nSCREEN-1,XYZ-1\nSCREEN-2,XYZ-2\n", "ids.csv", 1);
    expect([...table]).toEqual([
      ["SCREEN-1", "XYZ-1"],
      ["SCREEN-2", "XYZ-2"],
    ]);
  });

  it("joins composite keys with NUL", () => {
    const table = parseLookupTable("site,id,pseudonym\nA,1,P1\nB,1,P2\n", "ids.csv", 2);
    expect(table.get(`A${COMPOSITE_KEY_SEPARATOR}1`)).toBe("P1");
    expect(table.get(`B${COMPOSITE_KEY_SEPARATOR}1`)).toBe("P2");
  });

  it("trims spaces around keys and values, as the object's key is trimmed when it is looked up", () => {
    const table = parseLookupTable("site,id,pseudonym\nA , PID0001 , SP-1 \n", "ids.csv", 2);
    expect([...table]).toEqual([["A\u0000PID0001", "SP-1"]]);
    expect(() => parseLookupTable("id,pseudonym\nPID1,P1\nPID1 ,P2\n", "t.csv", 1)).toThrow("t.csv:3: this key already has a different value on line 2");
  });

  it("accepts an exact repeat of a row", () => {
    expect(parseLookupTable("k,v\na,1\na,1\n", "t.csv", 1).size).toBe(1);
  });

  const cases: [string, string, number, RegExp][] = [
    ["a row with too many fields", "k,v\na,1\nb,2,3\n", 1, /^t\.csv:3: expected 2 fields like the header, found 3$/],
    ["a row with too few fields", "k,v\na\n", 1, /^t\.csv:2: expected 2 fields like the header, found 1$/],
    ["an unclosed quote", 'k,v\n"a,1\nb,2\n', 1, /^t\.csv:2: a quoted field is not closed$/],
    ["a stray quote", 'k,v\na"b,1\n', 1, /^t\.csv:2: a quote inside an unquoted field/],
    ["text after a closing quote", 'k,v\n"a"b,1\n', 1, /^t\.csv:2: a closing quote must be followed by a comma/],
    ["a key with two values", "k,v\na,1\nb,2\na,3\n", 1, /^t\.csv:4: this key already has a different value on line 2$/],
    ["an empty table", "", 1, /^t\.csv:1: the table is empty/],
    ["a header with the wrong width", "k,v\na,1\n", 2, /^t\.csv:1: the header has 2 column\(s\), but the lookup uses 2 key\(s\), so the table needs 3/],
  ];
  for (const [what, text, keys, message] of cases) {
    it(`names the file and line of ${what}`, () => {
      expect(() => parseLookupTable(text, "t.csv", keys)).toThrow(message);
    });
  }

  it("never quotes a row's content in an error (tables hold original identifiers)", () => {
    let message = "";
    try {
      parseLookupTable("id,pseudonym\nDOE^JOHN,P1\nDOE^JOHN,P2\n", "t.csv", 1);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe("");
    expect(message).not.toContain("DOE");
    expect(message).not.toContain("P2");
  });
});

describe("loadTables", () => {
  it("finds every lookup, including in else branches, and resolves tables against the rule file's folder", () => {
    const dir = tempDir();
    put(join(dir, "rules", "tables", "ids.csv"), "original,pseudonym\n123,P-1\n");
    put(join(dir, "rules", "tables", "sites.csv"), "name,code\nACME,01\n");
    const profile = put(
      join(dir, "rules", "site.deid"),
      [
        "deid 1",
        'profile site.test "test" based on ps315.basic',
        'PatientID -> lookup("tables/ids.csv", PatientID) else lookup("tables/sites.csv", InstitutionName) else remove',
        "",
      ].join("\n"),
    );
    const { ir, diagnostics, program } = compileProfile(profile);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(tableUses(ir!).map((u) => u.table)).toEqual(["tables/ids.csv", "tables/sites.csv"]);
    // The IR names the rule file relative to the entry's folder (`site.deid`); the tables are found from that folder.
    expect(program.baseDir).toBe(join(dir, "rules"));
    const tables = loadTables(ir!, program.baseDir);
    expect(tables.get("tables/ids.csv")?.get("123")).toBe("P-1");
    expect(tables.get("tables/sites.csv")?.get("ACME")).toBe("01");
  });

  it("refuses a missing table, naming it and the rule that uses it", () => {
    const dir = tempDir();
    const profile = put(join(dir, "site.deid"), 'deid 1\nprofile site.test "t" based on ps315.basic\nPatientID -> lookup("missing.csv", PatientID) else remove\n');
    const { ir, program } = compileProfile(profile);
    expect(() => loadTables(ir!, program.baseDir)).toThrow(RunSetupError);
    expect(() => loadTables(ir!, program.baseDir)).toThrow(/cannot read lookup table `missing\.csv` named at .*site\.deid:3 \(.*missing\.csv\): no such file/);
  });

  it("refuses one table used with different numbers of keys", () => {
    const dir = tempDir();
    put(join(dir, "t.csv"), "k,v\na,1\n");
    const profile = put(
      join(dir, "site.deid"),
      'deid 1\nprofile site.test "t" based on ps315.basic\nPatientID -> lookup("t.csv", PatientID) else remove\nPatientName -> lookup("t.csv", PatientID, PatientSex) else remove\n',
    );
    const { ir, program } = compileProfile(profile);
    expect(() => loadTables(ir!, program.baseDir)).toThrow(/lookup table `t\.csv` is used with 1 key\(s\) at .*:3 but 2 at .*:4/);
  });

  it("refuses one written path that means two files (rule files in different folders)", () => {
    const dir = tempDir();
    put(join(dir, "t.csv"), "k,v\na,1\n");
    put(join(dir, "sub", "t.csv"), "k,v\na,2\n");
    put(join(dir, "sub", "opt.deid"), 'deid 1\noption site.names "names" {\n  PatientName -> lookup("t.csv", PatientID) else remove\n}\n');
    const profile = put(
      join(dir, "site.deid"),
      'deid 1\nimport "sub/opt.deid"\nprofile site.test "t" based on ps315.basic with site.names\nPatientID -> lookup("t.csv", PatientID) else remove\n',
    );
    const { ir, diagnostics, program } = compileProfile(profile);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(() => loadTables(ir!, program.baseDir)).toThrow(/lookup table `t\.csv` means .*t\.csv at .* but .*sub\/t\.csv at .*; give the tables different names/);
  });
});
