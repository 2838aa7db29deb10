// Diagnostics for typical mistakes: code, message, position, help and fix;
// and recovery, so one run reports every independent mistake.

import { describe, expect, it } from "vitest";
import { parseDeid } from "../../src/syntax/parse";
import { describe as describeDiagnostic, diagnosticsOf, onlyRule, slice } from "./helpers";

/** The diagnostics of `deid 1` followed by the body. */
function errorsOf(body: string): string[] {
  return diagnosticsOf(`deid 1\n${body}`);
}

function only(body: string) {
  const text = `deid 1\n${body}`;
  const { diagnostics, file } = parseDeid(text, "test.deid");
  expect(diagnostics.map((d) => describeDiagnostic(d, text))).toHaveLength(1);
  return { diagnostic: diagnostics[0]!, file, text };
}

describe("syntax errors", () => {
  it("missing `->`: says where, keeps the rule, helps", () => {
    const { diagnostic, file, text } = only("PatientName keep");
    expect(describeDiagnostic(diagnostic, text)).toBe("2:13 DEID1001 expected `->` after the selector, found `keep`");
    expect(slice(text, diagnostic.span)).toBe("keep");
    expect(diagnostic.help).toBe("a rule is written `selector -> action`, as in `PatientName -> remove`");
    expect(diagnostic.severity).toBe("error");
    expect(diagnostic.file).toBe("test.deid");
    expect(file.items).toMatchObject([{ kind: "Rule", action: { code: "K" } }]);
  });

  it("missing `->` at the end of a line: points just after the selector, not at the next line", () => {
    const { diagnostic, file, text } = only("PatientName\nPatientID -> X");
    expect(describeDiagnostic(diagnostic, text)).toBe("2:12 DEID1001 expected `->` after the selector, found `PatientID`");
    expect(diagnostic.span).toEqual({ start: text.indexOf("\nPatientID"), end: text.indexOf("\nPatientID") });
    expect(file.items).toMatchObject([{ kind: "Rule", selectors: [{ steps: [{ element: { keyword: "PatientID" } }] }] }]);
  });

  it("`=` instead of `==` in a condition: one error, a fix, and the condition still parses", () => {
    const { diagnostic, file, text } = only('PatientName -> X when Modality = "US"');
    expect(describeDiagnostic(diagnostic, text)).toBe("2:32 DEID1001 expected a comparison operator, found `=`");
    expect(diagnostic.help).toMatch(/use `==` to compare/);
    expect(diagnostic.fix).toEqual({ description: "write `==`", file: "test.deid", span: diagnostic.span, text: "==" });
    expect(file.items).toMatchObject([{ when: { kind: "Binary", op: "==", right: { value: "US" } } }]);
  });

  it("`==` in a declaration", () => {
    const { diagnostic } = only("let x == 1");
    expect(diagnostic.message).toBe("expected `=`, found `==`");
    expect(diagnostic.help).toBe("a declaration gives its value with a single `=`");
  });

  it("names the end of the file when the text stops early", () => {
    expect(errorsOf("A -> X when")).toEqual(["2:12 DEID1001 expected a condition after `when`, found the end of the file"]);
    expect(errorsOf("profile x code")).toEqual(["2:15 DEID1001 expected a number, found the end of the file"]);
    expect(errorsOf("option o { A -> X")).toEqual(["2:18 DEID1001 expected `}`, found the end of the file"]);
  });

  it("describes what was expected in each construct", () => {
    expect(errorsOf("secret key from vault X")).toEqual(["2:17 DEID1001 expected `env` or `file`, found `vault`"]);
    expect(errorsOf("A, -> X")).toEqual(["2:4 DEID1001 expected a selector, found `->`"]);
    expect(errorsOf("A -> shift()")).toEqual(["2:12 DEID1001 expected a value, found `)`"]);
    expect(errorsOf('A -> coarsen("year")')).toEqual(['2:14 DEID1001 expected a name, found `"year"`']);
    expect(errorsOf("A[x] -> X")).toEqual(["2:3 DEID1001 expected an item index or `*`, found `x`"]);
    expect(errorsOf("import common.deid")).toEqual(["2:8 DEID1001 expected a string, found `common.deid`"]);
    expect(errorsOf('A -> lookup("t") else X')).toEqual(["2:16 DEID1001 expected `,` and a lookup key after the table, found `)`"]);
    expect(errorsOf("A -> ->")).toEqual(["2:6 DEID1001 expected an action, found `->`"]);
  });

  it("tokens that cannot start a statement", () => {
    expect(errorsOf('A -> X because "a" "b"')).toEqual(['2:20 DEID1001 expected a rule or a declaration, found `"b"`']);
    expect(errorsOf("A -> X\n}")).toEqual(["3:1 DEID1001 unmatched `}`"]);
    expect(errorsOf("A -> X\ndeid 1")).toEqual(["3:1 DEID1001 the `deid` line must be the first line of the file, and the only one"]);
    expect(errorsOf("option o {\n  let y = 1\n  A -> X\n}")).toEqual(["3:3 DEID1001 expected a rule, a filter or a pixel block, found `let`"]);
  });

  it("helps with reserved words, lower-case VRs and one-letter names", () => {
    const reserved = only("let keep = 1").diagnostic;
    expect(reserved.message).toBe("expected a name, found `keep`");
    expect(reserved.help).toBe("`keep` is a reserved word; choose another name");
    expect(only("vr da -> X").diagnostic.help).toBe("VR names are upper case: `DA`");
    expect(only("A -> X when B == C").diagnostic.help).toMatch(/`C` is an action code/);
  });

  it("reports a repeated profile clause", () => {
    expect(errorsOf("profile a based on b based on c")).toEqual(["2:22 DEID1001 the profile has more than one `based on`"]);
    expect(errorsOf('profile a release "x" code 1 release "y"')).toEqual(["2:30 DEID1001 the profile has more than one `release`"]);
  });
});

/** The code of `A -> <code>`, which must parse cleanly. */
function onlyCode(code: string): string {
  const { action } = onlyRule(`A -> ${code}`).rule;
  return action.kind === "CodeAction" ? action.code : action.kind;
}

/** The text with the diagnostic's fix applied. */
function fixed(text: string, diagnostic: { fix?: { span: { start: number; end: number }; text: string } }): string {
  const fix = diagnostic.fix!;
  return text.slice(0, fix.span.start) + fix.text + text.slice(fix.span.end);
}

describe("mistakes that get their own message", () => {
  it("`when` after `because`: says to put it first, with a fix; the statement keeps its condition", () => {
    const { diagnostic, file, text } = only('PatientName -> remove because "x" when Modality == "CT"\nPatientID -> X');
    expect(describeDiagnostic(diagnostic, text)).toBe("2:35 DEID1001 `when` must come before `because`");
    expect(slice(text, diagnostic.span)).toBe("when");
    expect(diagnostic.help).toBe('a statement is written `... when <condition> because "<reason>"`');
    expect(fixed(text, diagnostic)).toBe('deid 1\nPatientName -> remove when Modality == "CT" because "x"\nPatientID -> X');
    expect(file.items).toMatchObject([{ kind: "Rule", when: { op: "==", right: { value: "CT" } }, because: { value: "x" } }, { kind: "Rule" }]);
    // filters and pixel blocks alike, also over several lines
    const filter = only('reject because "screen" when ImageType contains "SCREEN" or\n  Modality == "OT"');
    expect(filter.diagnostic.message).toBe("`when` must come before `because`");
    expect(fixed(filter.text, filter.diagnostic)).toBe('deid 1\nreject when ImageType contains "SCREEN" or\n  Modality == "OT" because "screen"');
    const pixels = only('pixels because "banner" when Modality == "US" {\n  blank all\n}');
    expect(describeDiagnostic(pixels.diagnostic, pixels.text)).toBe("2:25 DEID1001 `when` must come before `because`");
    expect(fixed(pixels.text, pixels.diagnostic)).toBe('deid 1\npixels when Modality == "US" because "banner" {\n  blank all\n}');
    // a second condition
    expect(errorsOf('A -> X when Bb because "r" when Cc')).toEqual(["2:28 DEID1001 a second `when`: a statement has one condition"]);
    expect(only("A -> X when Bb when Cc").diagnostic.help).toMatch(/join the conditions with `and`/);
    // still a rule and a conditional block
    expect(errorsOf('A -> X because "x"\nwhen Bb == "y" {\n  Cc -> X\n}')).toEqual([]);
    expect(errorsOf('A -> X because "x" when Bb == "y" {\n  Cc -> X\n}')).toEqual([]);
  });

  it("a compound action code that is not one: names the one with those actions, or says what to write", () => {
    const { diagnostic, file, text } = only("PatientName -> D/X\nPatientID -> X");
    expect(describeDiagnostic(diagnostic, text)).toBe("2:16 DEID1002 `D/X` is not an action code: did you mean `X/D`?");
    expect(slice(text, diagnostic.span)).toBe("D/X");
    expect(diagnostic.help).toMatch(/^PS3\.15 Table E\.1-1a's compound codes are `Z\/D`, `X\/Z`, `X\/D`, `X\/Z\/D` and `X\/Z\/U\*`/);
    expect(diagnostic.help).toMatch(/`ps315\.basic` already gives each attribute of Table E\.1-1 the table's code/);
    expect(diagnostic.help).toMatch(/write one action: `remove` \(X\), `empty` \(Z\), `dummy` \(D\)/);
    expect(fixed(text, diagnostic)).toBe("deid 1\nPatientName -> X/D\nPatientID -> X");
    // the rule is dropped, the next one kept
    expect(file.items).toMatchObject([{ kind: "Rule", selectors: [{ steps: [{ element: { keyword: "PatientID" } }] }] }]);
    expect(errorsOf("A -> Z/X")).toEqual(["2:6 DEID1002 `Z/X` is not an action code: did you mean `X/Z`?"]);
    expect(errorsOf("A -> D/Z/X")).toEqual(["2:6 DEID1002 `D/Z/X` is not an action code: did you mean `X/Z/D`?"]);
    expect(errorsOf("A -> X/Z/U")).toEqual(["2:6 DEID1002 `X/Z/U` is not an action code: did you mean `X/Z/U*`?"]);
    const noSuch = only("A -> K/C").diagnostic;
    expect(noSuch.message).toBe("`K/C` is not an action code");
    expect(noSuch.fix).toBeUndefined();
    // the compound codes themselves are codes
    for (const code of ["Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"]) {
      expect(onlyCode(code)).toBe(code);
    }
  });

  it("`when` with no condition: says so, where the condition belongs", () => {
    expect(errorsOf('A -> X when because "x"')).toEqual(["2:13 DEID1001 expected a condition after `when`, found `because`"]);
    expect(errorsOf('reject when because "x"')).toEqual(["2:13 DEID1001 expected a condition after `when`, found `because`"]);
    expect(errorsOf("pixels when {\n}")).toEqual(["2:13 DEID1001 expected a condition after `when`, found `{`"]);
    const block = only("when {\n  A -> X\n}").diagnostic;
    expect(block.message).toBe("expected a condition after `when`, found `{`");
    expect(block.help).toBe('write the condition between `when` and `{`, as in `when Modality == "US" {`');
    expect(errorsOf("any where -> X")).toEqual(["2:11 DEID1001 expected a condition after `any where`, found `->`"]);
    // at the end of a line, with a rule on the next: the error is at the `when`, and the next rule is kept
    const { diagnostic, file, text } = only("A -> X when\nPatientID -> X");
    expect(describeDiagnostic(diagnostic, text)).toBe("2:12 DEID1001 expected a condition after `when`, found the end of the line");
    expect(diagnostic.help).toBe('write the condition after `when`, as in `when Modality == "US"`, or leave `when` out for a statement that always applies');
    expect(file.items).toMatchObject([{ kind: "Rule", selectors: [{ steps: [{ element: { keyword: "PatientID" } }] }], when: null }]);
    expect(errorsOf("reject when\nvr DA, DT -> X")).toEqual(["2:12 DEID1001 expected a condition after `when`, found the end of the line"]);
    // a condition may still start on the next line
    expect(errorsOf('A -> X when\n  Modality == "CT"\nPatientID -> X')).toEqual([]);
    expect(errorsOf("A -> X when\n  Bb\n/Cc -> X")).toEqual([]);
  });
});

describe("lexical errors", () => {
  it("unknown characters", () => {
    const { diagnostic, text } = only("A -> X @");
    expect(describeDiagnostic(diagnostic, text)).toBe("2:8 DEID1002 unexpected character `@`");
    expect(slice(text, diagnostic.span)).toBe("@");
    expect(errorsOf("A -> X $%")).toEqual(["2:8 DEID1002 unexpected characters `$%`"]);
    expect(only("Patiént -> X").diagnostic.help).toMatch(/names use the letters A to Z/);
    const invisible = only("A ->\u00a0X").diagnostic;
    expect(invisible.message).toBe("unexpected character `\\u{a0}`");
    expect(invisible.help).toBe("an invisible or unusual space; replace it with a plain space");
  });

  it("unterminated string: one diagnostic, even with a trailing backslash", () => {
    expect(errorsOf('A -> "abc\\\nB -> X')).toEqual(["2:6 DEID1004 unterminated string"]);
  });

  it("unterminated string: up to the end of the line; the next line still parses", () => {
    const { diagnostic, file, text } = only('A -> "abc\nB -> X');
    expect(describeDiagnostic(diagnostic, text)).toBe("2:6 DEID1004 unterminated string");
    expect(slice(text, diagnostic.span)).toBe('"abc');
    expect(file.items).toMatchObject([{ action: { value: { value: "abc" } } }, { kind: "Rule" }]);
  });

  it("bad escapes, with the exact span", () => {
    const { diagnostic, text } = only('A -> "a\\qb"');
    expect(describeDiagnostic(diagnostic, text)).toBe("2:8 DEID1004 unknown escape `\\q` in a string");
    expect(slice(text, diagnostic.span)).toBe("\\q");
    expect(errorsOf('A -> "\\u{110000}"')).toEqual(["2:7 DEID1004 invalid unicode escape `\\u{110000}`"]);
    expect(errorsOf('(0029,"A\\x",10) -> X')).toEqual(["2:9 DEID1004 unknown escape `\\x` in a string"]);
  });

  it("single quotes", () => {
    const { diagnostic, file, text } = only("'abc' -> X");
    expect(describeDiagnostic(diagnostic, text)).toBe("2:1 DEID1004 strings are written in double quotes, found `'abc'`");
    expect(diagnostic.fix?.text).toBe('"abc"');
    expect(file.items).toEqual([]);
  });

  it("malformed tags, each with its reason; the rule is kept", () => {
    const { diagnostic, file, text } = only("(0010,001G) -> X");
    expect(describeDiagnostic(diagnostic, text)).toBe("2:1 DEID1003 malformed tag `(0010,001G)`: `G` is not a hexadecimal digit");
    expect(slice(text, diagnostic.span)).toBe("(0010,001G)");
    expect(file.items).toHaveLength(1);
    expect(errorsOf("(001,0010) -> X")).toEqual(["2:1 DEID1003 malformed tag `(001,0010)`: the group must be 4 hexadecimal digits"]);
    expect(errorsOf("(0010,00100) -> X")).toEqual(["2:1 DEID1003 malformed tag `(0010,00100)`: the element must be 4 hexadecimal digits"]);
    expect(errorsOf('(0029,"X") -> X')).toEqual(['2:1 DEID1003 malformed private tag `(0029,"X")`: the element offset is missing']);
    expect(errorsOf('(0029,"X",1G) -> X')).toEqual([
      '2:1 DEID1003 malformed private tag `(0029,"X",1G)`: the element offset must be 2 hexadecimal digits or `xx`',
    ]);
  });

  it("unterminated regular expression", () => {
    expect(errorsOf('A -> replace(/abc, "x")\nB -> X')).toEqual(["2:14 DEID1005 unterminated regular expression"]);
  });

  it("operators and comments from other languages: one diagnostic each, with a fix, and parsing goes on", () => {
    const { diagnostic, file } = only("A -> X when Bb && Cc");
    expect(diagnostic.message).toBe("expected `and`, found `&&`");
    expect(diagnostic.code).toBe("DEID1002");
    expect(diagnostic.fix?.text).toBe("and");
    expect(file.items).toMatchObject([{ when: { op: "and" } }]);
    expect(errorsOf("A -> X when Bb || Cc")).toEqual(["2:16 DEID1002 expected `or`, found `||`"]);
    expect(errorsOf("A -> X when !exists(Bb)")).toEqual(["2:13 DEID1002 expected `not`, found `!`"]);
    expect(errorsOf("A => X")).toEqual(["2:3 DEID1002 expected `->`, found `=>`"]);
    const hash = only("A -> X # note\nB -> X");
    expect(hash.diagnostic.message).toBe("unexpected character `#`");
    expect(hash.diagnostic.help).toBe("comments start with `//`");
    expect(hash.file.items).toHaveLength(2);
  });

  it("no follow-on syntax error where the lexer already complained", () => {
    expect(errorsOf("A -> @ X\nB -> X")).toEqual(["2:6 DEID1002 unexpected character `@`"]);
  });
});

describe("byte order mark", () => {
  it("is not counted in the columns of line 1", () => {
    const text = "\uFEFFPatientName keep\nA => X";
    expect(diagnosticsOf(text)).toEqual([
      "1:1 DEID1006 the file has no `deid 1` line",
      "1:13 DEID1001 expected `->` after the selector, found `keep`",
      "2:3 DEID1002 expected `->`, found `=>`",
    ]);
    expect(diagnosticsOf("\uFEFFdeid 2\n")).toEqual(["1:1 DEID1007 unsupported language version `2`"]);
  });
});

describe("versions", () => {
  it("warns when the `deid 1` line is missing, with a fix", () => {
    const { diagnostics } = parseDeid("A -> X\n", "v.deid");
    expect(diagnostics).toEqual([
      {
        code: "DEID1006",
        severity: "warning",
        file: "v.deid",
        span: { start: 0, end: 0 },
        message: "the file has no `deid 1` line",
        help: "start the file with `deid 1`, the language version it is written in",
        fix: { description: "add `deid 1`", file: "v.deid", span: { start: 0, end: 0 }, text: "deid 1\n" },
      },
    ]);
  });

  it("rejects another version", () => {
    expect(diagnosticsOf("deid 2\nA -> X")).toEqual(["1:1 DEID1007 unsupported language version `2`"]);
    expect(parseDeid("deid 2\nA -> X", "v.deid").file.items).toHaveLength(1);
  });

  it("reports a broken version line once", () => {
    expect(diagnosticsOf("deid\nA -> X")).toEqual(["1:5 DEID1001 expected a number, found `A`"]);
  });
});

describe("recovery", () => {
  it("reports three independent mistakes on three lines and keeps the rules around them", () => {
    const text = [
      "deid 1",
      "PatientID -> X",
      "PatientName keep",
      "PatientAge -> Z",
      'InstitutionName -> "x" because',
      "StationName -> X",
      "OperatorsName -> hash(key, , 8)",
      "AccessionNumber -> remove",
    ].join("\n");
    const { file, diagnostics } = parseDeid(text, "three.deid");
    expect(diagnostics.map((d) => describeDiagnostic(d, text))).toEqual([
      "3:13 DEID1001 expected `->` after the selector, found `keep`",
      "5:31 DEID1001 expected a string, found `StationName`",
      "7:28 DEID1001 expected a value, found `,`",
    ]);
    const kept = file.items.map((i) => (i.kind === "Rule" ? slice(text, i.selectors[0]!.span) : i.kind));
    expect(kept).toEqual(["PatientID", "PatientName", "PatientAge", "StationName", "AccessionNumber"]);
  });

  it("recovers inside an option and a pixel block", () => {
    const text = "deid 1\noption o {\n  A -> X because\n  Bb -> X\n}\npixels {\n  blank (0, 0, 10)\n  blank (1, 2, 3, 4)\n}\nC1 -> X";
    const { file, diagnostics } = parseDeid(text, "r.deid");
    expect(diagnostics.map((d) => describeDiagnostic(d, text))).toEqual([
      "3:17 DEID1001 expected a string, found `Bb`",
      "7:18 DEID1001 expected `,`, found `)`",
    ]);
    expect(file.items).toMatchObject([
      { kind: "Option", body: [{ kind: "Rule" }] },
      { kind: "PixelBlock", regions: [{ shape: { x: { value: 1 } } }] },
      { kind: "Rule" },
    ]);
  });

  it("an unclosed call is closed at the end of its line", () => {
    const text = "deid 1\nA -> hash(key\nB -> X";
    const { file, diagnostics } = parseDeid(text, "r.deid");
    expect(diagnostics.map((d) => describeDiagnostic(d, text))).toEqual(["2:14 DEID1001 expected `)`, found `B`"]);
    expect(file.items).toHaveLength(2);
  });

  it("a rule's value may continue on the next line: `A ->` then `B -> X` is `A -> B` and a stray `->`", () => {
    const text = "deid 1\nA ->\nBb -> X\nCc -> X";
    const { file, diagnostics } = parseDeid(text, "r.deid");
    expect(diagnostics.map((d) => describeDiagnostic(d, text))).toEqual(["3:4 DEID1001 expected a rule or a declaration, found `->`"]);
    expect(file.items.map((i) => i.kind === "Rule" && slice(text, i.span))).toEqual(["A ->\nBb", "Cc -> X"]);
  });

  it("a stray token on a rule's line does not swallow the next line", () => {
    const text = "deid 1\nA -> X Y\nB -> X";
    const { file, diagnostics } = parseDeid(text, "r.deid");
    expect(diagnostics.map((d) => describeDiagnostic(d, text))).toEqual(["2:9 DEID1001 expected `->` after the selector, found `B`"]);
    expect(file.items.map((i) => i.kind === "Rule" && slice(text, i.span))).toEqual(["A -> X", "B -> X"]);
  });

  it("keeps at most one syntax error per line", () => {
    expect(errorsOf("A -> hash(key Bb, 8)")).toHaveLength(1);
  });

  it("limits nesting instead of exhausting the stack", () => {
    const deep = `A -> X when ${"(".repeat(5000)}Bb${")".repeat(5000)}\nCc -> X`;
    const { file, diagnostics } = parseDeid(`deid 1\n${deep}`, "deep.deid");
    expect(diagnostics.map((d) => d.message)).toEqual(["brackets nested more than 64 deep"]);
    expect(file.items).toHaveLength(1);
    const elses = `A -> ${'lookup("t", Bb) else '.repeat(500)}remove\nCc -> X`;
    expect(parseDeid(`deid 1\n${elses}`, "deep.deid").diagnostics.map((d) => d.message)).toEqual(["`else` actions nested more than 64 deep"]);
  });

  it("limits the depth of an expression: a run of `not`s or a `+` chain past 128 levels is an error at its line", () => {
    // `not` 127 times and the name: 128 levels, the most there may be
    expect(parseDeid(`deid 1\nA -> X when ${"not ".repeat(127)}Bb`, "deep.deid").diagnostics).toEqual([]);
    const text = `deid 1\nCc -> X\nA -> X when ${"not ".repeat(20000)}Bb\nDd -> X`;
    const { file, diagnostics } = parseDeid(text, "deep.deid");
    expect(diagnostics.map((d) => describeDiagnostic(d, text))).toEqual([
      // the 128th `not` from the inside, where the limit is passed
      `3:${"A -> X when ".length + 4 * (20000 - 128) + 1} DEID1001 expression nested more than 128 deep`,
    ]);
    expect(slice(text, diagnostics[0]!.span)).toBe("not");
    expect(diagnostics[0]!.help).toMatch(/split the expression into `let` declarations/);
    // the rule is dropped, the others are kept
    expect(file.items.map((i) => i.kind === "Rule" && slice(text, i.span))).toEqual(["Cc -> X", "Dd -> X"]);
    const sum = (n: number) => `deid 1\nA -> ${Array.from({ length: n }, () => "Bb").join(" + ")}`;
    expect(parseDeid(sum(128), "deep.deid").diagnostics).toEqual([]);
    const long = sum(129);
    const [plus] = parseDeid(long, "deep.deid").diagnostics;
    expect(plus?.message).toBe("expression nested more than 128 deep");
    expect(plus?.span.start).toBe(long.lastIndexOf("+"));
    // brackets and `not`s add up: 60 brackets, each with a `not` inside, and 9 more `not`s
    const mixed = `deid 1\nA -> X when ${"(not ".repeat(60)}${"not ".repeat(9)}Bb${")".repeat(60)}`;
    expect(parseDeid(mixed, "deep.deid").diagnostics.map((d) => d.message)).toEqual(["expression nested more than 128 deep"]);
  });

  it("a chain of `or` or `and` is never too deep", () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `PatientID == "p${i}"`);
    for (const op of ["or", "and"]) {
      const { file, diagnostics } = parseDeid(`deid 1\nreject when ${terms(20_000).join(` ${op} `)}`, "long.deid");
      expect(diagnostics).toEqual([]);
      expect(file.items).toHaveLength(1);
    }
    // but depth adds up: 63 brackets, each holding a chain, the innermost of 1,000 terms
    const nestedChains = `deid 1\nreject when ${"(A or ".repeat(63)}${terms(1000).join(" or ")}${")".repeat(63)}`;
    expect(parseDeid(nestedChains, "long.deid").diagnostics.map((d) => d.message)).toEqual(["expression nested more than 128 deep"]);
  });
});

describe("papercuts from other languages and from typing", () => {
  it("`base on` in a profile header: did you mean `based on`, with a fix", () => {
    const text = 'deid 1\nprofile t.x "x"\n  base on ps315.basic\n';
    const { diagnostics } = parseDeid(text, "test.deid");
    const [d] = diagnostics;
    expect(d).toMatchObject({ code: "DEID1001", help: "did you mean `based on`?" });
    expect(fixed(text, d!)).toBe('deid 1\nprofile t.x "x"\n  based on ps315.basic\n');
  });

  it("`/* ... */`: says comments are `//` to the end of the line, once, with a fix", () => {
    const { diagnostic, text, file } = only("/* a block\n   comment */\nPatientName -> remove\n");
    expect(diagnostic).toMatchObject({ code: "DEID1002", message: "`/* ... */` is not a comment in .deid", help: "comments run from `//` to the end of the line" });
    expect(fixed(text, diagnostic)).toBe("deid 1\n// a block\n//    comment\nPatientName -> remove\n");
    expect(file.items).toMatchObject([{ kind: "Rule" }]);
    // Code after it on its line would go into a `//` comment: no fix, and the help says where to put it.
    const inline = only('reject when Modality == "OT" /* screens */ or Modality == "SC" because "sc"\n');
    expect(inline.diagnostic).toMatchObject({ code: "DEID1002", help: "comments run from `//` to the end of the line: move this one after the code on its line, or onto a line of its own" });
    expect(inline.diagnostic.fix).toBeUndefined();
    // A path that starts with `/*` is still a path.
    expect(errorsOf("/*/PatientID -> remove\nContentSequence/*/PersonName -> empty\n/**/PersonName -> empty")).toEqual([]);
  });

  it("curly quotes: says to use straight double quotes, with a fix, and reads the string", () => {
    const { diagnostic, text, file } = only("PatientName -> X when Modality == \u201CCT\u201D");
    expect(diagnostic).toMatchObject({ code: "DEID1004", message: "strings are written in straight double quotes, found `\u201CCT\u201D`" });
    expect(fixed(text, diagnostic)).toBe('deid 1\nPatientName -> X when Modality == "CT"');
    expect(file.items).toMatchObject([{ kind: "Rule", when: { right: { value: "CT" } } }]);
    expect(fixed(only("PatientName -> X when Modality == \u2018CT\u2019").text, only("PatientName -> X when Modality == \u2018CT\u2019").diagnostic)).toBe('deid 1\nPatientName -> X when Modality == "CT"');
  });

  it("`(10,10)` where a rule starts: a malformed tag (DEID1003), not a generic syntax error", () => {
    const { diagnostic } = only("(10,10) -> remove");
    expect(diagnostic).toMatchObject({ code: "DEID1003", message: "malformed tag `(10,10)`: the group and the element are 4 hexadecimal digits each" });
    expect(diagnostic.help).toContain("`(0010,0010)`");
    // Pixel corners are not tags.
    expect(errorsOf("pixels {\n  blank from (10,10) to (20,20)\n}")).toEqual([]);
  });

  it("`create lookup(...)` parses as one action; `create shift(...)` says what `create` takes", () => {
    const parsed = parseDeid('deid 1\nClinicalTrialSiteID -> create lookup("s.csv", PatientID) else remove\n', "test.deid");
    expect(parsed.diagnostics).toEqual([]);
    const rule = parsed.file.items[0]!;
    expect(rule.kind === "Rule" && rule.action).toMatchObject({ kind: "LookupAction", mode: "create", table: { value: "s.csv" } });
    const [d] = parseDeid("deid 1\nStudyDate -> create shift(10)\n", "test.deid").diagnostics;
    expect(d!.code).toBe("DEID1001");
    expect(d!.help).toContain("`create` takes a value");
    expect(d!.help).toContain("`shift(...)` is an action of its own");
    expect(d!.help).toContain("or a `lookup(...)`");
    const [set] = parseDeid("deid 1\nStudyDate -> set keep\n", "test.deid").diagnostics;
    expect(set!.help).toContain("`set` takes a value");
  });
});
