// Text to AST: lexing, parsing with error recovery, lowering, and the
// diagnostics of all three. `parseDeid` never throws: whatever the text, it
// returns a DeidFile (possibly with fewer items than the text meant) and the
// diagnostics that explain what was left out.

import { EOF, tokenMatcher, type ILexingError, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import type { DeidFileCstNode, ProfileHeaderCstNode } from "../../grammar/cst";
import { EXPECTED_ARROW, deidParser, type ParseFinding } from "../../grammar/parser";
import * as T from "../../grammar/tokens";
import { sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic";
import type { DeidFile, Span } from "./ast";
import { MAX_EXPRESSION_DEPTH, decodeStringLiteral, lowerFile } from "./lower";
import { SourceText } from "./source";

export interface ParseResult {
  file: DeidFile;
  diagnostics: Diagnostic[];
}

/** The language version this parser reads. */
export const LANGUAGE_VERSION = 1;

/**
 * Brackets nested deeper than this, or more `else` actions than this in one
 * rule, are not parsed: the recursive-descent parser would exhaust the stack
 * long before a person writes such a file.
 */
export const MAX_NESTING = 64;

export function parseDeid(text: string, path: string): ParseResult {
  try {
    return parseText(text, path);
  } catch (error) {
    // Every input should parse (the fuzz tests hold this); this keeps a bug
    // from taking down a whole lint run.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      file: emptyFile(text, path),
      diagnostics: [
        {
          code: "DEID1001",
          severity: "error",
          file: path,
          span: { start: 0, end: 0 },
          message: "the parser failed on this file",
          help: `this is a bug in deidc; please report it with the file (${reason})`,
        },
      ],
    };
  }
}

function emptyFile(text: string, path: string): DeidFile {
  return { kind: "File", span: { start: 0, end: text.length }, path, version: null, items: [], comments: [] };
}

function parseText(text: string, path: string): ParseResult {
  const report = new Reporter(path);
  const lexed = T.deidLexer.tokenize(text);
  for (const error of lexed.errors) reportLexingError(report, text, error);
  // Before repair: a string already reported as unterminated gets no second diagnostic for its escapes.
  checkStringEscapes(lexed.tokens, report);
  const tokens = limitNesting(repairMistakes(lexed.tokens, report), report);

  const parser = deidParser();
  parser.input = tokens;
  const cst = parser.deidFile() as DeidFileCstNode;
  const parseErrors = parser.errors;
  const findings = parser.findings;

  const { file, tooDeep } = lowerFile(cst, lexed.groups.comments ?? [], path, text.length);

  const lexicalSpans = report.diagnostics.map((d) => d.span);
  // Findings first: where one and a parse error start at one place (a `when`
  // block with no condition also lacks its `{`), the finding says more, and
  // the first of a line is the one kept.
  for (const finding of findings) reportFinding(report, finding, lexicalSpans, tokens, text);
  for (const error of parseErrors) reportParseError(report, tokens, error, lexicalSpans);
  for (const span of tooDeep) reportTooDeep(report, span);
  checkVersion(report, file, tokens);
  for (const item of cst.children.item ?? []) {
    const profile = item.children.profileHeader?.[0];
    if (profile) checkRepeatedProfileClauses(report, profile);
  }

  return { file, diagnostics: onePerLine(sortDiagnostics(report.diagnostics), new SourceText(path, text)) };
}

class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly path: string) {}

  error(code: string, span: Span, message: string, extra: Pick<Diagnostic, "help" | "fix"> = {}): void {
    this.diagnostics.push({ code, severity: "error", file: this.path, span, message, ...extra });
  }

  warning(code: string, span: Span, message: string, extra: Pick<Diagnostic, "help" | "fix"> = {}): void {
    this.diagnostics.push({ code, severity: "warning", file: this.path, span, message, ...extra });
  }

  fix(description: string, span: Span, text: string): Diagnostic["fix"] {
    return { description, file: this.path, span, text };
  }
}

function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.endOffset! + 1 };
}

/** Characters a message must not print as they are: controls, format characters, lone surrogates, unusual spaces. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Z}]/gu;

/** Shows user text in a message: in backticks, shortened, with invisible characters made visible. */
function quote(text: string): string {
  const visible = text.replace(INVISIBLE, (c) => (c === " " ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`));
  const short = visible.length > 40 ? `${visible.slice(0, 37)}...` : visible;
  return `\`${short}\``;
}

// ---------------------------------------------------------------- lexical problems

function reportLexingError(report: Reporter, text: string, error: ILexingError): void {
  const span = { start: error.offset, end: error.offset + error.length };
  const characters = text.slice(span.start, span.end);
  const first = characters.charAt(0);
  const noun = [...characters].length === 1 ? "character" : "characters";
  let help: string | undefined;
  if (first === "&") help = "write `and` to combine conditions";
  else if (first === "|") help = "write `or` to combine conditions";
  else if (first === "'") help = "strings are written in double quotes";
  else if (/\p{L}/u.test(first)) help = "names use the letters A to Z, digits and `_`; other text belongs in a string";
  else if (/[\p{Z}\p{Cf}]/u.test(first)) help = "an invisible or unusual space; replace it with a plain space";
  report.error("DEID1002", span, `unexpected ${noun} ${quote(characters)}`, help === undefined ? {} : { help });
}

function retype(token: IToken, type: TokenType, image = token.image): IToken {
  return { ...token, image, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
}

/** What is wrong with a tag-like text the lexer could not read as a tag. */
function describeMalformedTag(image: string): string {
  const inner = image.slice(1, -1);
  const isPrivate = inner.includes('"');
  const group = inner.slice(0, inner.indexOf(",")).trim();
  if (!/^[0-9A-Fa-f]{4}$/.test(group) && !(!isPrivate && /^[0-9A-Fa-fxX]{4}$/.test(group))) {
    return `malformed tag ${quote(image)}: the group must be 4 hexadecimal digits`;
  }
  if (isPrivate) {
    const afterCreator = inner.slice(inner.lastIndexOf('"') + 1).replace(/^\s*,?\s*/, "").trim();
    if (afterCreator === "") return `malformed private tag ${quote(image)}: the element offset is missing`;
    return `malformed private tag ${quote(image)}: the element offset must be 2 hexadecimal digits or \`xx\``;
  }
  const element = inner.slice(inner.indexOf(",") + 1).trim();
  const bad = [...element].find((c) => !/[0-9A-Fa-fxX]/.test(c));
  if (bad !== undefined) return `malformed tag ${quote(image)}: \`${bad}\` is not a hexadecimal digit`;
  return `malformed tag ${quote(image)}: the element must be 4 hexadecimal digits`;
}

/**
 * Reports the tokens that exist only to recognise a mistake and replaces
 * each with the token the author meant, so the parser carries on as if the
 * text were right and the mistake yields exactly one diagnostic.
 */
function repairMistakes(tokens: IToken[], report: Reporter): IToken[] {
  const repaired: IToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    const replacement = repairMistake(token, report, next !== undefined && next.startLine === token.endLine);
    if (replacement !== null) repaired.push(replacement);
  }
  return repaired;
}

/**
 * The token the author meant, or null when the text means nothing to the parser. `codeFollows`: more
 * code comes after the token on its last line.
 */
function repairMistake(token: IToken, report: Reporter, codeFollows: boolean): IToken | null {
  const span = tokenSpan(token);
  switch (token.tokenType) {
    case T.HashComment: {
      const hash = { start: span.start, end: span.start + 1 };
      report.error("DEID1002", hash, "unexpected character `#`", {
        help: "comments start with `//`",
        fix: report.fix("write `//`", hash, "//"),
      });
      return null;
    }
    case T.BlockComment: {
      // Each line of the comment becomes a `//` comment, at the same place; not when code follows on its
      // last line, which a `//` comment would swallow (`A /* x */ or B` would lose `or B`).
      if (codeFollows) {
        report.error("DEID1002", span, "`/* ... */` is not a comment in .deid", {
          help: "comments run from `//` to the end of the line: move this one after the code on its line, or onto a line of its own",
        });
        return null;
      }
      const lines = token.image.slice(2, -2).replace(/^[ \t]/, "").replace(/[ \t]+$/, "").split(/\r?\n/);
      report.error("DEID1002", span, "`/* ... */` is not a comment in .deid", {
        help: "comments run from `//` to the end of the line",
        fix: report.fix("write `//` comments", span, lines.map((l) => `// ${l}`.trimEnd()).join("\n")),
      });
      return null;
    }
    case T.CurlyQuotedString: {
      const straight = `"${token.image.slice(1, -1).replace(/\\/g, "\\\\")}"`;
      report.error("DEID1004", span, `strings are written in straight double quotes, found \`${token.image}\``, {
        help: "a word processor or a web page may have turned `\"` into curly quotes; write rule files in a plain-text editor",
        fix: report.fix("use straight double quotes", span, straight),
      });
      // Read as the author's text between straight quotes (the same length: the offsets still fit).
      return retype(token, T.StringLiteral, `"${token.image.slice(1, -1)}"`);
    }
    case T.UnterminatedString:
      report.error("DEID1004", span, "unterminated string", { help: 'close the string with `"` on the same line' });
      return retype(token, T.StringLiteral);
    case T.SingleQuotedString:
      report.error("DEID1004", span, `strings are written in double quotes, found ${quote(token.image)}`, {
        fix: report.fix("use double quotes", span, `"${token.image.slice(1, -1).replace(/["\\]/g, (c) => `\\${c}`)}"`),
      });
      return retype(token, T.StringLiteral);
    case T.MalformedTag:
      report.error("DEID1003", span, describeMalformedTag(token.image), {
        help: 'a tag is written `(gggg,eeee)` in hexadecimal, a private tag `(gggg,"CREATOR",ee)`',
      });
      return retype(token, token.image.includes('"') ? T.PrivateTag : T.Tag);
    case T.UnterminatedRegex:
      report.error("DEID1005", span, "unterminated regular expression", { help: "end the pattern with `/`, then any flags" });
      return retype(token, T.RegexLiteral);
    case T.BadActionCode: {
      const suggestion = compoundCodeFor(token.image);
      report.error(
        "DEID1002",
        span,
        `\`${token.image}\` is not an action code${suggestion === null ? "" : `: did you mean \`${suggestion}\`?`}`,
        {
          help:
            "PS3.15 Table E.1-1a's compound codes are `Z/D`, `X/Z`, `X/D`, `X/Z/D` and `X/Z/U*` (the executor picks the action the attribute's Type allows), " +
            "and `ps315.basic` already gives each attribute of Table E.1-1 the table's code; to decide yourself, write one action: " +
            "`remove` (X), `empty` (Z), `dummy` (D), `clean` (C), `uid` (U) or `keep` (K)",
          ...(suggestion === null ? {} : { fix: report.fix(`write \`${suggestion}\``, span, suggestion) }),
        },
      );
      // Read as an action code, which lowering refuses: the rule is dropped, the parse goes on.
      return retype(token, T.ActionCode);
    }
    case T.FatArrow:
      report.error("DEID1002", span, "expected `->`, found `=>`", { fix: report.fix("write `->`", span, "->") });
      return retype(token, T.Arrow);
    case T.AmpAmp:
      report.error("DEID1002", span, "expected `and`, found `&&`", { fix: report.fix("write `and`", span, "and") });
      return retype(token, T.And);
    case T.PipePipe:
      report.error("DEID1002", span, "expected `or`, found `||`", { fix: report.fix("write `or`", span, "or") });
      return retype(token, T.Or);
    case T.Bang:
      report.error("DEID1002", span, "expected `not`, found `!`", {
        help: "`!` is only part of `!=` and `!~`",
        fix: report.fix("write `not `", span, "not "),
      });
      return retype(token, T.Not);
    default:
      return token;
  }
}

/**
 * The action code whose parts are those of `written` (`D/X` is `X/D`,
 * `X/Z/U` is `X/Z/U*`, `X/X` is `X`), or null when the parts form none.
 */
function compoundCodeFor(written: string): string | null {
  const parts = new Set(written.replace("*", "").split("/"));
  if (parts.size === 1) return [...parts][0]!;
  for (const code of T.COMPOUND_ACTION_CODES) {
    const codeParts = code.replace("*", "").split("/");
    if (codeParts.length === parts.size && codeParts.every((p) => parts.has(p))) return code;
  }
  return null;
}

const OPENING: ReadonlySet<TokenType> = new Set([T.LParen, T.LBracket, T.LBrace]);
const CLOSING: ReadonlySet<TokenType> = new Set([T.RParen, T.RBracket, T.RBrace]);

/**
 * Keeps the parser's recursion within the stack, whatever the input. Two
 * things nest: brackets, and `else` actions in one rule (`lookup(...) else
 * lookup(...) else ...`). Past MAX_NESTING the excess is dropped (for `else`,
 * the rest of its line) and reported once; the parse then goes on as usual.
 */
function limitNesting(tokens: IToken[], report: Reporter): IToken[] {
  let brackets = 0;
  let elsesInRule = 0;
  let droppedLine = -1;
  let reported = false;
  const kept: IToken[] = [];
  const tooDeep = (token: IToken, what: string, help: string) => {
    if (reported) return;
    reported = true;
    report.error("DEID1001", tokenSpan(token), `${what} nested more than ${MAX_NESTING} deep`, { help });
  };
  for (const token of tokens) {
    const type = token.tokenType;
    if (token.startLine === droppedLine) continue;
    if (type === T.Arrow) elsesInRule = 0;
    if (type === T.Else && ++elsesInRule > MAX_NESTING) {
      tooDeep(token, "`else` actions", "merge the lookup tables, so fewer fallbacks are needed");
      droppedLine = token.startLine!;
      continue;
    }
    if (OPENING.has(type)) brackets++;
    const tooDeepHere = brackets > MAX_NESTING;
    if (CLOSING.has(type) && brackets > 0) brackets--;
    if (tooDeepHere) tooDeep(token, "brackets", "split the expression into `let` declarations");
    else kept.push(token);
  }
  return kept;
}

function checkStringEscapes(tokens: IToken[], report: Reporter): void {
  for (const token of tokens) {
    let raw: string;
    let base: number;
    if (token.tokenType === T.StringLiteral) {
      raw = token.image;
      base = token.startOffset;
    } else if (token.tokenType === T.PrivateTag) {
      const open = token.image.indexOf('"');
      if (open < 0) continue;
      raw = token.image.slice(open);
      base = token.startOffset + open;
    } else continue;
    for (const problem of decodeStringLiteral(raw).problems) {
      report.error("DEID1004", { start: base + problem.offset, end: base + problem.offset + problem.length }, problem.message, {
        help: 'the escapes are `\\"`, `\\\\`, `\\n`, `\\t` and `\\u{HEX}`',
      });
    }
  }
}

// ---------------------------------------------------------------- parse errors

/** The last token before `token` in the vector (tokens are sorted by offset); null at the start. */
function tokenBefore(tokens: readonly IToken[], token: IToken): IToken | null {
  if (tokenMatcher(token, EOF) || Number.isNaN(token.startOffset)) return tokens[tokens.length - 1] ?? null;
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < token.startOffset) lo = mid + 1;
    else hi = mid;
  }
  return tokens[lo - 1] ?? null;
}

function describeFound(token: IToken): string {
  return tokenMatcher(token, EOF) ? "the end of the file" : quote(token.image);
}

function helpFor(message: string, found: IToken): string | undefined {
  if (message === EXPECTED_ARROW) return "a rule is written `selector -> action`, as in `PatientName -> remove`";
  if (message.startsWith("expected a name") && T.keywordTokens.includes(found.tokenType)) {
    return `\`${found.image}\` is a reserved word; choose another name`;
  }
  if (message.startsWith("expected a VR") && (T.VR_CODES as readonly string[]).includes(found.image.toUpperCase())) {
    return `VR names are upper case: \`${found.image.toUpperCase()}\``;
  }
  if (message === "expected `=`" && tokenMatcher(found, T.EqualEqual)) return "a declaration gives its value with a single `=`";
  if (tokenMatcher(found, T.ActionCode) && !message.includes("action")) {
    return `\`${found.image}\` is an action code, reserved; names have more than one letter`;
  }
  return undefined;
}

/** Actions that are no value, so none of them can follow `set`, `create` or `append`. */
const ACTION_KEYWORDS: readonly TokenType[] = [T.Shift, T.Coarsen, T.Replace, T.Keep, T.Remove, T.Empty, T.Dummy, T.Clean, T.Uid];

/**
 * `create shift(...)`, `set keep`: the verbs take a value (an expression) or a `lookup(...)`, and
 * `shift`, `keep`, ... are actions of their own.
 */
function valueAfterVerbHelp(message: string, previous: IToken, found: IToken): string | undefined {
  if (!message.startsWith("expected a value")) return undefined;
  if (!tokenMatcher(previous, T.Create) && !tokenMatcher(previous, T.Set) && !tokenMatcher(previous, T.Append)) return undefined;
  if (!ACTION_KEYWORDS.some((k) => tokenMatcher(found, k))) return undefined;
  const verb = previous.image;
  return `\`${verb}\` takes a value (text, an attribute, a \`let\` or \`param\`, or a function such as \`hash(...)\` or \`format(...)\`) or a \`lookup(...)\`; \`${found.image}${tokenMatcher(found, T.Shift) || tokenMatcher(found, T.Coarsen) || tokenMatcher(found, T.Replace) ? "(...)" : ""}\` is an action of its own, written without \`${verb}\`${verb === "create" ? `, and changes only an attribute the object has` : ""}`;
}

function reportParseError(report: Reporter, tokens: readonly IToken[], error: IRecognitionException, lexicalSpans: Span[]): void {
  const found = error.token;
  const previous = tokenBefore(tokens, found);
  const previousEnd = previous === null ? 0 : previous.endOffset! + 1;
  const previousStart = previous === null ? 0 : previous.startOffset;
  const foundStart = tokenMatcher(found, EOF) || Number.isNaN(found.startOffset) ? Infinity : found.startOffset;
  // The parser tripped over a lexical error (in the previous token or in the gap
  // before the found one): that error already says what is wrong.
  if (lexicalSpans.some((s) => s.end > previousStart && s.start <= foundStart)) return;
  // When what was found starts a later line, the mistake is at the end of the previous one.
  const atEndOfPrevious = foundStart === Infinity || (previous !== null && found.startLine! > previous.endLine!);
  const span = atEndOfPrevious ? { start: previousEnd, end: previousEnd } : tokenSpan(found);
  if (error.message === EXPECTED_ARROW && previous !== null && previous.image === "base" && tokenMatcher(found, T.On)) {
    const base = tokenSpan(previous);
    report.error("DEID1001", base, "expected `based on`, found `base on`", { help: "did you mean `based on`?", fix: report.fix("write `based`", base, "based") });
    return;
  }
  const help = helpFor(error.message, found) ?? (previous !== null ? valueAfterVerbHelp(error.message, previous, found) : undefined);
  report.error("DEID1001", span, `${error.message}, found ${describeFound(found)}`, help === undefined ? {} : { help });
}

function reportFinding(report: Reporter, finding: ParseFinding, lexicalSpans: Span[], tokens: readonly IToken[], text: string): void {
  const span = tokenSpan(finding.token);
  // A token already reported as a lexical mistake (`'abc'`) needs no second diagnostic.
  if (lexicalSpans.some((s) => s.start < span.end && s.end > span.start)) return;
  if (finding.kind === "missing-condition") {
    reportMissingCondition(report, finding);
    return;
  }
  if (finding.kind === "late-condition") {
    reportLateCondition(report, finding, tokens, text);
    return;
  }
  if (finding.kind === "assignment-in-condition") {
    report.error("DEID1001", span, "expected a comparison operator, found `=`", {
      help: "use `==` to compare; `=` only gives a `let` or a `param` its value",
      fix: report.fix("write `==`", span, "=="),
    });
    return;
  }
  const token = finding.token;
  if (tokenMatcher(token, T.Deid)) {
    report.error("DEID1001", span, "the `deid` line must be the first line of the file, and the only one");
  } else if (tokenMatcher(token, T.RBrace)) {
    report.error("DEID1001", span, "unmatched `}`");
  } else if (finding.context === "option") {
    report.error("DEID1001", span, `expected a rule, a filter or a pixel block, found ${describeFound(token)}`, {
      help: "an option holds rules, filters and pixel blocks; declarations go at the top level",
    });
  } else if (!reportShortTag(report, span, text)) {
    report.error("DEID1001", span, `expected a rule or a declaration, found ${describeFound(token)}`);
  }
}

/**
 * `(10,10) -> remove` where a statement starts: a tag written without its leading zeros. The lexer
 * cannot call it a tag (pixel corners are written `(10,10)`), but a statement cannot start with one.
 */
function reportShortTag(report: Reporter, span: Span, text: string): boolean {
  const m = /^\(\s*([0-9A-Fa-fxX]{1,4})\s*,\s*([0-9A-Fa-fxX]{1,4})\s*\)/.exec(text.slice(span.start));
  if (m === null) return false;
  const tag = { start: span.start, end: span.start + m[0].length };
  const padded = `(${m[1]!.padStart(4, "0").toUpperCase()},${m[2]!.padStart(4, "0").toUpperCase()})`;
  report.error("DEID1003", tag, `malformed tag ${quote(m[0])}: the group and the element are 4 hexadecimal digits each`, {
    help: `a tag is written \`(gggg,eeee)\` in hexadecimal: did you mean \`${padded}\`?`,
    fix: report.fix(`write \`${padded}\``, tag, padded),
  });
  return true;
}

/** An expression lowering refused (src/syntax/lower.ts, MAX_EXPRESSION_DEPTH); its statement was dropped. */
function reportTooDeep(report: Reporter, span: Span): void {
  report.error("DEID1001", span, `expression nested more than ${MAX_EXPRESSION_DEPTH} deep`, {
    help: "each `not`, `+`, bracket and call nests one level (a chain of `and` or `or` barely counts): split the expression into `let` declarations",
  });
}

/** `when` (or `any where`) with nothing after it, or with the end of its line and a rule on the next. */
function reportMissingCondition(report: Reporter, { token: keyword, found, block }: Extract<ParseFinding, { kind: "missing-condition" }>): void {
  const atEnd = tokenMatcher(found, EOF) || found.startLine! > keyword.endLine!;
  const end = keyword.endOffset! + 1;
  const span = atEnd ? { start: end, end } : tokenSpan(found);
  const what = tokenMatcher(found, EOF) ? "the end of the file" : atEnd ? "the end of the line" : describeFound(found);
  if (keyword.image === "where") {
    report.error("DEID1001", span, `expected a condition after \`any where\`, found ${what}`, {
      help: "write the test after `any where`, as in `any where value == PatientName`",
    });
    return;
  }
  report.error("DEID1001", span, `expected a condition after \`when\`, found ${what}`, {
    help: block
      ? 'write the condition between `when` and `{`, as in `when Modality == "US" {`'
      : 'write the condition after `when`, as in `when Modality == "US"`, or leave `when` out for a statement that always applies',
  });
}

/** `A -> X because "r" when B` (a fix puts the condition first), or a second `when`. */
function reportLateCondition(report: Reporter, finding: Extract<ParseFinding, { kind: "late-condition" }>, tokens: readonly IToken[], text: string): void {
  const when = finding.token;
  const span = tokenSpan(when);
  if (finding.earlier || finding.because === undefined) {
    report.error("DEID1001", span, "a second `when`: a statement has one condition", {
      help: "join the conditions with `and`, as in `when A and B`, with brackets around a condition that holds `or`",
    });
    return;
  }
  const reasonEnd = tokenBefore(tokens, when)!.endOffset! + 1;
  const condition = text.slice(when.startOffset, finding.last.endOffset! + 1);
  const reason = text.slice(finding.because.startOffset, reasonEnd);
  report.error("DEID1001", span, "`when` must come before `because`", {
    help: 'a statement is written `... when <condition> because "<reason>"`',
    fix: report.fix("put the condition before `because`", { start: finding.because.startOffset, end: finding.last.endOffset! + 1 }, `${condition} ${reason}`),
  });
}

// ---------------------------------------------------------------- file-level checks

function checkVersion(report: Reporter, file: DeidFile, tokens: readonly IToken[]): void {
  if (file.version !== null) {
    if (file.version.value !== LANGUAGE_VERSION) {
      report.error("DEID1007", file.version.span, `unsupported language version \`${file.version.value}\``, {
        help: `this deidc reads version ${LANGUAGE_VERSION}: start the file with \`deid ${LANGUAGE_VERSION}\``,
      });
    }
    return;
  }
  // A `deid` line that did not parse has its own syntax error.
  const first = tokens[0];
  if (first !== undefined && tokenMatcher(first, T.Deid)) return;
  report.warning("DEID1006", { start: 0, end: 0 }, "the file has no `deid 1` line", {
    help: "start the file with `deid 1`, the language version it is written in",
    fix: report.fix("add `deid 1`", { start: 0, end: 0 }, `deid ${LANGUAGE_VERSION}\n`),
  });
}

/** The grammar allows profile clauses in any order; each may still appear only once. */
function checkRepeatedProfileClauses(report: Reporter, profile: ProfileHeaderCstNode): void {
  const clauses: [string, IToken[] | undefined][] = [
    ["based on", profile.children.Based],
    ["code", profile.children.Code],
    ["release", profile.children.Release],
  ];
  for (const [clause, keywords] of clauses) {
    const repeated = keywords?.[1];
    if (repeated !== undefined && !Number.isNaN(repeated.startOffset)) {
      const help = clause === "based on" ? "a profile extends one profile; options are switched on with `with`" : "keep one";
      report.error("DEID1001", tokenSpan(repeated), `the profile has more than one \`${clause}\``, { help });
    }
  }
}

/**
 * Keeps the first syntax error of each line: after a mistake, recovery often
 * trips again on the same line, and those follow-on errors only add noise.
 * Lexical errors and warnings are precise and are all kept.
 */
function onePerLine(sorted: Diagnostic[], source: SourceText): Diagnostic[] {
  const linesWithSyntaxError = new Set<number>();
  const seen = new Set<string>();
  const kept: Diagnostic[] = [];
  for (const d of sorted) {
    const key = `${d.code}:${d.span.start}:${d.span.end}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (d.code === "DEID1001") {
      const line = source.position(d.span.start).line;
      if (linesWithSyntaxError.has(line)) continue;
      linesWithSyntaxError.add(line);
    }
    kept.push(d);
  }
  return kept;
}
