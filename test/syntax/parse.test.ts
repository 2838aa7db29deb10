// Every construct of docs/language.md: text in, AST shape and spans out.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Expr, ProfileHeader } from "../../src/syntax/ast";
import { parseDeid } from "../../src/syntax/parse";
import { onlyItem, onlyRule, parseClean, slice, spannedTexts, withoutSpans } from "./helpers";

const n = (value: number, raw = String(value)) => ({ kind: "Number", value, raw });
const s = (value: string) => ({ kind: "String", value });
const id = (name: string) => ({ kind: "Ident", name });
const name = (text: string) => ({ kind: "Name", text });
const keyword = (k: string) => ({ kind: "ElementStep", element: { kind: "KeywordRef", keyword: k }, item: null });
const path = (...steps: unknown[]) => ({ kind: "PathSelector", anchored: false, steps });
const code = (c: string, written = c) => ({ kind: "CodeAction", code: c, written });

function condition(text: string): Expr {
  const { rule } = onlyRule(`PatientName -> X when ${text}`);
  return rule.when!;
}

describe("the file", () => {
  it("reads the version line", () => {
    const { file, text } = parseClean("deid 1\n", { bare: true });
    expect(file.version).toMatchObject({ kind: "Version", value: 1 });
    expect(slice(text, file.version!.span)).toBe("deid 1");
    expect(file.span).toEqual({ start: 0, end: text.length });
    expect(file.path).toBe("test.deid");
  });

  it("keeps comments, with the text after `//`, in source order", () => {
    const { file, text } = parseClean("// first\nPatientName -> X // second\n  //third");
    expect(file.comments.map((c) => c.text)).toEqual([" first", " second", "third"]);
    expect(file.comments.map((c) => slice(text, c.span))).toEqual(["// first", "// second", "//third"]);
  });

  it("treats newlines as whitespace: a rule may span lines, and lines may hold several rules", () => {
    const { file } = parseClean("PatientName\n  ->\n  X\nPatientID -> Z PatientAge -> X");
    expect(file.items.map((i) => i.kind)).toEqual(["Rule", "Rule", "Rule"]);
  });

  it("accepts an empty file with only its version", () => {
    expect(parseClean("").file.items).toEqual([]);
  });

  it("parses every example of docs/language.md without a diagnostic", () => {
    const markdown = readFileSync(new URL("../../docs/language.md", import.meta.url), "utf8");
    const examples = [...markdown.matchAll(/```deid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThan(5);
    for (const example of examples) {
      const { file, diagnostics } = parseDeid(example, "example.deid");
      expect(diagnostics, example).toEqual([]);
      expect(file.items.length, example).toBeGreaterThan(0);
    }
  });
});

describe("declarations", () => {
  it("import", () => {
    const { item, text } = onlyItem('import "common.deid"');
    expect(withoutSpans(item)).toEqual({ kind: "Import", path: s("common.deid") });
    expect(slice(text, item.span)).toBe('import "common.deid"');
  });

  it("profile header with every clause", () => {
    const { item, text } = onlyItem(
      'profile acme.research "ACME research export"\n  based on ps315.basic\n  with ps315.retain-uids, ps315.retain-safe-private\n  code 113100\n  release "2026c"',
    );
    expect(withoutSpans(item)).toEqual({
      kind: "Profile",
      name: name("acme.research"),
      title: s("ACME research export"),
      basedOn: name("ps315.basic"),
      options: [name("ps315.retain-uids"), name("ps315.retain-safe-private")],
      code: n(113100),
      release: s("2026c"),
    });
    expect(slice(text, item.span)).toMatch(/^profile acme\.research .*release "2026c"$/s);
    expect(slice(text, (item as ProfileHeader).options[1]!.span)).toBe("ps315.retain-safe-private");
  });

  it("profile header with only a name; clauses in any order, `with` more than once", () => {
    expect(withoutSpans(onlyItem("profile site").item)).toEqual({
      kind: "Profile",
      name: name("site"),
      title: null,
      basedOn: null,
      options: [],
      code: null,
      release: null,
    });
    const { item } = onlyItem("profile site with a.b based on ps315.basic with c.d");
    expect(item).toMatchObject({ basedOn: { text: "ps315.basic" }, options: [{ text: "a.b" }, { text: "c.d" }] });
  });

  it("option unit with its body", () => {
    const { item, text } = onlyItem(
      'option acme.keep-protocol "Keep protocol names" code 113111 {\n  ProtocolName -> keep\n  reject when Modality == "OT"\n}',
    );
    expect(item).toMatchObject({
      kind: "Option",
      name: { text: "acme.keep-protocol" },
      title: { value: "Keep protocol names" },
      code: { value: 113111 },
      body: [{ kind: "Rule" }, { kind: "Filter" }],
    });
    expect(slice(text, item.span)).toMatch(/^option .*\}$/s);
  });

  it("option unit with an empty body", () => {
    expect(withoutSpans(onlyItem("option x {}").item)).toEqual({ kind: "Option", name: name("x"), title: null, code: null, body: [] });
  });

  it("secrets from the environment and from a file", () => {
    expect(withoutSpans(onlyItem("secret key from env DEID_KEY").item)).toEqual({
      kind: "Secret",
      name: name("key"),
      source: "env",
      ref: name("DEID_KEY"),
    });
    expect(withoutSpans(onlyItem('secret key from file "/run/secrets/deid-key"').item)).toEqual({
      kind: "Secret",
      name: name("key"),
      source: "file",
      ref: s("/run/secrets/deid-key"),
    });
  });

  it("params with and without a default", () => {
    expect(withoutSpans(onlyItem('param site: string = "ACME"').item)).toEqual({
      kind: "Param",
      name: name("site"),
      type: name("string"),
      default: s("ACME"),
    });
    expect(withoutSpans(onlyItem("param cutoff: number").item)).toEqual({
      kind: "Param",
      name: name("cutoff"),
      type: name("number"),
      default: null,
    });
  });

  it("let, with a range argument", () => {
    const { item, text } = onlyItem("let offset = days(key, PatientID, -730 .. -1)");
    expect(withoutSpans(item)).toEqual({
      kind: "Let",
      name: name("offset"),
      value: {
        kind: "Call",
        callee: name("days"),
        args: [id("key"), id("PatientID"), { kind: "Range", from: n(-730), to: n(-1) }],
      },
    });
    expect(spannedTexts(item, text)).toEqual([
      "Let: let offset = days(key, PatientID, -730 .. -1)",
      "Name: offset",
      "Call: days(key, PatientID, -730 .. -1)",
      "Name: days",
      "Ident: key",
      "Ident: PatientID",
      "Range: -730 .. -1",
      "Number: -730",
      "Number: -1",
    ]);
  });
});

describe("selectors", () => {
  it("keyword, several selectors, spans", () => {
    const { rule, text } = onlyRule("StudyDate, SeriesDate -> X/Z");
    expect(withoutSpans(rule.selectors)).toEqual([path(keyword("StudyDate")), path(keyword("SeriesDate"))]);
    expect(rule.selectors.map((sel) => slice(text, sel.span))).toEqual(["StudyDate", "SeriesDate"]);
    expect(slice(text, rule.span)).toBe("StudyDate, SeriesDate -> X/Z");
  });

  it("tag, with value and mask", () => {
    const { rule } = onlyRule("(0010,0010) -> X");
    expect(withoutSpans(rule.selectors[0])).toEqual(
      path({ kind: "ElementStep", element: { kind: "TagRef", text: "(0010,0010)", value: 0x00100010, mask: 0xffffffff }, item: null }),
    );
  });

  it("masks: each `x` clears a nibble of the mask", () => {
    const element = (text: string) => {
      const { rule } = onlyRule(`${text} -> X`);
      const sel = rule.selectors[0]!;
      return sel.kind === "PathSelector" && sel.steps[0]!.kind === "ElementStep" ? sel.steps[0]!.element : null;
    };
    expect(element("(60xx,4000)")).toMatchObject({ value: 0x60004000, mask: 0xff00ffff });
    expect(element("(50xx,xxxx)")).toMatchObject({ value: 0x50000000, mask: 0xff000000 });
    expect(element("(FFFE,E000)")).toMatchObject({ value: 0xfffee000, mask: 0xffffffff });
    expect(element("(0010, 0020)")).toMatchObject({ text: "(0010, 0020)", value: 0x00100020 });
  });

  it("tag range", () => {
    const { rule, text } = onlyRule("(0008,1000)..(0008,1FFF) -> Z");
    const sel = rule.selectors[0]!;
    expect(withoutSpans(sel)).toMatchObject(
      path({
        kind: "ElementStep",
        element: { kind: "TagRangeRef", from: { value: 0x00081000 }, to: { value: 0x00081fff } },
        item: null,
      }),
    );
    expect(spannedTexts(sel, text)).toEqual([
      "PathSelector: (0008,1000)..(0008,1FFF)",
      "ElementStep: (0008,1000)..(0008,1FFF)",
      "TagRangeRef: (0008,1000)..(0008,1FFF)",
      "TagRef: (0008,1000)",
      "TagRef: (0008,1FFF)",
    ]);
  });

  it("private tags: element offset or the whole block, optional spaces, escapes in the creator", () => {
    const element = (text: string) => {
      const sel = onlyRule(`${text} -> X`).rule.selectors[0]!;
      return sel.kind === "PathSelector" && sel.steps[0]!.kind === "ElementStep" ? withoutSpans(sel.steps[0]!.element) : null;
    };
    expect(element('(0029,"SIEMENS CSA HEADER",10)')).toEqual({
      kind: "PrivateRef",
      group: 0x0029,
      creator: "SIEMENS CSA HEADER",
      element: 0x10,
      text: '(0029,"SIEMENS CSA HEADER",10)',
    });
    expect(element('(0019, "GEMS_ACQU_01", xx)')).toMatchObject({ group: 0x19, creator: "GEMS_ACQU_01", element: null });
    expect(element('(0009,"A \\"B\\"",FF)')).toMatchObject({ creator: 'A "B"', element: 0xff });
  });

  it("paths: anchored, nested, deep, item index", () => {
    expect(withoutSpans(onlyRule("/PatientID -> X").rule.selectors[0])).toEqual({
      kind: "PathSelector",
      anchored: true,
      steps: [keyword("PatientID")],
    });
    expect(withoutSpans(onlyRule("ReferencedImageSequence/ReferencedSOPInstanceUID -> U").rule.selectors[0])).toEqual(
      path(keyword("ReferencedImageSequence"), keyword("ReferencedSOPInstanceUID")),
    );
    expect(withoutSpans(onlyRule("ContentSequence/**/PersonName -> dummy").rule.selectors[0])).toEqual(
      path(keyword("ContentSequence"), { kind: "DeepStep" }, keyword("PersonName")),
    );
    const { rule, text } = onlyRule("OtherPatientIDsSequence[0]/PatientID, Seq[*]/(0010,0010) -> X");
    expect(withoutSpans(rule.selectors[0])).toEqual(
      path({ kind: "ElementStep", element: { kind: "KeywordRef", keyword: "OtherPatientIDsSequence" }, item: n(0) }, keyword("PatientID")),
    );
    expect(withoutSpans(rule.selectors[1])).toMatchObject(path({ element: { keyword: "Seq" }, item: null }, { element: { kind: "TagRef" } }));
    expect(spannedTexts(rule.selectors[0], text)).toEqual([
      "PathSelector: OtherPatientIDsSequence[0]/PatientID",
      "ElementStep: OtherPatientIDsSequence[0]",
      "KeywordRef: OtherPatientIDsSequence",
      "Number: 0",
      "ElementStep: PatientID",
      "KeywordRef: PatientID",
    ]);
  });

  it("vr lists; a comma followed by a VR continues the list, otherwise the next selector", () => {
    const { rule, text } = onlyRule("vr DA, DT, PatientName, vr PN -> X");
    expect(withoutSpans(rule.selectors)).toEqual([
      { kind: "VrSelector", vrs: [name("DA"), name("DT")] },
      path(keyword("PatientName")),
      { kind: "VrSelector", vrs: [name("PN")] },
    ]);
    expect(slice(text, rule.selectors[0]!.span)).toBe("vr DA, DT");
  });

  it("`private *` and `*`", () => {
    expect(withoutSpans(onlyRule("private * -> remove").rule.selectors)).toEqual([{ kind: "PrivateAllSelector" }]);
    const { rule, text } = onlyRule('* -> keep because "everything else"');
    expect(withoutSpans(rule.selectors)).toEqual([{ kind: "AllSelector" }]);
    expect(slice(text, rule.selectors[0]!.span)).toBe("*");
  });
});

describe("actions", () => {
  it("every action code", () => {
    for (const c of ["D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"]) {
      const { rule, text } = onlyRule(`PatientName -> ${c}`);
      expect(withoutSpans(rule.action)).toEqual(code(c));
      expect(slice(text, rule.action.span)).toBe(c);
    }
  });

  it("the words, mapped to codes with the spelling kept", () => {
    const words = { keep: "K", remove: "X", empty: "Z", dummy: "D", clean: "C", uid: "U" };
    for (const [word, c] of Object.entries(words)) {
      expect(withoutSpans(onlyRule(`PatientName -> ${word}`).rule.action)).toEqual(code(c, word));
    }
  });

  it("shift", () => {
    const { rule, text } = onlyRule("StudyDate -> shift(offset)");
    expect(withoutSpans(rule.action)).toEqual({ kind: "ShiftAction", days: id("offset") });
    expect(slice(text, rule.action.span)).toBe("shift(offset)");
  });

  it("lookup with an else action, which may itself be a lookup", () => {
    expect(withoutSpans(onlyRule('PatientID -> lookup("ids.csv", PatientID, IssuerOfPatientID) else hash(key, PatientID, 10)').rule.action)).toEqual({
      kind: "LookupAction",
      table: s("ids.csv"),
      keys: [id("PatientID"), id("IssuerOfPatientID")],
      otherwise: { kind: "SetAction", value: { kind: "Call", callee: name("hash"), args: [id("key"), id("PatientID"), n(10)] } },
    });
    const { rule, text } = onlyRule('A -> lookup("a.csv", A) else lookup("b.csv", A) else remove');
    expect(rule.action).toMatchObject({ otherwise: { kind: "LookupAction", otherwise: { kind: "CodeAction", code: "X" } } });
    expect(slice(text, rule.action.span)).toBe('lookup("a.csv", A) else lookup("b.csv", A) else remove');
  });

  it("coarsen", () => {
    expect(withoutSpans(onlyRule("PatientBirthDate -> coarsen(year)").rule.action)).toEqual({ kind: "CoarsenAction", unit: name("year") });
  });

  it("replace, with a regular expression containing `/` in a class and escaped", () => {
    const { rule } = onlyRule('StudyDescription -> replace(/[0-9/]{6,}\\/x/g, "#")');
    expect(withoutSpans(rule.action)).toEqual({
      kind: "ReplaceAction",
      pattern: { kind: "Regex", pattern: "[0-9/]{6,}\\/x", flags: "g" },
      replacement: s("#"),
    });
  });

  it("set, written or implied; a computed value", () => {
    expect(withoutSpans(onlyRule('PatientID -> "SUBJ-01"').rule.action)).toEqual({ kind: "SetAction", value: s("SUBJ-01") });
    const { rule, text } = onlyRule('PatientID -> set ""');
    expect(withoutSpans(rule.action)).toEqual({ kind: "SetAction", value: s("") });
    expect(slice(text, rule.action.span)).toBe('set ""');
    expect(withoutSpans(onlyRule('PatientName -> "ANON^" + hash(key, PatientID, 8)').rule.action)).toEqual({
      kind: "SetAction",
      value: { kind: "Binary", op: "+", left: s("ANON^"), right: { kind: "Call", callee: name("hash"), args: [id("key"), id("PatientID"), n(8)] } },
    });
  });

  it("`empty` is the action word, `empty(...)` a call whose value is set", () => {
    expect(withoutSpans(onlyRule("A -> empty").rule.action)).toEqual(code("Z", "empty"));
    expect(withoutSpans(onlyRule("A -> empty(B)").rule.action)).toEqual({
      kind: "SetAction",
      value: { kind: "Call", callee: name("empty"), args: [id("B")] },
    });
  });

  it("when and because", () => {
    const { rule, text } = onlyRule('InstitutionName -> keep when Modality == "US" because "multi-site"');
    expect(withoutSpans(rule)).toMatchObject({
      when: { kind: "Binary", op: "==", left: id("Modality"), right: s("US") },
      because: s("multi-site"),
    });
    expect(slice(text, rule.because!.span)).toBe('"multi-site"');
    expect(slice(text, rule.span)).toBe('InstitutionName -> keep when Modality == "US" because "multi-site"');
  });
});

describe("filters and pixel blocks", () => {
  it("reject and quarantine, with and without condition and reason", () => {
    const { file } = parseClean('reject when SOPClassUID == "1.2" because "screen captures"\nquarantine\nreject because "all"');
    expect(withoutSpans(file.items)).toEqual([
      { kind: "Filter", outcome: "reject", when: { kind: "Binary", op: "==", left: id("SOPClassUID"), right: s("1.2") }, because: s("screen captures") },
      { kind: "Filter", outcome: "quarantine", when: null, because: null },
      { kind: "Filter", outcome: "reject", when: null, because: s("all") },
    ]);
  });

  it("pixel block with regions, frames and fill", () => {
    const { item, text } = onlyItem(
      'pixels when Modality == "US" because "banner" {\n  blank (0, 0, 800, 56)\n  blank (700, 560, 100, 40) frames 1..10, 12 fill 255\n}',
    );
    expect(withoutSpans(item)).toEqual({
      kind: "PixelBlock",
      complete: false,
      when: { kind: "Binary", op: "==", left: id("Modality"), right: s("US") },
      because: s("banner"),
      regions: [
        { kind: "PixelRegion", mode: "blank", shape: { form: "rect", x: n(0), y: n(0), width: n(800), height: n(56) }, frames: null, fill: null },
        {
          kind: "PixelRegion",
          mode: "blank",
          shape: { form: "rect", x: n(700), y: n(560), width: n(100), height: n(40) },
          frames: [
            { kind: "FrameRange", from: n(1), to: n(10) },
            { kind: "FrameRange", from: n(12), to: null },
          ],
          fill: n(255),
        },
      ],
    });
    expect(item.kind === "PixelBlock" && item.regions.map((r) => slice(text, r.span))).toEqual([
      "blank (0, 0, 800, 56)",
      "blank (700, 560, 100, 40) frames 1..10, 12 fill 255",
    ]);
  });

  it("pixel block with no condition and no region", () => {
    expect(withoutSpans(onlyItem("pixels {}").item)).toEqual({ kind: "PixelBlock", complete: false, when: null, because: null, regions: [] });
  });
});

describe("expressions", () => {
  it("precedence: or < and < not < comparison < + < primary", () => {
    expect(withoutSpans(condition("A or B and not Cc == Dd + E"))).toEqual({
      kind: "Binary",
      op: "or",
      left: id("A"),
      right: {
        kind: "Binary",
        op: "and",
        left: id("B"),
        right: {
          kind: "Unary",
          op: "not",
          operand: { kind: "Binary", op: "==", left: id("Cc"), right: { kind: "Binary", op: "+", left: id("Dd"), right: id("E") } },
        },
      },
    });
  });

  it("or and and chains: balanced trees, operands in source order; + is left-associative", () => {
    expect(withoutSpans(condition("A or B or Cc"))).toEqual({
      kind: "Binary",
      op: "or",
      left: { kind: "Binary", op: "or", left: id("A"), right: id("B") },
      right: id("Cc"),
    });
    const or = (left: unknown, right: unknown) => ({ kind: "Binary", op: "or", left, right });
    const and = (left: unknown, right: unknown) => ({ kind: "Binary", op: "and", left, right });
    expect(withoutSpans(condition("A or B or Cc or Dd"))).toEqual(or(or(id("A"), id("B")), or(id("Cc"), id("Dd"))));
    expect(withoutSpans(condition("A and B and Cc and Dd and E"))).toEqual(
      and(and(and(id("A"), id("B")), id("Cc")), and(id("Dd"), id("E"))),
    );
    // `and` binds tighter: each `or` operand is its own balanced `and` chain
    expect(withoutSpans(condition("A and B and Cc or Dd"))).toEqual(or(and(and(id("A"), id("B")), id("Cc")), id("Dd")));
    const { rule, text } = onlyRule("A -> X when B or Cc or Dd or E");
    expect(spannedTexts(rule.when, text).filter((t) => t.startsWith("Binary"))).toEqual([
      "Binary: B or Cc or Dd or E",
      "Binary: B or Cc",
      "Binary: Dd or E",
    ]);
    expect(withoutSpans(onlyRule('A -> "a" + B + "c"').rule.action)).toMatchObject({
      value: { op: "+", left: { op: "+", left: s("a"), right: id("B") }, right: s("c") },
    });
  });

  it("a chain of thousands of terms is log2(n) deep, its operands in source order", () => {
    const terms = Array.from({ length: 5000 }, (_, i) => `PatientID == "p${i}"`);
    const when = condition(terms.join(" or "));
    const depth = (e: Expr): number => (e.kind === "Binary" && e.op === "or" ? 1 + Math.max(depth(e.left), depth(e.right)) : 0);
    expect(depth(when)).toBe(Math.ceil(Math.log2(5000)));
    const operands: string[] = [];
    const walk = (e: Expr): void => {
      if (e.kind === "Binary" && e.op === "or") {
        walk(e.left);
        walk(e.right);
      } else if (e.kind === "Binary" && e.right.kind === "String") operands.push(e.right.value);
    };
    walk(when);
    expect(operands).toEqual(terms.map((_, i) => `p${i}`));
  });

  it("repeated not", () => {
    expect(withoutSpans(condition("not not A"))).toEqual({
      kind: "Unary",
      op: "not",
      operand: { kind: "Unary", op: "not", operand: id("A") },
    });
  });

  it("every comparison operator", () => {
    for (const op of ["==", "!=", "<", "<=", ">", ">=", "in", "contains", "~", "!~"] as const) {
      const right = op === "~" || op === "!~" ? "/x/i" : "B";
      expect(condition(`A ${op} ${right}`), op).toMatchObject({ kind: "Binary", op });
    }
  });

  it("literals: strings with escapes, numbers as written, regex, tags, private tags, lists, parentheses", () => {
    expect(withoutSpans(onlyRule('A -> "q\\" b\\\\ n\\n t\\t u\\u{1F600}"').rule.action)).toEqual({
      kind: "SetAction",
      value: s('q" b\\ n\n t\t u\u{1F600}'),
    });
    expect(withoutSpans(condition("Rows == 05"))).toMatchObject({ right: n(5, "05") });
    expect(withoutSpans(condition("SliceThickness >= 1.50"))).toMatchObject({ right: n(1.5, "1.50") });
    expect(withoutSpans(condition("Manufacturer ~ /^GE/i"))).toMatchObject({ right: { kind: "Regex", pattern: "^GE", flags: "i" } });
    expect(withoutSpans(condition("exists((0010,0010))"))).toMatchObject({ args: [{ kind: "TagRef", value: 0x00100010 }] });
    expect(withoutSpans(condition('exists((0029,"X",10))'))).toMatchObject({ args: [{ kind: "PrivateRef", creator: "X" }] });
    expect(withoutSpans(condition('Modality in ["US", "IVUS"]'))).toMatchObject({ right: { kind: "List", items: [s("US"), s("IVUS")] } });
    expect(withoutSpans(condition("Modality in []"))).toMatchObject({ right: { kind: "List", items: [] } });
    const { rule, text } = onlyRule("A -> X when (B or Cc) and Dd");
    expect(withoutSpans(rule.when)).toEqual({
      kind: "Binary",
      op: "and",
      left: { kind: "Paren", inner: { kind: "Binary", op: "or", left: id("B"), right: id("Cc") } },
      right: id("Dd"),
    });
    expect(spannedTexts(rule.when, text)).toEqual([
      "Binary: (B or Cc) and Dd",
      "Paren: (B or Cc)",
      "Binary: B or Cc",
      "Ident: B",
      "Ident: Cc",
      "Ident: Dd",
    ]);
  });

  it("calls with no argument and with ranges", () => {
    expect(withoutSpans(condition("f()"))).toEqual({ kind: "Call", callee: name("f"), args: [] });
    expect(withoutSpans(condition("days(k, v, 1 .. 2, -3..-4)"))).toMatchObject({
      args: [id("k"), id("v"), { kind: "Range", from: n(1), to: n(2) }, { kind: "Range", from: n(-3), to: n(-4) }],
    });
  });

  it("a name directly followed by `(dead,beef)` is a call, not a tag", () => {
    expect(withoutSpans(condition("f(dead,beef)"))).toEqual({ kind: "Call", callee: name("f"), args: [id("dead"), id("beef")] });
  });

  it("spans of unary and binary nodes cover their operands", () => {
    const { rule, text } = onlyRule('A -> X when not Modality == "US"');
    expect(spannedTexts(rule.when, text)).toEqual([
      'Unary: not Modality == "US"',
      'Binary: Modality == "US"',
      "Ident: Modality",
      'String: "US"',
    ]);
  });
});

describe("offsets", () => {
  it("are UTF-16 code units", () => {
    const { rule, text } = onlyRule('A -> "😀é" when B == "x"');
    expect(slice(text, rule.when!.span)).toBe('B == "x"');
    expect(rule.action.span.end - rule.action.span.start).toBe('"😀é"'.length);
  });

  it("count CRLF line breaks as two characters", () => {
    const text = 'deid 1\r\nA -> X\r\nB -> "y"\r\n';
    const { file } = parseDeid(text, "crlf.deid");
    expect(file.items.map((i) => slice(text, i.span))).toEqual(["A -> X", 'B -> "y"']);
  });
});
