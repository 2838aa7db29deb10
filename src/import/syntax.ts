// Pieces of .deid text the importers write: string and regular-expression
// literals, attribute references and selectors, comments and names. Each
// helper returns text the grammar accepts as is, so that the generated file
// parses; the formatter then gives it its canonical layout.

import { lookupKeyword, lookupTag, tagHex } from "../dicom/dictionary";
import { NUMERIC_VRS, TEXT_VRS, VR_MAX_LENGTH, isVr } from "../dicom/vr";

/** A string literal: `\"`, `\\`, `\n`, `\t`, and `\u{HEX}` for other control characters. */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) out += `\\u{${c.toString(16).toUpperCase()}}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      out += ch + text[i + 1]!;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += `\\u{${c.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * A regular-expression literal for `pattern`, or null when JavaScript cannot
 * compile it (the source tools use Java's and Python's dialects, which accept
 * constructs JavaScript does not, such as inline `(?i)` flags). A `/` outside
 * a character class is escaped so that it does not end the literal.
 */
export function regexLiteral(pattern: string, flags = ""): string | null {
  try {
    new RegExp(pattern, flags);
  } catch {
    return null;
  }
  let body = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) return null;
      if (next === "\n") body += "\\n";
      else if (next === "\r") body += "\\r";
      else body += ch + next;
      i++;
      continue;
    }
    if (ch === "\n") body += "\\n";
    else if (ch === "\r") body += "\\r";
    else if (ch === "/" && !inClass) body += "\\/";
    else body += ch;
    if (ch === "[" && !inClass) inClass = true;
    else if (ch === "]" && inClass) inClass = false;
  }
  if (body === "") return null;
  return `/${body}/${flags}`;
}

/** `text` with every regular-expression metacharacter escaped, to match it literally. */
export function escapeRegexText(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);
}

/** `(GGGG,EEEE)` */
export function tagText(tag: number): string {
  const hex = tagHex(tag);
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/**
 * How a rule names a standard attribute: its keyword when the dictionary
 * gives that keyword exactly this tag, else the tag. A keyword is what a
 * reviewer reads; the tag keeps attributes newer than the dictionary.
 */
export function attributeText(tag: number): string {
  const entry = lookupTag(tag);
  if (entry && !/X/i.test(entry.tag) && parseInt(entry.tag, 16) === tag >>> 0) return entry.keyword;
  return tagText(tag);
}

/**
 * The selector for one standard tag. A tag the data dictionary does not list
 * (retired long ago, or newer than the dictionary) is written as a one-tag
 * range: the linter warns about an unlisted tag, since it is usually a typo,
 * but an imported rule must still apply to it. The importers report such
 * tags on their source lines instead.
 */
export function tagSelector(tag: number): { selector: string; listed: boolean } {
  if (lookupTag(tag)) return { selector: attributeText(tag), listed: true };
  const text = tagText(tag);
  return { selector: `${text}..${text}`, listed: false };
}

/** A private attribute by creator: `(0029,"SIEMENS CSA HEADER",10)`; `element` null for the whole block. */
export function privateTagText(group: number, creator: string, element: number | null): string {
  const g = group.toString(16).toUpperCase().padStart(4, "0");
  const e = element === null ? "xx" : element.toString(16).toUpperCase().padStart(2, "0");
  return `(${g},${quote(creator)},${e})`;
}

/** Every element of one group: `(0029,0000)..(0029,FFFF)`. */
export function groupRangeText(group: number): string {
  const g = group.toString(16).toUpperCase().padStart(4, "0");
  return `(${g},0000)..(${g},FFFF)`;
}

/** The standard's VRs of a tag (from the dictionary), or UN when it does not know the tag. */
export function vrsOfTag(tag: number): string[] {
  return lookupTag(tag)?.vrs ?? ["UN"];
}

export function keywordTag(keyword: string): number | null {
  const entry = lookupKeyword(keyword);
  if (!entry || /X/i.test(entry.tag)) return null;
  return parseInt(entry.tag, 16);
}

/**
 * Why a literal cannot be set on an attribute of these VRs, or null when it
 * can. The same limits the checker applies to `set` (PS3.5 6.2): a number for
 * numeric VRs, a UID for UI, YYYYMMDD for DA, and the VR's maximum length.
 */
export function literalProblem(vrs: readonly string[], text: string): string | null {
  if (vrs.includes("SQ")) return "the attribute is a sequence, which cannot hold a text value";
  if (text === "") return null;
  for (const vr of vrs) {
    if (NUMERIC_VRS.has(vr) && !/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text.trim())) return `${vr} holds a number`;
    if (vr === "IS" && !/^[+-]?[0-9]+$/.test(text.trim())) return "IS holds an integer";
    if (vr === "UI" && !/^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(text)) return "UI holds a UID";
    if (vr === "DA" && !/^[0-9]{8}$/.test(text)) return "DA holds a date, YYYYMMDD";
    const max = isVr(vr) ? VR_MAX_LENGTH[vr] : null;
    if (TEXT_VRS.has(vr) && max !== null && text.length > max) return `${vr} allows ${max} characters`;
  }
  return null;
}

/** Text for a `//` comment: one line, no control characters. */
export function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trimEnd();
}

/** Is `name` a qualified name of the language (`imported.site-ctp`)? */
export function isQualifiedName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(?:[.-][A-Za-z_][A-Za-z0-9_]*)*$/.test(name);
}

/**
 * A name part built from a file name: `DICOM-PS3.15-Basic.script` becomes
 * `dicom-ps315-basic`. Parts that would start with a digit are joined to the
 * part before them, since a name part must start with a letter.
 */
export function namePartFromFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, "").replace(/\.(script|xml|txt|recipe|deid|das|properties)$/i, "");
  const pieces = base.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const parts: string[] = [];
  for (const piece of pieces) {
    if (/^[0-9]/.test(piece) && parts.length > 0) parts[parts.length - 1] += piece;
    else parts.push(/^[0-9]/.test(piece) ? `p${piece}` : piece);
  }
  return parts.join("-") || "profile";
}

/** Words a parameter may not be called: the language's keywords, its functions, and the names the importers declare. */
const RESERVED_NAMES = new Set(
  (
    "deid profile option based on with code release import secret from env file param let vr private reject quarantine " +
    "pixels blank frames fill when because and or not in contains keep remove empty dummy clean uid shift lookup else " +
    "coarsen replace set year month hash days upper lower exists true false value key"
  ).split(" "),
);

/** A parameter name from a source parameter name (`DATEINC` becomes `dateinc`). */
export function parameterName(sourceName: string): string {
  let cleaned = sourceName.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!/^[a-z_]/.test(cleaned)) cleaned = `p_${cleaned}`;
  return RESERVED_NAMES.has(cleaned) ? `${cleaned}_param` : cleaned;
}

/** VRs whose values deidc conditions read as numbers (binary numbers, and the IS and DS strings). */
const NUMBER_VALUE_VRS = new Set(["US", "SS", "UL", "SL", "FL", "FD", "UV", "SV", "IS", "DS"]);

/** Does a condition read this standard attribute as a number? */
export function readsAsNumber(tag: number): boolean {
  return (lookupTag(tag)?.vrs ?? []).some((vr) => NUMBER_VALUE_VRS.has(vr));
}

/**
 * An attribute reference as text for a regular-expression test: a number is
 * turned into its decimal text with `lower` (which changes no digit), as the
 * source tools match the value's text.
 */
export function asTextOperand(name: string, tag: number): string {
  return readsAsNumber(tag) ? `lower(${name})` : name;
}
