// CTP's match expressions, the language of DicomFilter scripts and of the
// signatures of a DicomPixelAnonymizer script:
//
//   Modality.equals("CT") * !ImageType.contains("SCREEN")
//   [0008,0070].containsIgnoreCase("GE") + ( Rows.equals("512") * Columns.equals("512") )
//
// `*` is and, `+` is or (`*` binds tighter), `!` is not, parentheses group.
// An element is a keyword or `[gggg,eeee]`; CTP reads its value as a string,
// the values of a multi-valued element joined by `\`, and an absent element
// as the empty string. The methods are Java's String methods of the same
// names (equals, matches, contains, startsWith, endsWith and their
// IgnoreCase forms).

import { lookupTag } from "../../dicom/dictionary";
import { asTextOperand, attributeText, escapeRegexText, keywordTag, quote, readsAsNumber, regexLiteral } from "../syntax";

export type MatchResult = { ok: true; expr: string } | { ok: false; reason: string; offset: number };

type Token = { kind: "op"; text: string; start: number } | { kind: "call"; element: string; method: string; arg: string; start: number; end: number } | { kind: "constant"; value: boolean; start: number };

class MatchFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function translateMatch(text: string): MatchResult {
  try {
    const tokens = tokenize(text);
    if (tokens.length === 0) return { ok: true, expr: "true" };
    const parser = new MatchParser(tokens, text.length);
    const expr = parser.parse();
    return { ok: true, expr };
  } catch (error) {
    if (error instanceof MatchFailure) return { ok: false, reason: error.message, offset: error.offset };
    throw error;
  }
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith("//", i) || c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if ("*+!()".includes(c)) {
      out.push({ kind: "op", text: c, start: i });
      i++;
      continue;
    }
    const m = /^(\[[0-9A-Fa-f]{4},?[0-9A-Fa-f]{4}\]|[A-Za-z][A-Za-z0-9]*)\s*\.\s*([A-Za-z]+)\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(text.slice(i));
    if (m) {
      out.push({ kind: "call", element: m[1]!, method: m[2]!, arg: m[3]!.replace(/\\(.)/g, "$1"), start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    const constant = /^(true|false)\s*\.?/.exec(text.slice(i));
    if (constant) {
      out.push({ kind: "constant", value: constant[1] === "true", start: i });
      i += constant[0].length;
      continue;
    }
    throw new MatchFailure(`expected \`Element.method("value")\`, \`*\`, \`+\`, \`!\` or a parenthesis at \`${text.slice(i, i + 20).split("\n")[0]}\``, i);
  }
  return out;
}

class MatchParser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly end: number,
  ) {}

  parse(): string {
    const e = this.or();
    if (this.pos < this.tokens.length) throw new MatchFailure("unexpected text after the expression", this.tokens[this.pos]!.start);
    return e.text;
  }

  private peekOp(text: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === "op" && t.text === text;
  }

  private or(): { text: string; or: boolean } {
    const parts = [this.and()];
    while (this.peekOp("+")) {
      this.pos++;
      parts.push(this.and());
    }
    if (parts.length === 1) return parts[0]!;
    // `*` binds tighter than `+`, as `and` than `or`; the brackets say so, which lint asks for (DEID3028).
    return { text: parts.map((p) => (p.and ? `(${p.text})` : p.text)).join(" or "), or: true };
  }

  private and(): { text: string; or: boolean; and?: boolean } {
    const parts = [this.unary()];
    while (this.peekOp("*")) {
      this.pos++;
      parts.push(this.unary());
    }
    if (parts.length === 1) return parts[0]!;
    return { text: parts.map((p) => (p.or ? `(${p.text})` : p.text)).join(" and "), or: false, and: true };
  }

  private unary(): { text: string; or: boolean } {
    const t = this.tokens[this.pos];
    if (!t) throw new MatchFailure("the expression ends where a term is expected", this.end);
    if (t.kind === "op" && t.text === "!") {
      this.pos++;
      const inner = this.unary();
      return { text: `not (${inner.text})`, or: false };
    }
    if (t.kind === "op" && t.text === "(") {
      this.pos++;
      const inner = this.or();
      if (!this.peekOp(")")) throw new MatchFailure("a parenthesis is not closed", t.start);
      this.pos++;
      return { text: inner.or ? `(${inner.text})` : inner.text, or: false };
    }
    if (t.kind === "constant") {
      this.pos++;
      return { text: t.value ? "true" : "false", or: false };
    }
    if (t.kind === "call") {
      this.pos++;
      return { text: callExpr(t), or: false };
    }
    throw new MatchFailure(`unexpected \`${t.text}\``, t.start);
  }
}

function callExpr(t: Extract<Token, { kind: "call" }>): string {
  const { name: element, tag } = elementName(t.element, t.start);
  const arg = t.arg;
  const ignoreCase = /IgnoreCase$/.test(t.method);
  const method = t.method.replace(/IgnoreCase$/, "");
  const subject = ignoreCase ? `lower(${element})` : asTextOperand(element, tag);
  const literal = ignoreCase ? arg.toLowerCase() : arg;
  const regex = (pattern: string): string => {
    const r = regexLiteral(pattern);
    if (r === null) throw new MatchFailure(`the regular expression \`${arg}\` does not compile in JavaScript`, t.start);
    return r;
  };
  switch (method) {
    case "equals":
      // An absent element reads as "" in CTP.
      if (arg === "") return `empty(${element})`;
      // deidc reads numeric VRs (binary, and the IS and DS strings) as numbers.
      if (readsAsNumber(tag)) {
        return /^[+-]?\d+(\.\d+)?$/.test(arg.trim()) ? `${element} == ${arg.trim()}` : "false";
      }
      return `${subject} == ${quote(literal)}`;
    case "contains":
      if (arg === "") return "true";
      return `${subject} ~ ${regex(escapeRegexText(literal))}`;
    case "startsWith":
      if (arg === "") return "true";
      return `${subject} ~ ${regex(`^${escapeRegexText(literal)}`)}`;
    case "endsWith":
      if (arg === "") return "true";
      return `${subject} ~ ${regex(`${escapeRegexText(literal)}$`)}`;
    case "matches":
      if (ignoreCase) throw new MatchFailure("CTP has no matchesIgnoreCase", t.start);
      return arg === "" ? `empty(${element})` : `${asTextOperand(element, tag)} ~ ${regex(`^(?:${arg})$`)}`;
    default:
      throw new MatchFailure(`CTP has no method \`${t.method}\` in match scripts (equals, matches, contains, startsWith, endsWith and their IgnoreCase forms)`, t.start);
  }
}

function elementName(text: string, offset: number): { name: string; tag: number } {
  const hex = /^\[([0-9A-Fa-f]{4}),?([0-9A-Fa-f]{4})\]$/.exec(text);
  if (hex) {
    const tag = parseInt(hex[1]! + hex[2]!, 16);
    if ((tag >>> 16) & 1) throw new MatchFailure(`\`${text}\` is a private element, which a deidc condition cannot read`, offset);
    if (!lookupTag(tag)) throw new MatchFailure(`\`${text}\` is not in the data dictionary`, offset);
    return { name: attributeText(tag), tag };
  }
  const tag = keywordTag(text);
  if (tag === null) throw new MatchFailure(`\`${text}\` is not an attribute keyword`, offset);
  return { name: attributeText(tag), tag };
}
