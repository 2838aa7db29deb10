// Action C on free text (PS3.15 Table E.1-1a: "replace with values of
// similar meaning known not to contain identifying information"; E.3.5 Clean
// Descriptors Option: remove "any information that is embedded in text or
// string Attributes corresponding to the Attribute information specified to
// be removed"). The cleaner removes
//   - every token equal, ignoring case, to an identifier of the same object
//     (names and name components, IDs, accession number, dates, institution
//     words: whatever the caller collects; personNameTokens and
//     dateRenderings help);
//   - text shaped like an identifier whatever its value: e-mail addresses,
//     UIDs and IP addresses, dates, phone numbers and numbers of five or
//     more digits;
// and keeps every other word. Each run of removed tokens (separated only by
// spaces or tabs) becomes one replacement mark, "**" by default: a removed token is
// never shorter than 2 characters, so with a replacement mark of at most 2 the
// cleaned text is never longer than the original and still fits its VR.
//
// The shapes are one regular expression compiled once per process. The
// identifiers of an object are indexed by their first word in a Map when its
// cleaner is made, and the text is scanned word by word. A per-object regular
// expression was measured first: V8 took 75-200 us to compile each one (and
// over 0.5 ms with Unicode-class lookarounds for token boundaries), against a
// few microseconds for the Map. Cleaning a value collects the ranges of both
// kinds of match and writes the text once.

/** Replaces each run of removed tokens unless makeCleaner is given another. */
export const DEFAULT_REPLACEMENT_MARK = "**";

/** Identifiers shorter than this are ignored, so a middle initial does not delete every "A". */
export const MIN_IDENTIFIER_LENGTH = 2;

export interface CleanerOptions {
  /** text put in place of each run of removed tokens; must not contain `\` */
  replacementMark?: string;
}

export type Cleaner = (text: string) => string;

const MONTH_NAME =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const ORDINAL = "(?:st|nd|rd|th)?";

/**
 * Dates written with digits or English month names. A date neither starts
 * nor ends inside a dotted number, so "1.2.840.10008" is not taken for one.
 */
const DATE_PATTERN =
  "(?<![\\p{L}\\p{N}.])(?:" +
  [
    "\\d{4}-\\d{1,2}-\\d{1,2}", // 2020-03-15
    "\\d{4}[/.]\\d{1,2}[/.]\\d{1,2}", // 2020/03/15, 2020.03.15
    "\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})", // 15/03/2020, 03/15/2020, 15.03.20, 15-03-2020
    `\\d{1,2}${ORDINAL}[ -]?${MONTH_NAME}\\.?,?[ -]?(?:\\d{4}|\\d{2})`, // 15 March 2020, 15-MAR-2020
    `${MONTH_NAME}\\.?[ -]\\d{1,2}${ORDINAL},?[ -]\\d{4}`, // March 15, 2020
    `${MONTH_NAME}\\.?[ -]?\\d{4}`, // March 2020, Sep1999
  ].join("|") +
  ")(?![\\p{L}\\p{N}]|[./-]\\d)";

/**
 * Phone numbers: an optional "+" and country code, an optional parenthesised
 * area code, then digit groups separated by one space, dot or hyphen, with at
 * least seven digits near the start ("+1 (555) 123-4567", "030 1234567",
 * "555.123.4567"). The seven-digit floor leaves "120 80" or "3 mm" alone; each
 * group is bounded, so a failed attempt costs a few steps, not a rescan.
 */
const PHONE_PATTERN =
  "(?<![\\p{L}\\p{N}+.])(?=[+(]?(?:[ .()-]{0,2}\\d){7})" +
  "\\+?(?:\\d{1,4}[ .-]?)?(?:\\(\\d{1,5}\\)[ .-]?)?\\d{1,8}(?:[ .-]\\d{1,8}){0,5}" +
  "(?![\\p{L}\\p{N}]|[.-]\\d)";

/**
 * Dotted numbers of four or more components: UIDs (which link back to the
 * original instances) and IPv4 addresses (HIPAA lists both as identifiers).
 */
const DOTTED_NUMBER_PATTERN = "(?<![\\p{L}\\p{N}.])\\d+(?:\\.\\d+){3,}(?![\\p{L}\\p{N}])";

/** E-mail addresses; the start guard stops a scan from restarting inside a long word. */
const EMAIL_PATTERN =
  "(?<![\\p{L}\\p{N}._%+-])[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+";

/** Runs of five or more digits, wherever they are (inside "MRN12345" too). */
const LONG_NUMBER_PATTERN = "\\d{5,}";

/**
 * Every identifier-shaped pattern in one expression, compiled once per
 * process (it is reused by every cleaner; `lastIndex` is reset before each use).
 */
const SHAPES = new RegExp(
  [EMAIL_PATTERN, DOTTED_NUMBER_PATTERN, DATE_PATTERN, PHONE_PATTERN, LONG_NUMBER_PATTERN].join("|"),
  "giu",
);

const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;

/** True when the code point at `index` is a letter or digit (false outside the string). */
function isWordAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const c = text.charCodeAt(index);
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
  return WORD_CHARACTER.test(String.fromCodePoint(text.codePointAt(index)!));
}

/** True when the code point that ends just before `index` is a letter or digit. */
function isWordBefore(text: string, index: number): boolean {
  if (index <= 0) return false;
  const c = text.charCodeAt(index - 1);
  const isLowSurrogate = c >= 0xdc00 && c <= 0xdfff;
  return isWordAt(text, isLowSurrogate && index >= 2 ? index - 2 : index - 1);
}

/** True for the characters JavaScript's `\s` matches. */
function isWhitespace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** End of the run of letters and digits that starts at `index`. */
function wordEnd(text: string, index: number): number {
  let end = index;
  while (end < text.length && isWordAt(text, end)) {
    const c = text.charCodeAt(end);
    end += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return end;
}

/**
 * Normalises and de-duplicates identifiers: `\`-separated values are taken
 * one by one, outer whitespace and NUL padding are dropped, and values shorter
 * than MIN_IDENTIFIER_LENGTH are ignored. Longest first, so that a phrase
 * ("John Smith") is removed whole before one of its words could match.
 */
function usableIdentifiers(identifiers: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const identifier of identifiers) {
    for (const value of identifier.split("\\")) {
      const trimmed = value.replace(/\0+$/, "").trim();
      if (trimmed.length < MIN_IDENTIFIER_LENGTH) continue;
      const folded = trimmed.toLowerCase();
      if (seen.has(folded)) continue;
      seen.add(folded);
      kept.push(trimmed);
    }
  }
  return kept.sort((a, b) => b.length - a.length);
}

/**
 * One identifier, prepared for matching: the text between its whitespace
 * runs, lower-cased, with the length it has in the original. Any whitespace
 * run of the identifier matches any whitespace run of the text.
 */
interface PreparedIdentifier {
  chunks: { folded: string; length: number }[];
  /** whether it ends with a letter or digit, and so must not be followed by one */
  endsWithWord: boolean;
}

function prepare(identifier: string): PreparedIdentifier {
  return {
    chunks: identifier.split(/\s+/).map((chunk) => ({ folded: chunk.toLowerCase(), length: chunk.length })),
    endsWithWord: isWordBefore(identifier, identifier.length),
  };
}

/**
 * Finds whole-token occurrences of an object's identifiers, comparing
 * lower-cased text (so case is ignored and accents are not).
 *
 * An identifier that starts with a letter or digit can only match where a
 * run of letters and digits (a word) starts, and that whole word must equal
 * the identifier's first word: identifiers are indexed by their lower-cased
 * first word, and the text is scanned word by word with one Map lookup each.
 * The few identifiers that start with another character are indexed by that
 * character. No regular expression is compiled per object, which keeps
 * building a cleaner in the microseconds.
 */
class IdentifierMatcher {
  private readonly byFirstWord = new Map<string, PreparedIdentifier[]>();
  private readonly byFirstCharacter = new Map<string, PreparedIdentifier[]>();
  /** lengths of the first-word keys: a text word of another length needs no lookup */
  private readonly firstWordLengths = new Set<number>();

  constructor(identifiers: string[]) {
    for (const identifier of identifiers) {
      const prepared = prepare(identifier);
      let index: Map<string, PreparedIdentifier[]>;
      let key: string;
      if (isWordAt(identifier, 0)) {
        key = identifier.slice(0, wordEnd(identifier, 0)).toLowerCase();
        index = this.byFirstWord;
        this.firstWordLengths.add(key.length);
      } else {
        key = String.fromCodePoint(identifier.codePointAt(0)!).toLowerCase();
        index = this.byFirstCharacter;
      }
      const list = index.get(key);
      // identifiers arrive longest first, so each list stays longest first
      if (list === undefined) index.set(key, [prepared]);
      else list.push(prepared);
    }
  }

  /** Appends [start, end) pairs of every whole-token occurrence, left to right, without overlaps. */
  collect(text: string, out: number[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      let candidates: PreparedIdentifier[] | undefined;
      let next: number;
      if (isWordAt(text, i)) {
        next = wordEnd(text, i);
        if (this.firstWordLengths.has(next - i)) candidates = this.byFirstWord.get(text.slice(i, next).toLowerCase());
      } else {
        const c = text.charCodeAt(i);
        next = i + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
        if (this.byFirstCharacter.size > 0) candidates = this.byFirstCharacter.get(text.slice(i, next).toLowerCase());
      }
      if (candidates !== undefined) {
        for (const candidate of candidates) {
          const end = matchAt(text, i, candidate);
          if (end > i) {
            out.push(i, end);
            next = end;
            break;
          }
        }
      }
      i = next;
    }
  }
}

/**
 * End of `identifier` matched at `start` of `text`, or -1. The start is
 * already known to be a token start; the end must be a token end if the
 * identifier ends with a letter or digit.
 */
function matchAt(text: string, start: number, identifier: PreparedIdentifier): number {
  let q = start;
  const chunks = identifier.chunks;
  for (let k = 0; k < chunks.length; k++) {
    if (k > 0) {
      if (q >= text.length || !isWhitespace(text.charCodeAt(q))) return -1;
      while (q < text.length && isWhitespace(text.charCodeAt(q))) q++;
    }
    const chunk = chunks[k]!;
    if (q + chunk.length > text.length) return -1;
    if (text.slice(q, q + chunk.length).toLowerCase() !== chunk.folded) return -1;
    q += chunk.length;
  }
  if (identifier.endsWithWord && isWordAt(text, q)) return -1;
  return q;
}

/** Appends [start, end) pairs of every identifier-shaped match. */
function collectShapes(text: string, out: number[]): void {
  SHAPES.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SHAPES.exec(text)) !== null) out.push(m.index, m.index + m[0].length);
}

/** True when text[from, to) is non-empty and only spaces and tabs. */
function isBlankGap(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/**
 * Builds the cleaner for one object. `identifiers` are the values to remove
 * wherever they occur as whole tokens, compared ignoring case but not
 * accents. The returned function is pure and may be called for every text
 * element of the object.
 */
export function makeCleaner(identifiers: readonly string[], options: CleanerOptions = {}): Cleaner {
  const replacementMark = options.replacementMark ?? DEFAULT_REPLACEMENT_MARK;
  if (replacementMark.includes("\\")) throw new RangeError("the cleaner's replacement mark must not contain a backslash");
  const words = usableIdentifiers(identifiers);
  const matcher = words.length > 0 ? new IdentifierMatcher(words) : null;
  return (text: string) => {
    if (text === "") return text;
    const shapes: number[] = [];
    const named: number[] = [];
    collectShapes(text, shapes);
    if (matcher !== null) matcher.collect(text, named);
    if (shapes.length === 0 && named.length === 0) return text;
    // Walk both sorted lists together, uniting overlapping ranges and ranges
    // separated only by spaces or tabs, so "Dr. John Smith 12345" reads "Dr. **"
    // rather than "Dr. ** ** **". Line breaks and `\` delimiters end a run.
    let cleaned = "";
    let copied = 0;
    let i = 0;
    let j = 0;
    let runStart = -1;
    let runEnd = -1;
    while (i < shapes.length || j < named.length) {
      let start: number;
      let end: number;
      if (j >= named.length || (i < shapes.length && shapes[i]! <= named[j]!)) {
        start = shapes[i]!;
        end = shapes[i + 1]!;
        i += 2;
      } else {
        start = named[j]!;
        end = named[j + 1]!;
        j += 2;
      }
      if (runStart >= 0 && (start <= runEnd || isBlankGap(text, runEnd, start))) {
        if (end > runEnd) runEnd = end;
        continue;
      }
      if (runStart >= 0) {
        cleaned += text.slice(copied, runStart) + replacementMark;
        copied = runEnd;
      }
      runStart = start;
      runEnd = end;
    }
    return cleaned + text.slice(copied, runStart) + replacementMark + text.slice(runEnd);
  };
}

/**
 * The identifiers a Person Name (PN) value contributes: each of its family,
 * given and middle name components (prefix and suffix, such as "Dr" or "Jr",
 * identify no one), the words of those components, and the whole name as
 * "Given Family", "Family Given" and as written. Every component group
 * (alphabetic, ideographic, phonetic) contributes.
 */
export function personNameTokens(pn: string): string[] {
  const tokens = new Set<string>();
  for (const value of pn.split("\\")) {
    for (const group of value.split("=")) {
      const components = group.split("^").map((c) => c.trim());
      const [family = "", given = "", middle = ""] = components;
      for (const component of [family, given, middle]) {
        if (component === "") continue;
        tokens.add(component);
        for (const word of component.split(/[\s,.-]+/)) if (word !== "") tokens.add(word);
      }
      if (group.trim() !== "") tokens.add(group.trim());
      const named = [given, middle, family].filter((c) => c !== "");
      if (named.length > 1) {
        tokens.add(named.join(" "));
        tokens.add([family, given, middle].filter((c) => c !== "").join(" "));
      }
    }
  }
  return [...tokens];
}

/**
 * Renderings of a DA date that free text may use: YYYYMMDD, YYYY-MM-DD,
 * DD/MM/YYYY, MM/DD/YYYY and DD.MM.YYYY. Empty for a value that is not
 * eight digits (the cleaner's date patterns still apply to the text).
 */
export function dateRenderings(da: string): string[] {
  const renderings: string[] = [];
  for (const value of da.split("\\")) {
    const v = value.trim();
    if (!/^\d{8}$/.test(v)) continue;
    const y = v.slice(0, 4);
    const m = v.slice(4, 6);
    const d = v.slice(6, 8);
    renderings.push(v, `${y}-${m}-${d}`, `${d}/${m}/${y}`, `${m}/${d}/${y}`, `${d}.${m}.${y}`);
  }
  return renderings;
}

const AGE_UNIT_WORDS: Readonly<Record<string, readonly string[]>> = {
  Y: ["yo", "y/o", " y/o", " yo", "-year-old", " year old", "-year old", " years old", " years", " yrs", "yrs", "y"],
  M: [" months", "mo", " mo", "-month-old", " months old"],
  W: [" weeks", "wk", "wks", " wks", "-week-old", " weeks old"],
  D: [" days", "-day-old", " days old"],
};

/**
 * How free text writes a Patient's Age (AS, "055Y") and, with a Patient's Sex of F or M, the
 * two together, the way PS3.15 E.3.5's own example does ("CT chest abdomen pelvis - 55F"):
 * "055Y", "55Y", "55yo", "55-year-old", "55 years", "55F", "55/F", "55YF", ... The bare number
 * is not among them: "55" alone is as likely a dose or a slice as an age. `sex` is undefined when
 * only the age is to be removed.
 */
export function ageRenderings(age: string, sex: string | undefined): string[] {
  const m = /^(\d{3})([DWMY])$/.exec(age.trim());
  if (!m) return [];
  const n = String(parseInt(m[1]!, 10));
  const unit = m[2]!;
  const renderings = [m[0], `${n}${unit}`, ...AGE_UNIT_WORDS[unit]!.map((w) => `${n}${w}`)];
  const s = sex?.trim();
  if (s === "F" || s === "M") renderings.push(`${n}${s}`, `${n}/${s}`, `${n}${unit}${s}`, `${n}${unit}/${s}`);
  return renderings;
}

/** Words for a Patient's Sex of F or M; the letters alone are shorter than MIN_IDENTIFIER_LENGTH. */
export function sexWords(sex: string): string[] {
  const s = sex.trim();
  return s === "F" ? ["female"] : s === "M" ? ["male"] : [];
}
