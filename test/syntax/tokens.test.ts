// The lexical rules of docs/language.md, "Lexical structure".

import { describe, expect, it } from "vitest";
import * as T from "../../grammar/tokens";
import { VRS } from "../../src/dicom/vr";

/** `Type:image` for every token of a text; fails on lexer errors. */
function lex(text: string): string[] {
  const result = T.deidLexer.tokenize(text);
  expect(result.errors).toEqual([]);
  return result.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe("names and keywords", () => {
  it("reads keywords, and words that only start like one as names", () => {
    expect(lex("keep keeper keep_it keep-protocol based on")).toEqual([
      "Keep:keep",
      "Name:keeper",
      "Name:keep_it",
      "QualifiedName:keep-protocol",
      "Based:based",
      "On:on",
    ]);
  });

  it("has a token for every reserved word of the reference", () => {
    const reserved = [
      "deid profile option based on with code release import secret from env file param let vr private",
      "reject accept skip quarantine pixels blank frames fill when because and or not in contains keep remove empty",
      "dummy clean uid shift lookup else coarsen replace set create append",
    ]
      .join(" ")
      .split(" ");
    for (const word of reserved) expect(lex(word), word).toEqual([`${word[0]!.toUpperCase()}${word.slice(1)}:${word}`]);
    expect(T.keywordTokens).toHaveLength(reserved.length);
  });

  it("joins qualified names with `.` and `-`, but not into `->` or `..`", () => {
    expect(lex("ps315.retain-uids a.b-c_d A->B lo..hi")).toEqual([
      "QualifiedName:ps315.retain-uids",
      "QualifiedName:a.b-c_d",
      "Name:A",
      "Arrow:->",
      "Name:B",
      "Name:lo",
      "DotDot:..",
      "Name:hi",
    ]);
  });

  it("reads the 34 VR codes, and nothing else, as VRs", () => {
    expect(T.VR_CODES).toEqual(VRS);
    for (const vr of VRS) expect(lex(vr)).toEqual([`VrCode:${vr}`]);
    expect(lex("DAX da XY")).toEqual(["Name:DAX", "Name:da", "Name:XY"]);
  });

  it("reads action codes, compound first, unless a name character follows", () => {
    expect(lex("D Z X K C U Z/D X/Z X/D X/Z/D X/Z/U*")).toEqual([
      "ActionCode:D",
      "ActionCode:Z",
      "ActionCode:X",
      "ActionCode:K",
      "ActionCode:C",
      "ActionCode:U",
      "ActionCode:Z/D",
      "ActionCode:X/Z",
      "ActionCode:X/D",
      "ActionCode:X/Z/D",
      "ActionCode:X/Z/U*",
    ]);
    expect(lex("Xray K9 X_1 X-ray")).toEqual(["Name:Xray", "Name:K9", "Name:X_1", "QualifiedName:X-ray"]);
  });
});

describe("literals", () => {
  it("reads strings with escapes, on one line", () => {
    expect(lex('"a" "b \\" c" "\\\\" ""')).toEqual(['StringLiteral:"a"', 'StringLiteral:"b \\" c"', 'StringLiteral:"\\\\"', 'StringLiteral:""']);
    expect(lex('"abc\nx')).toEqual(['UnterminatedString:"abc', "Name:x"]);
  });

  it("reads a leading `-` as part of a number, but `->` as the arrow", () => {
    expect(lex("12 -30 1.5 05 ->-1")).toEqual([
      "NumberLiteral:12",
      "NumberLiteral:-30",
      "NumberLiteral:1.5",
      "NumberLiteral:05",
      "Arrow:->",
      "NumberLiteral:-1",
    ]);
    expect(lex("1..10 -365 .. -30")).toEqual(["NumberLiteral:1", "DotDot:..", "NumberLiteral:10", "NumberLiteral:-365", "DotDot:..", "NumberLiteral:-30"]);
  });

  it("reads regular expressions only after `~`, `!~` and `replace(`", () => {
    expect(lex("A ~ /a\\/b[/]/gi")).toEqual(["Name:A", "Tilde:~", "RegexLiteral:/a\\/b[/]/gi"]);
    expect(lex("A !~ /x/")).toEqual(["Name:A", "NotTilde:!~", "RegexLiteral:/x/"]);
    expect(lex('replace(/\\d{6,}/g, "#")')).toEqual(["Replace:replace", "LParen:(", "RegexLiteral:/\\d{6,}/g", "Comma:,", 'StringLiteral:"#"', "RParen:)"]);
    expect(lex("/A/B")).toEqual(["Slash:/", "Name:A", "Slash:/", "Name:B"]);
    expect(lex("f(/A/)")).toEqual(["Name:f", "LParen:(", "Slash:/", "Name:A", "Slash:/", "RParen:)"]);
    expect(lex("A ~ /abc\nB")).toEqual(["Name:A", "Tilde:~", "UnterminatedRegex:/abc", "Name:B"]);
  });

  it("reads comments into their own group", () => {
    const result = T.deidLexer.tokenize("A -> X // keep it\n// alone");
    expect(result.tokens.map((t) => t.image)).toEqual(["A", "->", "X"]);
    expect(result.groups.comments!.map((t) => t.image)).toEqual(["// keep it", "// alone"]);
  });
});

describe("tags", () => {
  it("reads tags and masks, with optional spaces", () => {
    expect(lex("(0010,0010) (60xx,4000) (50xx,xxxx) (FFFE,E000) ( 0010 , 0020 )")).toEqual([
      "Tag:(0010,0010)",
      "Tag:(60xx,4000)",
      "Tag:(50xx,xxxx)",
      "Tag:(FFFE,E000)",
      "Tag:( 0010 , 0020 )",
    ]);
  });

  it("reads private tags", () => {
    expect(lex('(0029,"SIEMENS CSA HEADER",10) (0019, "GEMS_ACQU_01", xx) (0009,"A\\"B",FF)')).toEqual([
      'PrivateTag:(0029,"SIEMENS CSA HEADER",10)',
      'PrivateTag:(0019, "GEMS_ACQU_01", xx)',
      'PrivateTag:(0009,"A\\"B",FF)',
    ]);
  });

  it("recognises what is meant as a tag but malformed", () => {
    for (const bad of ["(0010,001G)", "(001,0010)", "(0010,00100)", '(0029,"X",1G)', '(0029,"X")', '(002,"X",10)']) {
      expect(lex(bad), bad).toEqual([`MalformedTag:${bad}`]);
    }
  });

  it("never reads an argument list as a tag", () => {
    expect(lex("f(dead,beef)")).toEqual(["Name:f", "LParen:(", "Name:dead", "Comma:,", "Name:beef", "RParen:)"]);
    expect(lex("blank (0, 0, 800, 56)")[1]).toBe("LParen:(");
    expect(lex("f (1, 2)")[1]).toBe("LParen:(");
  });
});

describe("punctuation and mistakes", () => {
  it("reads every operator", () => {
    expect(lex("== != <= >= < > ~ !~ = + .. ** * / [ ] { } ( ) , :").map((t) => t.split(":")[0])).toEqual([
      "EqualEqual",
      "NotEqual",
      "LessEqual",
      "GreaterEqual",
      "Less",
      "Greater",
      "Tilde",
      "NotTilde",
      "Equals",
      "Plus",
      "DotDot",
      "DoubleStar",
      "Star",
      "Slash",
      "LBracket",
      "RBracket",
      "LBrace",
      "RBrace",
      "LParen",
      "RParen",
      "Comma",
      "Colon",
    ]);
  });

  it("recognises operators and comments from other languages", () => {
    expect(lex("&& || ! => 'x' # note")).toEqual([
      "AmpAmp:&&",
      "PipePipe:||",
      "Bang:!",
      "FatArrow:=>",
      "SingleQuotedString:'x'",
      "HashComment:# note",
    ]);
  });

  it("reports characters that start no token", () => {
    const result = T.deidLexer.tokenize("A -> X @ $ é");
    expect(result.errors.map((e) => [e.offset, e.length])).toEqual([
      [7, 1],
      [9, 1],
      [11, 1],
    ]);
  });

  it("gives the parser no trivia and no mistake token", () => {
    for (const t of [T.WhiteSpace, T.Comment, ...T.mistakeTokens]) expect(T.parserTokens).not.toContain(t);
  });
});
