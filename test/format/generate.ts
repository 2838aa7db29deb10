// A generator of random well-formed .deid files for the formatter's property
// tests. It writes text, not trees, so that the parser sees the spacing,
// line breaks, comments, escapes and spellings a person might use, and the
// formatter must cope with all of them. Seeded, so a failure reproduces.

import { seededRandom as prng } from "../support/random";
export { prng };

/**
 * A piece of output: a token, or a boundary between tokens. `gap` is where
 * whitespace (and so comments and line breaks) may go; `tight` joins tokens
 * that the language writes together (`hash(`, `A/B`, `1..3`).
 */
type Piece = string;
// NUL never occurs in a generated token, so these cannot collide with one.
const GAP = "\u0000gap";
const TIGHT = "\u0000tight";

const KEYWORDS = [
  "PatientName",
  "PatientID",
  "PatientBirthDate",
  "StudyDate",
  "SeriesDate",
  "AccessionNumber",
  "InstitutionName",
  "Modality",
  "ImageType",
  "Manufacturer",
  "OperatorsName",
  "StudyDescription",
  "ReferencedSOPInstanceUID",
];
const SEQUENCES = ["ReferencedImageSequence", "ContentSequence", "OtherPatientIDsSequence"];
const VRS = ["DA", "DT", "TM", "PN", "LO", "SH", "UI", "AE", "CS"];
const CODES = ["D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"];
const WORDS = ["keep", "remove", "empty", "dummy", "clean", "uid"];
const NAMES = ["key", "offset", "site", "cutoff", "salt"];
const QNAMES = ["acme.research", "ps315.basic", "ps315.retain-uids", "trial.export", "site-a.x2", "_local"];
const CREATORS = ["SIEMENS CSA HEADER", "GEMS_ACQU_01", "ACME 1.0", "Q\"uote", "back\\slash"];
const COMMENT_TEXTS = [" note", "", "  indented", " has // slashes", ' "quoted" text', " trailing space  ", " -> looks like code", " { brace", " } brace", "\tTAB"];

export interface GenOptions {
  /** probability of a comment at a gap */
  comments: number;
  /** probability of a line break at a gap */
  breaks: number;
}

export function generateFile(seed: number, options: GenOptions = { comments: 0.08, breaks: 0.15 }): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  let commentNo = 0;

  // ------------------------------------------------------------ literals

  const hexDigit = () => pick("0123456789abcdefABCDEF".split(""));
  const hex = (n: number) => Array.from({ length: n }, hexDigit).join("");
  const tag = (masked: boolean): string => {
    const digits = hex(8).split("");
    if (masked) {
      for (let i = 0; i < 8; i++) if (chance(0.3)) digits[i] = pick(["x", "X"]);
    }
    return `(${digits.slice(0, 4).join("")},${digits.slice(4).join("")})`;
  };
  const privateTag = (): string => {
    const group = pick(["0029", "0019", "0043", "7fe1", "0009"]);
    return `(${group},${quoteRandomly(pick(CREATORS))},${chance(0.3) ? "xx" : hex(2)})`;
  };
  const number = (): string =>
    pick(["0", "1", "12", "-30", "-365", "1.5", "05", "1.50", "800", "113100", String(int(0, 99999))]);
  const natural = (): string => pick(["0", "1", "2", "10", "56", "600", "800", "03"]);

  /** A string value written with a random choice of equivalent escapes. */
  const quoteRandomly = (value: string): string => {
    let out = '"';
    for (const ch of value) {
      const cp = ch.codePointAt(0)!;
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += chance(0.5) ? "\\n" : "\\u{a}";
      else if (ch === "\t") out += chance(0.5) ? "\\t" : "\\u{9}";
      else if (cp < 0x20 || cp === 0x7f || cp === 0x2028) out += `\\u{${cp.toString(16)}}`;
      else if (chance(0.05)) out += `\\u{${cp <= 0xffff && chance(0.5) ? "00" : ""}${cp.toString(16)}}`;
      else out += ch;
    }
    return out + '"';
  };
  const stringValue = (): string =>
    pick([
      "ANON^",
      "",
      "ACME",
      "SCREEN",
      "ids.csv",
      "multi-site harmonisation (IRB 2024-17)",
      'say "hi"',
      "C:\\path\\x",
      "line1\nline2",
      "a\tb",
      "Müller",
      "日本語",
      "emoji 😀",
      "bell\u0007",
      "sep\u2028x",
      "// not a comment",
      "{ braces }",
    ]);
  const string = (): string => quoteRandomly(stringValue());
  const regex = (): string =>
    pick(["/^GE/i", "/[0-9]{6,}/g", "/a\\/b/", "/\\d+/", "/x|y/m", "/ spaced /su"]);

  // ------------------------------------------------------------ expressions

  // Levels, loosest first: 0 or, 1 and, 2 not, 3 compare, 4 sum, 5 primary.
  const expr = (level: number, depth: number): Piece[] => {
    if (depth > 3) return primary(depth);
    const wanted = int(level, 5);
    const inner = exprAt(wanted, depth);
    // Sometimes parentheses the precedence does not need: they must survive.
    return chance(0.1) ? ["(", TIGHT, ...inner, TIGHT, ")"] : inner;
  };
  const exprAt = (level: number, depth: number): Piece[] => {
    switch (level) {
      case 0:
        return [...expr(0, depth + 1), GAP, "or", GAP, ...expr(1, depth + 1)];
      case 1:
        return [...expr(1, depth + 1), GAP, "and", GAP, ...expr(2, depth + 1)];
      case 2:
        return ["not", GAP, ...expr(2, depth + 1)];
      case 3: {
        const op = pick(["==", "!=", "<", "<=", ">", ">=", "in", "contains", "~", "!~"]);
        if (op === "~" || op === "!~") return [...expr(4, depth + 1), GAP, op, GAP, regex()];
        if (op === "in") return [...expr(4, depth + 1), GAP, op, GAP, ...list(depth + 1)];
        return [...expr(4, depth + 1), GAP, op, GAP, ...expr(4, depth + 1)];
      }
      case 4:
        return [...expr(4, depth + 1), GAP, "+", GAP, ...expr(5, depth + 1)];
      default:
        return primary(depth);
    }
  };
  const list = (depth: number): Piece[] => {
    const items = Array.from({ length: int(0, 3) }, () => expr(0, depth + 1));
    return ["[", TIGHT, ...commaList(items), TIGHT, "]"];
  };
  const commaList = (items: Piece[][]): Piece[] => items.flatMap((it, i) => (i === 0 ? it : [TIGHT, ",", GAP, ...it]));
  const call = (depth: number, functions = ["hash", "days", "upper", "lower", "exists", "empty"]): Piece[] => {
    const f = pick(functions);
    const args: Piece[][] =
      f === "hash"
        ? [[pick(NAMES)], expr(0, depth + 1), [natural()]]
        : f === "days"
          ? [[pick(NAMES)], expr(0, depth + 1), [...expr(0, depth + 2), GAP, "..", GAP, ...expr(0, depth + 2)]]
          : [f === "exists" || f === "empty" ? [pick(KEYWORDS)] : expr(0, depth + 1)];
    return [f, TIGHT, "(", TIGHT, ...commaList(args), TIGHT, ")"];
  };
  const primary = (depth: number): Piece[] => {
    switch (int(0, depth > 3 ? 4 : 7)) {
      case 0:
        return [string()];
      case 1:
        return [number()];
      case 2:
        return [pick(KEYWORDS)];
      case 3:
        return [pick(NAMES)];
      case 4:
        return [chance(0.8) ? tag(false) : privateTag()];
      case 5:
        return call(depth);
      case 6:
        return list(depth);
      default:
        return ["(", TIGHT, ...expr(0, depth + 1), TIGHT, ")"];
    }
  };
  /** a value that does not start with an action word (`empty(`): a set action without `set` */
  const value = (depth: number): Piece[] => {
    const functions = ["hash", "days", "upper", "lower", "exists"];
    const parts = [pick<() => Piece[]>([() => [string()], () => [pick(NAMES)], () => call(depth, functions)])()];
    while (chance(0.3)) parts.push([chance(0.5) ? string() : pick(KEYWORDS)]);
    return parts.flatMap((p, i) => (i === 0 ? p : [GAP, "+", GAP, ...p]));
  };

  // ------------------------------------------------------------ statements

  const element = (): Piece[] => {
    switch (int(0, 4)) {
      case 0:
      case 1:
        return [pick(KEYWORDS)];
      case 2:
        return [tag(chance(0.4))];
      case 3:
        return [tag(false), TIGHT, "..", TIGHT, tag(false)];
      default:
        return [privateTag()];
    }
  };
  const path = (): Piece[] => {
    const out: Piece[] = chance(0.15) ? ["/", TIGHT] : [];
    const steps = int(1, 3);
    for (let i = 0; i < steps; i++) {
      if (i > 0) out.push(TIGHT, "/", TIGHT);
      if (i < steps - 1) {
        if (i > 0 && chance(0.3)) out.push(pick(["**", "*"]));
        else out.push(pick(SEQUENCES), ...(chance(0.3) ? [TIGHT, "[", TIGHT, chance(0.5) ? natural() : "*", TIGHT, "]"] : []));
      } else out.push(...element());
    }
    return out;
  };
  const selectors = (): Piece[] => {
    const r = rnd();
    if (r < 0.05) return ["*"];
    if (r < 0.1) return ["private", GAP, "*"];
    if (r < 0.13) return ["keyword", GAP, pick(["/Date$/", "/^Patient/i", "/UID$/"])];
    if (r < 0.16) return ["any", GAP, "where", GAP, ...expr(0, 0)];
    const sels = Array.from({ length: int(1, 3) }, path);
    // A `vr` list only last: after `vr DA,` the next name would read as a VR.
    if (chance(0.2)) sels.push(["vr", GAP, ...commaList(Array.from({ length: int(1, 3) }, () => [pick(VRS)]))]);
    return commaList(sels);
  };
  const action = (depth: number): Piece[] => {
    switch (int(0, 7)) {
      case 0:
        return [pick(CODES)];
      case 1:
        return [pick(WORDS)];
      case 2:
        return ["shift", TIGHT, "(", TIGHT, ...expr(0, 2), TIGHT, ")"];
      case 3: {
        const keys = Array.from({ length: int(1, 2) }, () => expr(0, 2));
        return [...(chance(0.2) ? ["create", GAP] : []), "lookup", TIGHT, "(", TIGHT, ...commaList([[string()], ...keys]), TIGHT, ")", GAP, "else", GAP, ...(chance(0.2) ? ["quarantine"] : action(depth + 1))];
      }
      case 4:
        return ["coarsen", TIGHT, "(", TIGHT, pick(["year", "month"]), TIGHT, ")"];
      case 5:
        return ["replace", TIGHT, "(", TIGHT, regex(), TIGHT, ",", GAP, string(), TIGHT, ")"];
      case 6:
        return [pick(["set", "create", "append"]), GAP, ...(chance(0.2) ? call(2) : value(2))];
      default:
        return value(2);
    }
  };
  const condition = (): Piece[] => [
    ...(chance(0.4) ? [GAP, "when", GAP, ...expr(0, 0)] : []),
    ...(chance(0.3) ? [GAP, "because", GAP, string()] : []),
  ];
  const rule = (): Piece[] => [...selectors(), GAP, "->", GAP, ...action(0), ...condition()];
  const filter = (): Piece[] => [pick(["reject", "quarantine", "accept", "skip"]), ...condition()];
  /** A pixel coordinate: mostly a number, sometimes `Columns - N` written in one of its three ways. */
  const coordinate = (): Piece[] => {
    if (chance(0.75)) return [natural()];
    const edge = pick(["Columns", "Rows"]);
    if (chance(0.2)) return [edge];
    return pick([[edge, GAP, "-", GAP, natural()], [edge, GAP, `-${natural()}`], [edge, TIGHT, `-${natural()}`]]);
  };
  const shape = (): Piece[] => {
    const r = rnd();
    if (r < 0.7) return ["(", TIGHT, ...commaList([coordinate(), coordinate(), coordinate(), coordinate()]), TIGHT, ")"];
    if (r < 0.9) return ["from", GAP, "(", TIGHT, ...commaList([coordinate(), coordinate()]), TIGHT, ")", GAP, "to", GAP, "(", TIGHT, ...commaList([coordinate(), coordinate()]), TIGHT, ")"];
    return ["ultrasound", GAP, "regions"];
  };
  const region = (): Piece[] => {
    const out: Piece[] = chance(0.85) ? ["blank", GAP, ...(chance(0.1) ? ["all"] : shape())] : ["keep", GAP, ...shape()];
    if (chance(0.4)) {
      const ranges = Array.from({ length: int(1, 3) }, () =>
        chance(0.5) ? [natural()] : [natural(), TIGHT, "..", TIGHT, natural()],
      );
      out.push(GAP, "frames", GAP, ...commaList(ranges));
    }
    if (chance(0.3)) out.push(GAP, "fill", GAP, ...(chance(0.8) ? [natural()] : ["(", TIGHT, ...commaList([[natural()], [natural()], [natural()]]), TIGHT, ")"]));
    return out;
  };
  const block = (body: () => Piece[], count: number): Piece[] => {
    const out: Piece[] = [GAP, "{"];
    for (let i = 0; i < count; i++) out.push(GAP, ...body());
    out.push(GAP, "}");
    return out;
  };
  const pixels = (): Piece[] => ["pixels", ...(chance(0.2) ? [GAP, "complete"] : []), ...condition(), ...block(region, int(0, 3))];
  let blockDepth = 0;
  const whenBlock = (): Piece[] => {
    blockDepth++;
    const out = ["when", GAP, ...expr(0, 0), ...block(statement, int(0, 3))];
    blockDepth--;
    return out;
  };
  const statement = (): Piece[] => {
    const r = rnd();
    return r < 0.75 ? rule() : r < 0.85 ? filter() : r < 0.95 || blockDepth >= 2 ? pixels() : whenBlock();
  };
  const option = (): Piece[] => [
    "option",
    GAP,
    pick(QNAMES),
    ...(chance(0.7) ? [GAP, string()] : []),
    ...(chance(0.5) ? [GAP, "code", GAP, pick(["113100", "113110", "1"])] : []),
    ...block(statement, int(0, 4)),
  ];
  const profile = (): Piece[] => {
    const clauses: Piece[][] = [];
    if (chance(0.8)) clauses.push(["based", GAP, "on", GAP, pick(QNAMES)]);
    if (chance(0.7)) clauses.push(["with", GAP, ...commaList(Array.from({ length: int(1, 3) }, () => [pick(QNAMES)]))]);
    if (chance(0.4)) clauses.push(["code", GAP, pick(["113100", "99"])]);
    if (chance(0.4)) clauses.push(["release", GAP, quoteRandomly(pick(["2026c", "2024b"]))]);
    // The author's clause order is free; the formatter fixes one.
    for (let i = clauses.length - 1; i > 0; i--) {
      const j = int(0, i);
      [clauses[i], clauses[j]] = [clauses[j]!, clauses[i]!];
    }
    return ["profile", GAP, pick(QNAMES), ...(chance(0.7) ? [GAP, string()] : []), ...clauses.flatMap((c) => [GAP, ...c])];
  };
  const declaration = (): Piece[] => {
    if (chance(0.05)) return ["pixels", GAP, "apply", GAP, pick(["first", "all"])];
    switch (int(0, 4)) {
      case 0:
        return ["import", GAP, quoteRandomly(pick(["common.deid", "../shared/ids.deid", "a b.deid"]))];
      case 1:
        return chance(0.5)
          ? ["secret", GAP, pick(NAMES), GAP, "from", GAP, "env", GAP, pick(["DEID_KEY", "KEY_2"])]
          : ["secret", GAP, pick(NAMES), GAP, "from", GAP, "file", GAP, quoteRandomly("/run/secrets/deid-key")];
      case 2: {
        const type = pick(["string", "number", "date", "bool"]);
        return ["param", GAP, pick(NAMES), TIGHT, ":", GAP, type, ...(chance(0.6) ? [GAP, "=", GAP, ...expr(0, 1)] : [])];
      }
      default:
        return ["let", GAP, pick(NAMES), GAP, "=", GAP, ...expr(0, 0)];
    }
  };

  // ------------------------------------------------------------ file

  const pieces: Piece[] = [];
  if (chance(0.7)) pieces.push("deid", GAP, "1", GAP);
  const items: Piece[][] = [];
  if (chance(0.5)) items.push(profile());
  const count = int(0, 12);
  for (let i = 0; i < count; i++) {
    const r = rnd();
    items.push(r < 0.2 ? declaration() : r < 0.3 ? option() : statement());
  }
  for (const item of items) pieces.push(...item, GAP);

  // ------------------------------------------------------------ spacing

  const comment = (): string => `// #${++commentNo}${pick(COMMENT_TEXTS)}`;
  const gap = (): string => {
    const r = rnd();
    let ws = r < options.breaks ? pick(["\n", "\n\n", "\n\n\n", "\n  ", " \n\t", "\n   \n"]) : pick([" ", " ", "  ", "\t"]);
    if (chance(options.comments)) {
      ws = pick([" ", "", "\t"]) + comment() + pick(["\n", "\n\n", "\n  "]);
      if (chance(0.3)) ws += comment() + "\n";
    }
    return ws;
  };
  let text = chance(0.1) ? comment() + "\n" : "";
  let prev: Piece = TIGHT;
  for (const p of pieces) {
    if (p === GAP || p === TIGHT) {
      prev = p;
      continue;
    }
    if (prev === GAP) text += text === "" || text.endsWith("\n") ? gap().replace(/^[ \t]*\/\//, "//") : gap();
    else if (text !== "" && prev === TIGHT && !/[\n\s]$/.test(text) && !isJoinable(text, p)) text += " ";
    text += p;
    prev = TIGHT;
  }
  if (chance(0.3)) text += "\n" + comment();
  if (chance(0.8)) text += "\n";
  if (chance(0.15)) text = text.replace(/\n/g, "\r\n");
  return text;
}

/**
 * Whether two tokens written without a gap between them are still two
 * tokens. Tight joins are only generated inside constructs the language
 * writes together; between items or after a leading piece a separator is
 * needed when both sides are word characters.
 */
function isJoinable(before: string, next: string): boolean {
  const a = before[before.length - 1] ?? " ";
  const b = next[0] ?? " ";
  return !(/[\w"]/.test(a) && /[\w"]/.test(b));
}
