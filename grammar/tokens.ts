// The tokens of the .deid language (docs/language.md, "Lexical structure").
//
// The order of `allTokens` is the order the lexer tries the patterns in, so it
// matters: longer punctuation before its prefixes, context-sensitive patterns
// (tags, regular expressions) before the plain punctuation they start with,
// and keywords before the names they would otherwise be lexed as.
//
// Some tokens exist only to recognise a common mistake precisely (an
// unterminated string, a malformed tag, `&&`). They never reach the parser:
// src/syntax/parse.ts reports them and replaces each by the token the author
// meant, so one mistake gives one diagnostic and parsing goes on.

import { createToken, Lexer, type CustomPatternMatcherReturn, type ILexingResult, type IToken, type TokenType } from "chevrotain";

// ---------------------------------------------------------------- trivia

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** Kept in their own group so the formatter can put them back. */
export const Comment = createToken({
  name: "Comment",
  pattern: /\/\/[^\r\n]*/,
  group: "comments",
  line_breaks: false,
});

/** `# text`, a comment from other languages; reported, then dropped. */
export const HashComment = createToken({
  name: "HashComment",
  pattern: /#[^\r\n]*/,
  line_breaks: false,
  label: "a `#` comment",
});

/**
 * A block comment of C-like languages (slash-star text star-slash); reported, then dropped. Only
 * with white space after the opening slash-star: a path may start with a slash and a star step
 * (slash-star-slash PatientID, slash-star-star-slash PersonName).
 */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*(?=[ \t\r\n])[\s\S]*?\*\//,
  line_breaks: true,
  label: "a block comment",
});

// ---------------------------------------------------------------- names

// Declared before the keywords, which refer to them through `longer_alt`:
// `keeper` and `keep-protocol` are names, not the keyword `keep`.
export const QualifiedName = createToken({
  name: "QualifiedName",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:[.-][A-Za-z_][A-Za-z0-9_]*)+/,
  label: "a qualified name",
});

export const Name = createToken({
  name: "Name",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: "a name",
});

const wordAlternatives = [QualifiedName, Name];

function keyword(word: string): TokenType {
  return createToken({
    name: word.charAt(0).toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: wordAlternatives,
    label: `\`${word}\``,
  });
}

export const Deid = keyword("deid");
export const Profile = keyword("profile");
export const Option = keyword("option");
export const Based = keyword("based");
export const On = keyword("on");
export const With = keyword("with");
export const Code = keyword("code");
export const Release = keyword("release");
export const Import = keyword("import");
export const Secret = keyword("secret");
export const From = keyword("from");
export const Env = keyword("env");
export const File = keyword("file");
export const Param = keyword("param");
export const Let = keyword("let");
export const Vr = keyword("vr");
export const Private = keyword("private");
export const Reject = keyword("reject");
export const Accept = keyword("accept");
export const Skip = keyword("skip");
export const Quarantine = keyword("quarantine");
export const Pixels = keyword("pixels");
export const Blank = keyword("blank");
export const Frames = keyword("frames");
export const Fill = keyword("fill");
export const When = keyword("when");
export const Because = keyword("because");
export const And = keyword("and");
export const Or = keyword("or");
export const Not = keyword("not");
export const In = keyword("in");
export const Contains = keyword("contains");
export const Keep = keyword("keep");
export const Remove = keyword("remove");
export const Empty = keyword("empty");
export const Dummy = keyword("dummy");
export const Clean = keyword("clean");
export const Uid = keyword("uid");
export const Shift = keyword("shift");
export const Lookup = keyword("lookup");
export const Else = keyword("else");
export const Coarsen = keyword("coarsen");
export const Replace = keyword("replace");
export const Set = keyword("set");
export const Create = keyword("create");
export const Append = keyword("append");

export const keywordTokens: readonly TokenType[] = [
  Deid, Profile, Option, Based, On, With, Code, Release, Import, Secret, From, Env, File, Param, Let,
  Vr, Private, Reject, Accept, Skip, Quarantine, Pixels, Blank, Frames, Fill, When, Because, And, Or, Not, In,
  Contains, Keep, Remove, Empty, Dummy, Clean, Uid, Shift, Lookup, Else, Coarsen, Replace, Set, Create, Append,
];

/**
 * Words that mean something only in a `pixels` declaration or block
 * (`pixels apply first`, `pixels complete`, `blank all`, `blank from (...)
 * to (...)`, `keep ultrasound regions`) or at the start of a selector
 * (`keyword /Date$/`, `any where ...`). They are in the category of names,
 * so everywhere a name is expected they are one: `let first = ...` and a
 * `param all: bool` stay valid, and no profile written before these words
 * existed changes meaning.
 */
function contextualWord(word: string): TokenType {
  return createToken({
    name: word.charAt(0).toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: wordAlternatives,
    categories: [Name],
    label: `\`${word}\``,
  });
}

export const Apply = contextualWord("apply");
export const First = contextualWord("first");
export const All = contextualWord("all");
export const Complete = contextualWord("complete");
export const To = contextualWord("to");
export const Ultrasound = contextualWord("ultrasound");
export const Regions = contextualWord("regions");

export const KeywordWord = contextualWord("keyword");
export const AnyWord = contextualWord("any");
export const Where = contextualWord("where");

export const contextualWordTokens: readonly TokenType[] = [Apply, First, All, Complete, To, Ultrasound, Regions, KeywordWord, AnyWord, Where];

/**
 * The 34 value representations of PS3.5 Table 6.2-1. The same list lives in
 * src/dicom/vr.ts; it is repeated here because the grammar depends on
 * nothing else, and a test keeps the two equal.
 */
export const VR_CODES = [
  "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV",
  "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
] as const;

export const VrCode = createToken({
  name: "VrCode",
  pattern: new RegExp(VR_CODES.join("|")),
  longer_alt: wordAlternatives,
  label: "a VR such as `DA`",
});

/**
 * PS3.15 Table E.1-1a action codes. Compound codes are tried first; a code
 * directly followed by a name character is a name (`Xray`, `K9`).
 */
export const ActionCode = createToken({
  name: "ActionCode",
  pattern: /X\/Z\/U\*|X\/Z\/D|X\/Z|X\/D|Z\/D|[DZXKCU]/,
  longer_alt: wordAlternatives,
  label: "an action code",
});

/** The compound codes of PS3.15 Table E.1-1a, as ActionCode reads them. */
export const COMPOUND_ACTION_CODES = ["Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"] as const;

const CODE_SEQUENCE = /[DZXKCU](?:\/[DZXKCU])+\*?(?![A-Za-z0-9_])/y;

/**
 * Action codes joined with `/` that are not one of the compound codes
 * (`D/X`, `Z/X`, `X/Z/U` without its `*`, `K/C`): reported, then read as an
 * action code that lowering refuses. Without it `D/X` would lex as `D` and
 * a path `/X`, and the error would be about a path.
 */
export const BadActionCode = createToken({
  name: "BadActionCode",
  pattern: (text: string, offset: number): CustomPatternMatcherReturn | null => {
    CODE_SEQUENCE.lastIndex = offset;
    const match = CODE_SEQUENCE.exec(text);
    if (match === null || (COMPOUND_ACTION_CODES as readonly string[]).includes(match[0])) return null;
    return [match[0]];
  },
  start_chars_hint: ["D", "Z", "X", "K", "C", "U"],
  line_breaks: false,
  label: "an action code",
});

// ---------------------------------------------------------------- literals

export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: "a string",
});

/** A string with no closing quote on its line; reported, then read as a string. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n]?)*/,
  label: "an unterminated string",
});

/** `'text'`: reported (strings are double-quoted), then read as a string. */
export const SingleQuotedString = createToken({
  name: "SingleQuotedString",
  pattern: /'[^'\r\n]*'/,
  label: "a single-quoted string",
});

/** `“text”` or `‘text’`, typographic quotes a word processor put in: reported, then read as a string. */
export const CurlyQuotedString = createToken({
  name: "CurlyQuotedString",
  pattern: /[\u201C\u201D\u201E\u2018\u2019][^\u201C\u201D\u201E\u2018\u2019"\r\n]*[\u201C\u201D\u2018\u2019]/,
  label: "a string in curly quotes",
});

/** A leading `-` belongs to the number; `->` is not a number because a digit must follow. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /-?[0-9]+(?:\.[0-9]+)?/,
  label: "a number",
});

// ---------------------------------------------------------------- tags

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * A parenthesis that directly follows a name character opens an argument
 * list (`hash(dead,beef)`), never a tag; tags are always preceded by a space,
 * an operator or the start of the file.
 */
function followsNameCharacter(text: string, offset: number): boolean {
  return offset > 0 && NAME_CHAR.test(text.charAt(offset - 1));
}

/**
 * After `from`, `to` (corners of a pixel rectangle) and `fill` (a colour) a
 * parenthesis opens a list of decimal numbers: `from (1000, 2000)` is a
 * point, never the tag (1000,2000).
 */
function opensNumbers(tokens: IToken[]): boolean {
  const last = tokens[tokens.length - 1]?.tokenType;
  return last === From || last === To || last === Fill;
}

function stickyMatcher(pattern: RegExp) {
  const sticky = new RegExp(pattern.source, "y");
  return (text: string, offset: number, tokens: IToken[]): CustomPatternMatcherReturn | null => {
    if (followsNameCharacter(text, offset) || opensNumbers(tokens)) return null;
    sticky.lastIndex = offset;
    const match = sticky.exec(text);
    return match ? [match[0]] : null;
  };
}

const SPACES = "[ \\t]*";
/** A hex digit, or a wildcard: `x` any digit, `@` an even one, `#` an odd one (DicomEdit's notation). */
const TAG_DIGIT = "[0-9A-Fa-fxX@#]";
const STRING_BODY = '"(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n])*"';

/** `(gggg,"CREATOR",ee)` or `(gggg,"CREATOR",xx)`, PS3.15 E.3.10 notation. */
export const PrivateTag = createToken({
  name: "PrivateTag",
  pattern: stickyMatcher(
    new RegExp(`\\(${SPACES}[0-9A-Fa-f]{4}${SPACES},${SPACES}${STRING_BODY}${SPACES},${SPACES}(?:[0-9A-Fa-f]{2}|[xX]{2})${SPACES}\\)`),
  ),
  start_chars_hint: ["("],
  line_breaks: false,
  label: "a private tag",
});

/** `(gggg,eeee)`; `x`, `@` and `#` are wildcard digits: `(60xx,4000)`, `(50@x,xxxx)`. */
export const Tag = createToken({
  name: "Tag",
  pattern: stickyMatcher(new RegExp(`\\(${SPACES}${TAG_DIGIT}{4}${SPACES},${SPACES}${TAG_DIGIT}{4}${SPACES}\\)`)),
  start_chars_hint: ["("],
  line_breaks: false,
  label: "a tag",
});

/**
 * Something that is clearly meant as a tag but is not one: `(0010,001G)`,
 * `(001,0010)`, `(0029,"CREATOR")`. A group starting with a digit and at least
 * three characters long keeps short argument lists such as `(0, 0)` out.
 */
export const MalformedTag = createToken({
  name: "MalformedTag",
  pattern: stickyMatcher(
    new RegExp(
      `\\(${SPACES}(?:[0-9][0-9A-Za-z]{2,}${SPACES},${SPACES}[0-9A-Za-z]{2,}` +
        `|[0-9A-Za-z]+${SPACES},${SPACES}${STRING_BODY}(?:${SPACES},${SPACES}[0-9A-Za-z]*)?)${SPACES}\\)`,
    ),
  ),
  start_chars_hint: ["("],
  line_breaks: false,
  label: "a malformed tag",
});

// ---------------------------------------------------------------- regular expressions

export const Tilde = createToken({ name: "Tilde", pattern: "~", label: "`~`" });
export const NotTilde = createToken({ name: "NotTilde", pattern: "!~", label: "`!~`" });
export const LParen = createToken({ name: "LParen", pattern: "(", label: "`(`" });

/**
 * A regular expression may only be written after `~`, `!~`, `keyword`, as the
 * first argument of `replace(` or as a later argument of `matches(`;
 * everywhere else `/` is the path separator.
 */
function regexAllowedAfter(tokens: IToken[]): boolean {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return false;
  if (last.tokenType === Tilde || last.tokenType === NotTilde) return true;
  if (last.tokenType === Comma) return isArgumentOf(tokens, "matches");
  // `keyword /Date$/`: the selector of every standard attribute whose keyword matches.
  if (last.tokenType === KeywordWord) return true;
  return last.tokenType === LParen && tokens[tokens.length - 2]?.tokenType === Replace;
}

/** Is the last token (a comma) directly inside the argument list of a call to `callee`? */
function isArgumentOf(tokens: IToken[], callee: string): boolean {
  let depth = 0;
  for (let i = tokens.length - 2; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (type === RParen || type === RBracket) depth++;
    else if (type === LParen || type === LBracket) {
      if (depth === 0) return type === LParen && tokens[i - 1]?.tokenType === Name && tokens[i - 1]!.image === callee;
      depth--;
    }
  }
  return false;
}

const REGEX_BODY = /\/(?:[^/\\\r\n[]|\\[^\r\n]|\[(?:[^\]\\\r\n]|\\[^\r\n])*\])+\/[A-Za-z]*/y;
const REST_OF_LINE = /\/[^\r\n]*/y;

function regexMatcher(body: RegExp) {
  return (text: string, offset: number, tokens: IToken[]): CustomPatternMatcherReturn | null => {
    if (!regexAllowedAfter(tokens)) return null;
    body.lastIndex = offset;
    const match = body.exec(text);
    return match ? [match[0]] : null;
  };
}

/** `/pattern/flags`; the flags are validated when the file is parsed. */
export const RegexLiteral = createToken({
  name: "RegexLiteral",
  pattern: regexMatcher(REGEX_BODY),
  start_chars_hint: ["/"],
  line_breaks: false,
  label: "a regular expression",
});

/** A regular expression with no closing `/` on its line; takes the rest of the line. */
export const UnterminatedRegex = createToken({
  name: "UnterminatedRegex",
  pattern: regexMatcher(REST_OF_LINE),
  start_chars_hint: ["/"],
  line_breaks: false,
  label: "an unterminated regular expression",
});

// ---------------------------------------------------------------- punctuation and operators

export const Arrow = createToken({ name: "Arrow", pattern: "->", label: "`->`" });
/** `=>` written for `->`; reported, then read as `->`. */
export const FatArrow = createToken({ name: "FatArrow", pattern: "=>", label: "`=>`" });
export const DotDot = createToken({ name: "DotDot", pattern: "..", label: "`..`" });
export const DoubleStar = createToken({ name: "DoubleStar", pattern: "**", label: "`**`" });
export const EqualEqual = createToken({ name: "EqualEqual", pattern: "==", label: "`==`" });
export const NotEqual = createToken({ name: "NotEqual", pattern: "!=", label: "`!=`" });
export const LessEqual = createToken({ name: "LessEqual", pattern: "<=", label: "`<=`" });
export const GreaterEqual = createToken({ name: "GreaterEqual", pattern: ">=", label: "`>=`" });
/** `&&`, `||` and `!` from other languages; reported, then read as `and`, `or`, `not`. */
export const AmpAmp = createToken({ name: "AmpAmp", pattern: "&&", label: "`&&`" });
export const PipePipe = createToken({ name: "PipePipe", pattern: "||", label: "`||`" });
export const Bang = createToken({ name: "Bang", pattern: "!", label: "`!`" });
export const Star = createToken({ name: "Star", pattern: "*", label: "`*`" });
export const Slash = createToken({ name: "Slash", pattern: "/", label: "`/`" });
export const LBracket = createToken({ name: "LBracket", pattern: "[", label: "`[`" });
export const RBracket = createToken({ name: "RBracket", pattern: "]", label: "`]`" });
export const LBrace = createToken({ name: "LBrace", pattern: "{", label: "`{`" });
export const RBrace = createToken({ name: "RBrace", pattern: "}", label: "`}`" });
export const RParen = createToken({ name: "RParen", pattern: ")", label: "`)`" });
export const Comma = createToken({ name: "Comma", pattern: ",", label: "`,`" });
export const Colon = createToken({ name: "Colon", pattern: ":", label: "`:`" });
export const Less = createToken({ name: "Less", pattern: "<", label: "`<`" });
export const Greater = createToken({ name: "Greater", pattern: ">", label: "`>`" });
export const Equals = createToken({ name: "Equals", pattern: "=", label: "`=`" });
export const Plus = createToken({ name: "Plus", pattern: "+", label: "`+`" });
/** `Columns - 200` in a pixel rectangle; after NumberLiteral and Arrow, so `-30` and `->` keep their meaning. */
export const Minus = createToken({ name: "Minus", pattern: "-", label: "`-`" });

// ---------------------------------------------------------------- the lexer

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  HashComment,
  BlockComment,
  StringLiteral,
  UnterminatedString,
  SingleQuotedString,
  CurlyQuotedString,
  PrivateTag,
  Tag,
  MalformedTag,
  RegexLiteral,
  UnterminatedRegex,
  NumberLiteral,
  Arrow,
  FatArrow,
  DotDot,
  DoubleStar,
  EqualEqual,
  NotEqual,
  NotTilde,
  LessEqual,
  GreaterEqual,
  AmpAmp,
  PipePipe,
  Bang,
  Star,
  Slash,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  LParen,
  RParen,
  Comma,
  Colon,
  Less,
  Greater,
  Tilde,
  Equals,
  Plus,
  Minus,
  ...keywordTokens,
  ...contextualWordTokens,
  VrCode,
  BadActionCode,
  ActionCode,
  QualifiedName,
  Name,
];

/**
 * Tokens the lexer recognises only to report a mistake; parse.ts replaces each
 * with the token the author meant before parsing.
 */
export const mistakeTokens: readonly TokenType[] = [
  HashComment,
  BlockComment,
  UnterminatedString,
  SingleQuotedString,
  CurlyQuotedString,
  MalformedTag,
  UnterminatedRegex,
  FatArrow,
  AmpAmp,
  PipePipe,
  Bang,
  BadActionCode,
];

/** The tokens the parser sees: every lexer token except trivia and mistakes. */
export const parserTokens: TokenType[] = allTokens.filter(
  (t) => t !== WhiteSpace && t !== Comment && !mistakeTokens.includes(t),
);

/**
 * True only in the bundled CLI (scripts/build.mjs defines the variable as a
 * constant). Chevrotain's checks of the token patterns and of the grammar
 * (ambiguities, left recursion) cost tens of milliseconds at every start; they
 * can only fail on a change to this folder, and the tests, which run from
 * source, keep them on so such a change is still caught.
 */
export const SKIP_GRAMMAR_VALIDATION = process.env.DEIDC_SKIP_GRAMMAR_VALIDATION === "1";

let lexer: Lexer | undefined;

/**
 * The lexer, built on the first `tokenize`: building it analyses every
 * pattern, which commands that never read a rule file (`--help`, `run`) should
 * not pay for.
 */
export const deidLexer = {
  tokenize(text: string): ILexingResult {
    lexer ??= new Lexer(allTokens, {
      ensureOptimizations: true,
      positionTracking: "full",
      skipValidations: SKIP_GRAMMAR_VALIDATION,
    });
    return lexer.tokenize(text);
  },
};
