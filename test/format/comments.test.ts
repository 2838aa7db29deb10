// Comments in every position the grammar allows whitespace: each one is kept,
// next to the construct it was written with.

import { describe, expect, it } from "vitest";
import { checkContract } from "./helpers";

function canon(text: string): string {
  return checkContract(text);
}

describe("comments at item level", () => {
  it("keeps a file-leading comment before the version line", () => {
    expect(canon("// Copyright ACME\n\n// SPDX: Apache-2.0\ndeid 1\nA -> X\n")).toBe(
      "// Copyright ACME\n\n// SPDX: Apache-2.0\ndeid 1\n\nA -> X\n",
    );
  });

  it("keeps a comment on the version line trailing", () => {
    expect(canon("deid 1 // language version\nA -> X\n")).toBe("deid 1 // language version\n\nA -> X\n");
  });

  it("keeps a comment between the version line and the first item", () => {
    expect(canon("deid 1\n// the rules\nA -> X\n")).toBe("deid 1\n\n// the rules\nA -> X\n");
    expect(canon("deid 1\n\n// the rules\n\nA -> X\n")).toBe("deid 1\n\n// the rules\n\nA -> X\n");
  });

  it("keeps own-line comments before the item they precede", () => {
    expect(canon("A -> X\n   // about B\n      B -> X\n")).toBe("A -> X\n// about B\nB -> X\n");
  });

  it("keeps trailing comments trailing, one space away", () => {
    expect(canon("A -> X      // why A\nB -> X//why B\n")).toBe("A -> X // why A\nB -> X //why B\n");
  });

  it("keeps the comment text, except trailing whitespace", () => {
    expect(canon("//   indented   \n//\n//// four\nA -> X\n")).toBe("//   indented\n//\n//// four\nA -> X\n");
  });

  it("keeps blank lines around comment blocks, at most one", () => {
    const src = "A -> X\n\n\n// section\n\n\n// about B\nB -> X\n";
    expect(canon(src)).toBe("A -> X\n\n// section\n\n// about B\nB -> X\n");
  });

  it("keeps end-of-file comments at the end", () => {
    expect(canon("A -> X\n// end\n")).toBe("A -> X\n// end\n");
    expect(canon("A -> X\n\n\n   // end one\n// end two")).toBe("A -> X\n\n// end one\n// end two\n");
  });

  it("formats a file of comments only", () => {
    expect(canon("// a\n\n\n// b\n")).toBe("// a\n\n// b\n");
    expect(canon("deid 1\n// a\n")).toBe("deid 1\n\n// a\n");
  });

  it("does not mistake `//` in a string or a regex for a comment", () => {
    expect(canon('A -> "http://x" // real\n')).toBe('A -> "http://x" // real\n');
    expect(canon("reject when A ~ /a\\/\\// // real\n")).toBe("reject when A ~ /a\\/\\// // real\n");
  });
});

describe("comments inside a rule", () => {
  it("moves a comment written inside a rule to just before it", () => {
    const src = "A -> X\nPatientName, // the name\n  PatientID // the id\n  -> remove // both\nCc -> X\n";
    expect(canon(src)).toBe("A -> X\n// the name\n// the id\nPatientName, PatientID -> remove // both\nCc -> X\n");
  });

  it("moves an own-line comment inside a rule to just before it", () => {
    const src = "PatientName\n// not the id\n  -> remove\n";
    expect(canon(src)).toBe("// not the id\nPatientName -> remove\n");
  });

  it("keeps the rule's own leading comments first", () => {
    const src = "// leading\nPatientName -> // inside\n remove // trailing\n";
    expect(canon(src)).toBe("// leading\n// inside\nPatientName -> remove // trailing\n");
  });

  it("keeps comments in declarations with the declaration", () => {
    const src = "let offset = // per patient\n  days(key, PatientID, -365 .. -30) // deterministic\nsecret key // the key\n  from env DEID_KEY\n";
    expect(canon(src)).toBe(
      "// per patient\nlet offset = days(key, PatientID, -365 .. -30) // deterministic\n// the key\nsecret key from env DEID_KEY\n",
    );
  });
});

describe("comments inside a condition", () => {
  it("keeps a comment line between two terms in place, one term per line", () => {
    const src = [
      'reject when Modality == "OT"',
      "  // screen captures",
      '  or ImageType contains "SCREEN" because "not images"',
      "A -> X",
      "",
    ].join("\n");
    expect(canon(src)).toBe(
      [
        'reject when Modality == "OT"',
        "    // screen captures",
        '    or ImageType contains "SCREEN" because "not images"',
        "A -> X",
        "",
      ].join("\n"),
    );
  });

  it("keeps trailing comments after their terms, and splits at every `and` and `or`", () => {
    const src = [
      'PatientName -> remove when Modality == "CT" // CT',
      "   and Rows > 10 or // tall ones",
      "   Columns > 2 // wide ones",
      "",
    ].join("\n");
    expect(canon(src)).toBe(
      [
        'PatientName -> remove when Modality == "CT" // CT',
        "    and Rows > 10",
        "    // tall ones",
        "    or Columns > 2 // wide ones",
        "",
      ].join("\n"),
    );
  });

  it("splits the conditions of filters, blocks, pixel blocks and the values of `let` and `param`", () => {
    const block = 'when Modality == "US"\n// or GE\nor Manufacturer ~ /^GE/i {\nStationName -> "x"\n}\n';
    expect(canon(block)).toBe('when Modality == "US"\n    // or GE\n    or Manufacturer ~ /^GE/i {\n  StationName -> "x"\n}\n');
    const pixels = 'pixels complete when Modality == "US" // US\n and Rows == 600 because "banner" {\n blank all\n}\n';
    expect(canon(pixels)).toBe('pixels complete when Modality == "US" // US\n    and Rows == 600 because "banner" {\n  blank all\n}\n');
    const declarations = 'let a = PatientID == "x" // x\n or PatientID == "y"\nparam p: bool = 1 == 1\n// two\n or 2 == 2\n';
    expect(canon(declarations)).toBe('let a = PatientID == "x" // x\n    or PatientID == "y"\nparam p: bool = 1 == 1\n    // two\n    or 2 == 2\n');
    const option = "option o {\n  reject when A // a\n  or B\n}\n";
    expect(canon(option)).toBe("option o {\n  reject when A // a\n      or B\n}\n");
  });

  it("keeps one line where there is no comment among the terms, or only in the first term", () => {
    expect(canon('reject when A\n  or B\n  or Cc because "x" // why\n')).toBe('reject when A or B or Cc because "x" // why\n');
    expect(canon("reject when (A // inside the brackets\n  or B) and Cc\n")).toBe("// inside the brackets\nreject when (A or B) and Cc\n");
    // a comment after the last term goes before its line
    expect(canon('reject when A\n  or B\n  // about B\n  or Cc\n  // before the reason\n  because "x"\n')).toBe(
      'reject when A\n    or B\n    // about B\n    // before the reason\n    or Cc because "x"\n',
    );
  });
});

describe("comments in the profile header", () => {
  it("keeps comments between clauses with their clause", () => {
    const src = [
      'profile acme.research "ACME" // the site profile',
      "  // the standard base",
      "  based on ps315.basic",
      "  with ps315.retain-uids, // keep UIDs",
      "    ps315.retain-device-identity // and devices",
      '  release "2026c" // pinned',
      "",
      "A -> X",
      "",
    ].join("\n");
    expect(canon(src)).toBe(
      [
        'profile acme.research "ACME" // the site profile',
        "  // the standard base",
        "  based on ps315.basic",
        "  // keep UIDs",
        "  with ps315.retain-uids, ps315.retain-device-identity // and devices",
        '  release "2026c" // pinned',
        "",
        "A -> X",
        "",
      ].join("\n"),
    );
  });

  it("moves a clause's comments with the clause when the order changes", () => {
    const src = 'profile p\n  // pinned to c\n  release "2026c"\n  based on q // base\n';
    expect(canon(src)).toBe('profile p\n  based on q // base\n  // pinned to c\n  release "2026c"\n');
  });

  it("keeps a comment between a clause keyword and its operand with the clause", () => {
    const src = "profile p based // the base\n on q\n";
    expect(canon(src)).toBe("profile p\n  // the base\n  based on q\n");
  });

  it("gives a comment after the header to the item it precedes", () => {
    const src = "profile p\n  based on q\n  // about A\nA -> X\n";
    expect(canon(src)).toBe("profile p\n  based on q\n// about A\nA -> X\n");
  });
});

describe("comments in blocks", () => {
  it("keeps comments inside an option body", () => {
    const src = [
      'option a "t" { // what it does',
      "  // keep it",
      "  ProtocolName -> keep // audited",
      "",
      "  // the last",
      "  StudyID -> K",
      "  // before the end",
      "} // after the end",
      "B -> X",
      "",
    ].join("\n");
    expect(canon(src)).toBe(src);
  });

  it("indents a comment before `}` as the body", () => {
    expect(canon("option a {\nA -> X\n// last words\n}\n")).toBe("option a {\n  A -> X\n  // last words\n}\n");
    expect(canon("option a {\n// nothing yet\n}\n")).toBe("option a {\n  // nothing yet\n}\n");
    expect(canon("option a { // nothing yet\n}\n")).toBe("option a { // nothing yet\n}\n");
  });

  it("keeps blank lines between comments in a body, none after `{`", () => {
    expect(canon("option a {\n\n// one\n\n// two\n\n}\n")).toBe("option a {\n  // one\n\n  // two\n}\n");
  });

  it("moves a comment inside a block header before the block", () => {
    const src = 'option a // name\n "t" // title\n code 1\n{\nA -> X\n}\n';
    expect(canon(src)).toBe('// name\n// title\noption a "t" code 1 {\n  A -> X\n}\n');
    const px = 'pixels when Modality == "US" // US only\n{ blank (0, 0, 1, 1) }\n';
    expect(canon(px)).toBe('// US only\npixels when Modality == "US" {\n  blank (0, 0, 1, 1)\n}\n');
  });

  it("keeps comments inside a pixel block with their regions", () => {
    const src = [
      "pixels {",
      "  // the banner",
      "  blank (0, 0, 800, 56) // top",
      "  blank (0, 0, // inside a region",
      "    1, 1) frames 1..3",
      "  // end",
      "}",
      "",
    ].join("\n");
    expect(canon(src)).toBe(
      [
        "pixels {",
        "  // the banner",
        "  blank (0, 0, 800, 56) // top",
        "  // inside a region",
        "  blank (0, 0, 1, 1) frames 1..3",
        "  // end",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("indents comments in nested blocks", () => {
    const src = "option a {\npixels {\n// region\nblank (0, 0, 1, 1)\n// end of pixels\n}\n// end of option\n}\n";
    expect(canon(src)).toBe(
      "option a {\n  pixels {\n    // region\n    blank (0, 0, 1, 1)\n    // end of pixels\n  }\n  // end of option\n}\n",
    );
  });
});
