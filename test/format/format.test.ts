// One example per construct: a messy input and its canonical text. Every
// case also goes through the full contract (idempotence, same tree).

import { describe, expect, it } from "vitest";
import type { BinaryOp, DeidFile, Expr } from "../../src/syntax/ast";
import { formatDeid, quote } from "../../src/syntax/format";
import { checkContract } from "./helpers";

/** Formats, checks the contract (idempotence, same tree), and returns the output. */
function canon(text: string): string {
  return checkContract(text);
}

describe("file layout", () => {
  it("puts one blank line after the version line", () => {
    expect(canon("deid 1\nPatientName -> X\n")).toBe("deid 1\n\nPatientName -> X\n");
    expect(canon("deid   1\n\n\n\nPatientName -> X")).toBe("deid 1\n\nPatientName -> X\n");
    expect(canon("deid 1 PatientName -> X")).toBe("deid 1\n\nPatientName -> X\n");
  });

  it("prints a version line alone with one newline", () => {
    expect(canon("deid 1")).toBe("deid 1\n");
    expect(canon("\n\ndeid 1\n\n\n")).toBe("deid 1\n");
  });

  it("keeps an empty file empty", () => {
    expect(canon("")).toBe("");
    expect(canon("\n \n\t\n")).toBe("");
  });

  it("keeps at most one blank line between items and adds none", () => {
    const src = "A -> X\nB -> X\n\n\n\nCc -> X\n\nDd -> X\n";
    expect(canon(src)).toBe("A -> X\nB -> X\n\nCc -> X\n\nDd -> X\n");
  });

  it("counts a whitespace-only line as blank", () => {
    expect(canon("A -> X\n   \t\nB -> X\n")).toBe("A -> X\n\nB -> X\n");
  });

  it("puts each item on its own line", () => {
    expect(canon("A -> X B -> Z reject let a = 1")).toBe("A -> X\nB -> Z\nreject\nlet a = 1\n");
  });

  it("joins a rule written over several lines", () => {
    expect(canon("PatientName,\n  PatientID\n  ->\n  remove\n  when Modality\n == \"CT\"\n")).toBe(
      'PatientName, PatientID -> remove when Modality == "CT"\n',
    );
  });

  it("drops a byte order mark", () => {
    expect(canon("\uFEFFdeid 1\nA -> X\n")).toBe("deid 1\n\nA -> X\n");
  });

  it("normalises CRLF and strips trailing whitespace", () => {
    expect(canon("deid 1 \r\n\r\n\r\nA -> X   \r\n\r\nB -> X\t\r\n")).toBe("deid 1\n\nA -> X\n\nB -> X\n");
  });
});

describe("profile", () => {
  it("prints the header and one clause per line", () => {
    const src =
      'profile acme.research "ACME research export" based on ps315.basic with ps315.retain-longitudinal-modified-dates,ps315.retain-device-identity code 113100 release "2026c"';
    expect(canon(src)).toBe(
      [
        'profile acme.research "ACME research export"',
        "  based on ps315.basic",
        "  with ps315.retain-longitudinal-modified-dates, ps315.retain-device-identity",
        "  code 113100",
        '  release "2026c"',
        "",
      ].join("\n"),
    );
  });

  it("puts the clauses in the canonical order", () => {
    const src = 'profile p\n  release "2026c"\n  code 99\n  with a.b\n  based on ps315.basic\n';
    expect(canon(src)).toBe('profile p\n  based on ps315.basic\n  with a.b\n  code 99\n  release "2026c"\n');
  });

  it("merges repeated `with` clauses into one line", () => {
    expect(canon("profile p with a.b with c.d, e.f")).toBe("profile p\n  with a.b, c.d, e.f\n");
  });

  it("prints a bare profile", () => {
    expect(canon("profile p")).toBe("profile p\n");
    expect(canon('profile p "t"\nA -> X')).toBe('profile p "t"\nA -> X\n');
  });

  it("drops blank lines inside the header but keeps the one after it", () => {
    expect(canon("profile p\n\n  based on q\n\n  code 1\n\nA -> X\n")).toBe("profile p\n  based on q\n  code 1\n\nA -> X\n");
  });
});

describe("option", () => {
  it("prints the header, an indented body and the closing brace", () => {
    const src = 'option acme.keep-protocol "Keep protocol names" code 113111 { ProtocolName -> keep because "audit" StudyID -> K }';
    expect(canon(src)).toBe(
      [
        'option acme.keep-protocol "Keep protocol names" code 113111 {',
        '  ProtocolName -> keep because "audit"',
        "  StudyID -> K",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("prints an empty body on two lines", () => {
    expect(canon("option a{}")).toBe("option a {\n}\n");
    expect(canon("option a\n{\n\n}\n")).toBe("option a {\n}\n");
  });

  it("keeps blank lines between statements, none after `{` or before `}`", () => {
    expect(canon("option a {\n\n  A -> X\n\n\n  B -> X\n\n}\n")).toBe("option a {\n  A -> X\n\n  B -> X\n}\n");
  });

  it("indents pixel blocks inside an option", () => {
    expect(canon("option a { pixels { blank (0,0,1,1) } }")).toBe(
      "option a {\n  pixels {\n    blank (0, 0, 1, 1)\n  }\n}\n",
    );
  });
});

describe("declarations", () => {
  it("imports", () => {
    expect(canon('import   "common.deid"')).toBe('import "common.deid"\n');
  });

  it("secrets", () => {
    expect(canon("secret key from env DEID_KEY")).toBe("secret key from env DEID_KEY\n");
    expect(canon('secret key\nfrom file\n"/run/secrets/deid-key"')).toBe('secret key from file "/run/secrets/deid-key"\n');
  });

  it("params", () => {
    expect(canon('param site : string = "ACME"')).toBe('param site: string = "ACME"\n');
    expect(canon("param cutoff:number")).toBe("param cutoff: number\n");
  });

  it("lets", () => {
    expect(canon("let offset=days(key,PatientID,-365..-30)")).toBe("let offset = days(key, PatientID, -365 .. -30)\n");
  });
});

describe("rules", () => {
  it("spaces selectors, arrow and clauses", () => {
    expect(canon('StudyDate,SeriesDate->X/Z   when Modality=="US"because "r"')).toBe(
      'StudyDate, SeriesDate -> X/Z when Modality == "US" because "r"\n',
    );
  });

  it("prints paths, indexes and deep steps", () => {
    expect(canon("/PatientID -> X")).toBe("/PatientID -> X\n");
    expect(canon("ContentSequence/**/PersonName -> dummy")).toBe("ContentSequence/**/PersonName -> dummy\n");
    expect(canon("OtherPatientIDsSequence[0]/PatientID -> X")).toBe("OtherPatientIDsSequence[0]/PatientID -> X\n");
  });

  it("writes an any-item index as no index", () => {
    expect(canon("OtherPatientIDsSequence[*]/PatientID -> X")).toBe("OtherPatientIDsSequence/PatientID -> X\n");
  });

  it("normalises tags, masks and ranges", () => {
    expect(canon("(0010,0010) -> X")).toBe("(0010,0010) -> X\n");
    expect(canon("(7fe0,0010) -> X")).toBe("(7FE0,0010) -> X\n");
    expect(canon("(60XX,4000) -> X")).toBe("(60xx,4000) -> X\n");
    expect(canon("(50xx,XXXX) -> X")).toBe("(50xx,xxxx) -> X\n");
    expect(canon("(0008,0000)..(0008,ffff) -> Z")).toBe("(0008,0000)..(0008,FFFF) -> Z\n");
  });

  it("removes the spaces a tag may be written with", () => {
    expect(canon("( 0010 , 0010 ) -> X")).toBe("(0010,0010) -> X\n");
    expect(canon('( 0029 , "SIEMENS CSA HEADER" , 10 ) -> keep')).toBe('(0029,"SIEMENS CSA HEADER",10) -> keep\n');
  });

  it("normalises private tags", () => {
    expect(canon('(0029,"SIEMENS CSA HEADER",10) -> keep')).toBe('(0029,"SIEMENS CSA HEADER",10) -> keep\n');
    expect(canon('(0019,"GEMS_ACQU_01",1a) -> keep')).toBe('(0019,"GEMS_ACQU_01",1A) -> keep\n');
    expect(canon('(7fe1,"GEMS_ACQU_01",xx) -> remove')).toBe('(7FE1,"GEMS_ACQU_01",xx) -> remove\n');
    expect(canon('(0029,"GEMS_ACQU_01",XX) -> remove')).toBe('(0029,"GEMS_ACQU_01",xx) -> remove\n');
    expect(canon('(0029,"A \\"B\\" \\u{43}",01) -> remove')).toBe('(0029,"A \\"B\\" C",01) -> remove\n');
  });

  it("prints vr, private * and * selectors", () => {
    expect(canon("vr DA,DT -> shift(offset)")).toBe("vr DA, DT -> shift(offset)\n");
    expect(canon("private   * -> remove")).toBe("private * -> remove\n");
    expect(canon("*->keep")).toBe("* -> keep\n");
  });

  it("keeps action codes and words as written", () => {
    for (const a of ["D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*", "keep", "remove", "empty", "dummy", "clean", "uid"]) {
      expect(canon(`PatientName -> ${a}`)).toBe(`PatientName -> ${a}\n`);
    }
  });

  it("prints the site actions", () => {
    expect(canon("StudyDate -> shift( offset )")).toBe("StudyDate -> shift(offset)\n");
    expect(canon('PatientID -> lookup( "ids.csv" ,PatientID )else hash(key,PatientID,10)')).toBe(
      'PatientID -> lookup("ids.csv", PatientID) else hash(key, PatientID, 10)\n',
    );
    expect(canon("PatientBirthDate -> coarsen( year )")).toBe("PatientBirthDate -> coarsen(year)\n");
    expect(canon('StudyDescription -> replace( /[0-9]{6,}/g ,"#" )')).toBe('StudyDescription -> replace(/[0-9]{6,}/g, "#")\n');
  });

  it("writes a value to set without `set`", () => {
    expect(canon('PatientName -> set "ANON"')).toBe('PatientName -> "ANON"\n');
    expect(canon('PatientName -> "ANON^"+hash(key,PatientID,8)')).toBe('PatientName -> "ANON^" + hash(key, PatientID, 8)\n');
    // `empty(` is the function, so the value needs no `set` to stay a value.
    expect(canon("PatientName -> set empty(PatientID)")).toBe("PatientName -> empty(PatientID)\n");
    expect(canon("PatientName -> set not exists(PatientID)")).toBe("PatientName -> not exists(PatientID)\n");
  });
});

describe("filters and pixel blocks", () => {
  it("filters", () => {
    expect(canon('reject when Modality=="OT"because "screen"')).toBe('reject when Modality == "OT" because "screen"\n');
    expect(canon("quarantine")).toBe("quarantine\n");
  });

  it("pixel blocks", () => {
    const src = 'pixels when Modality=="US" because "banner"{blank(0,0,800,56) blank ( 700 , 560 , 100 , 40 ) frames 1 .. 10 , 12 fill 0}';
    expect(canon(src)).toBe(
      [
        'pixels when Modality == "US" because "banner" {',
        "  blank (0, 0, 800, 56)",
        "  blank (700, 560, 100, 40) frames 1..10, 12 fill 0",
        "}",
        "",
      ].join("\n"),
    );
    expect(canon("pixels{}")).toBe("pixels {\n}\n");
  });
});

describe("expressions", () => {
  const when = (e: string) => canon(`reject when ${e}`).replace(/^reject when /, "").replace(/\n$/, "");

  it("spaces operators", () => {
    expect(when('Modality=="US"and Rows>=600 or not exists(PatientID)')).toBe(
      'Modality == "US" and Rows >= 600 or not exists(PatientID)',
    );
    expect(when('a!=b or c<d or e<=f or g>h')).toBe("a != b or c < d or e <= f or g > h");
    expect(when('ImageType contains"SCREEN"')).toBe('ImageType contains "SCREEN"');
    expect(when('Modality in["US","IVUS"]')).toBe('Modality in ["US", "IVUS"]');
    expect(when("Modality in []")).toBe("Modality in []");
    expect(when("Manufacturer~/^GE/i and Manufacturer!~/x/")).toBe("Manufacturer ~ /^GE/i and Manufacturer !~ /x/");
    expect(when('upper(a)+"x"+b=="y"')).toBe('upper(a) + "x" + b == "y"');
  });

  it("keeps parentheses as written, with no space inside", () => {
    expect(when("( a==b )and( c==d or e==f )")).toBe("(a == b) and (c == d or e == f)");
    expect(when("not ( ( a == b ) )")).toBe("not ((a == b))");
  });

  it("keeps numbers as written", () => {
    expect(when("a == 05 or b == 1.50 or c == -30")).toBe("a == 05 or b == 1.50 or c == -30");
  });

  it("round-trips a chain of 5,000 terms on one line", () => {
    for (const op of ["or", "and"]) {
      const chain = Array.from({ length: 5000 }, (_, i) => `PatientID == "p${i}"`).join(` ${op} `);
      expect(canon(`reject when ${chain}\n   ${op} Modality == "OT"   because "x"`)).toBe(`reject when ${chain} ${op} Modality == "OT" because "x"\n`);
    }
  });

  it("prints tags in expressions canonically", () => {
    expect(when('exists((0010,0010)) and (0029,"SIEMENS CSA HEADER",0a) == "x"')).toBe(
      'exists((0010,0010)) and (0029,"SIEMENS CSA HEADER",0A) == "x"',
    );
  });
});

describe("trees not from the parser", () => {
  // Passes that build or rewrite trees (fixes, code actions) may leave out
  // the Paren nodes the parser would have made; the printer adds the
  // parentheses the meaning needs so the text still parses to a tree of the
  // same meaning (`and` and `or` chains print flat, however they group).
  const span = { start: 0, end: 0 };
  const ident = (name: string): Expr => ({ kind: "Ident", span, name });
  const binary = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: "Binary", span, op, left, right });
  const when = (e: Expr): string => {
    const file: DeidFile = {
      kind: "File",
      span,
      path: "built.deid",
      version: null,
      comments: [],
      items: [{ kind: "Filter", span, outcome: "reject", when: e, because: null }],
    };
    return formatDeid(file, "").replace(/^reject when /, "").replace(/\n$/, "");
  };

  it("adds the parentheses precedence needs", () => {
    expect(when(binary("and", binary("or", ident("a"), ident("b")), ident("c")))).toBe("(a or b) and c");
    expect(when({ kind: "Unary", span, op: "not", operand: binary("and", ident("a"), ident("b")) })).toBe("not (a and b)");
    expect(when(binary("==", binary("==", ident("a"), ident("b")), ident("c")))).toBe("(a == b) == c");
    expect(when(binary("+", ident("a"), binary("+", ident("b"), ident("c"))))).toBe("a + (b + c)");
  });

  it("adds none where precedence already reads right", () => {
    expect(when(binary("or", binary("and", ident("a"), ident("b")), ident("c")))).toBe("a and b or c");
    expect(when(binary("==", binary("+", ident("a"), ident("b")), ident("c")))).toBe("a + b == c");
    expect(when({ kind: "Unary", span, op: "not", operand: binary("==", ident("a"), ident("b")) })).toBe("not a == b");
    // `and` and `or` are associative: a chain prints flat whatever its grouping (the parser balances long ones)
    expect(when(binary("or", ident("a"), binary("or", ident("b"), ident("c"))))).toBe("a or b or c");
    expect(when(binary("and", binary("and", ident("a"), ident("b")), binary("and", ident("c"), ident("d"))))).toBe("a and b and c and d");
    expect(when(binary("and", ident("a"), binary("or", ident("b"), ident("c"))))).toBe("a and (b or c)");
  });

  it("prints chains of any length without recursing down them", () => {
    const names = Array.from({ length: 100_000 }, (_, i) => ident(`a${i}`));
    const leftLeaning = (op: BinaryOp): Expr => names.slice(1).reduce((left, right) => binary(op, left, right), names[0]!);
    for (const op of ["or", "and", "+"] as const) {
      expect(when(leftLeaning(op))).toBe(names.map((n) => (n.kind === "Ident" ? n.name : "")).join(` ${op} `));
    }
    let nots: Expr = ident("a");
    for (let i = 0; i < 100_000; i++) nots = { kind: "Unary", span, op: "not", operand: nots };
    expect(when(nots)).toBe(`${"not ".repeat(100_000)}a`);
  });
});

describe("strings", () => {
  it("re-escapes canonically", () => {
    expect(canon('A -> "\\u{41}\\u{a}\\u{9}\\"\\\\"')).toBe('A -> "A\\n\\t\\"\\\\"\n');
    expect(canon('A -> "Müller 日本 😀"')).toBe('A -> "Müller 日本 😀"\n');
    expect(canon('A -> "\\u{7}\\u{00001f}\\u{2028}"')).toBe('A -> "\\u{7}\\u{1F}\\u{2028}"\n');
  });

  it("escapes zero-width and bidirectional formatting characters, which make a string read as another", () => {
    expect(canon('A -> "a\\u{202E}b\\u{200B}c\\u{2066}d\\u{AD}e"')).toBe('A -> "a\\u{202E}b\\u{200B}c\\u{2066}d\\u{AD}e"\n');
    expect(quote("x\u202ey\u200dz")).toBe('"x\\u{202E}y\\u{200D}z"');
  });

  it("escapes what would break a line or hide", () => {
    expect(quote("a\rb\u0000c\u007f\u0085\u2029\ufeff")).toBe('"a\\u{D}b\\u{0}c\\u{7F}\\u{85}\\u{2029}\\u{FEFF}"');
    expect(quote("\ud800x")).toBe('"\\u{D800}x"');
    expect(quote("😀")).toBe('"😀"');
  });
});
