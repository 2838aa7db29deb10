// What a deid field expression names, resolved against deidc's data
// dictionary instead of the fields of one file.
//
// deid matches a plain field against each element's keyword, tag (`(0010,
// 0010)`, `00100010`), name ("Patient's Name") or, for private elements,
// `gggg,"creator",ee`. An expander (`contains:`, `startswith:`, `endswith:`,
// `except:`) is a case-insensitive regular expression searched in the
// element's nested name (`sequence__keyword`, lower case), its tag, its
// name and its keyword. Applied to the dictionary, an expander names every
// attribute it could match in any file: a superset of what deid touches in
// a given one.

import { allEntries, lookupKeyword, lookupTag, type DictEntry } from "../../dicom/dictionary";
import { attributeText, privateTagText, tagSelector, tagText } from "../syntax";

/** One attribute a field expression names. */
export interface FieldTarget {
  kind: "attribute" | "private";
  /** selector text: keyword, tag, or private tag */
  selector: string;
  /** standard tag (null for private by creator); repeating-group entries give their first group */
  tag: number | null;
  vrs: string[];
}

export type FieldExpression =
  | { kind: "all" }
  | { kind: "fields"; targets: FieldTarget[]; expander: string | null }
  | { kind: "except"; excluded: FieldTarget[] }
  | { kind: "vr"; vr: string }
  | { kind: "group"; group: number }
  | { kind: "group-list"; name: string }
  | { kind: "values"; name: string }
  | { kind: "unknown"; reason: string };

let nameIndex: Map<string, DictEntry> | null = null;

function byName(name: string): DictEntry | undefined {
  if (!nameIndex) {
    nameIndex = new Map();
    for (const e of allEntries()) if (!nameIndex.has(e.name)) nameIndex.set(e.name, e);
  }
  return nameIndex.get(name);
}

function targetOfEntry(entry: DictEntry): FieldTarget {
  if (/X/i.test(entry.tag)) return { kind: "attribute", selector: entry.keyword, tag: parseInt(entry.tag.replace(/X/gi, "0"), 16), vrs: entry.vrs };
  const tag = parseInt(entry.tag, 16);
  return { kind: "attribute", selector: attributeText(tag), tag, vrs: entry.vrs };
}

/** A plain field (no expander): a keyword, a tag, a private tag, or an attribute's name. */
export function resolvePlainField(field: string): FieldTarget | null {
  const keyword = lookupKeyword(field);
  if (keyword) return targetOfEntry(keyword);
  const hex = /^\(?\s*([0-9A-Fa-f]{4})\s*,?\s*([0-9A-Fa-f]{4})\s*\)?$/.exec(field);
  if (hex) {
    const tag = parseInt(hex[1]! + hex[2]!, 16);
    if (((tag >>> 16) & 1) === 1) return { kind: "private", selector: `(${hex[1]!.toUpperCase()},${hex[2]!.toUpperCase()})`, tag, vrs: ["UN"] };
    const entry = lookupTag(tag);
    // A tag in a repeating group (6002,3000) names that one element, not every group the dictionary row covers.
    if (entry && /X/i.test(entry.tag)) return { kind: "attribute", selector: tagText(tag), tag, vrs: entry.vrs };
    return entry ? targetOfEntry(entry) : { kind: "attribute", selector: tagSelector(tag).selector, tag, vrs: ["UN"] };
  }
  const creator = /^\(?([0-9A-Fa-f]{4}),"(.*)",([0-9A-Fa-f]{2})\)?$/.exec(field);
  if (creator) {
    const group = parseInt(creator[1]!, 16);
    if ((group & 1) === 1) return { kind: "private", selector: privateTagText(group, creator[2]!, parseInt(creator[3]!, 16)), tag: null, vrs: ["UN"] };
  }
  const named = byName(field);
  return named ? targetOfEntry(named) : null;
}

/** Dictionary attributes an expander's regular expression matches, as deid's name_contains would for that attribute. */
export function expandPattern(pattern: RegExp): FieldTarget[] {
  const out: FieldTarget[] = [];
  for (const e of allEntries()) {
    const hex = e.tag.toLowerCase();
    const texts = [e.keyword.toLowerCase(), `(${hex.slice(0, 4)},${hex.slice(4)})`, hex, e.name, e.keyword];
    if (texts.some((t) => pattern.test(t))) out.push(targetOfEntry(e));
  }
  return out.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
}

/** Reads a header action's field expression. */
export function readFieldExpression(field: string): FieldExpression {
  if (field.toLowerCase() === "all" || field.toLowerCase() === "allfields") return { kind: "all" };
  const colon = field.indexOf(":");
  if (colon < 0) {
    const target = resolvePlainField(field);
    return target ? { kind: "fields", targets: [target], expander: null } : { kind: "unknown", reason: `\`${field}\` is neither a keyword, a tag nor an attribute name of the data dictionary` };
  }
  const expander = field.slice(0, colon).toLowerCase();
  const argument = field.slice(colon + 1);
  switch (expander) {
    case "contains":
    case "startswith":
    case "endswith":
    case "except": {
      const lowered = argument.toLowerCase();
      const source = expander === "startswith" ? `^(${lowered})` : expander === "endswith" ? `(${lowered})$` : lowered;
      let pattern: RegExp;
      try {
        pattern = new RegExp(source, "i");
      } catch {
        return { kind: "unknown", reason: `\`${argument}\` is a regular expression JavaScript cannot compile` };
      }
      const targets = expandPattern(pattern);
      return expander === "except" ? { kind: "except", excluded: targets } : { kind: "fields", targets, expander: field };
    }
    case "select": {
      const [attribute, value] = splitOnce(argument.toLowerCase(), ":");
      if (attribute === "vr" && value !== null && /^[a-z]{2}/.test(value)) return { kind: "vr", vr: value.slice(0, 2).toUpperCase() };
      if (attribute === "group" && value !== null && /^[0-9a-f]{1,4}$/.test(value)) return { kind: "group", group: parseInt(value, 16) };
      return { kind: "unknown", reason: `\`${field}\` selects neither a VR (\`select:VR:PN\`) nor a group (\`select:group:0010\`)` };
    }
    case "fields":
      return { kind: "group-list", name: argument };
    case "values":
      return { kind: "values", name: argument };
    default: {
      // A colon that is not an expander: deid looks the whole text up as a field, and finds nothing.
      const target = resolvePlainField(field);
      return target ? { kind: "fields", targets: [target], expander: null } : { kind: "unknown", reason: `\`${expander}:\` is not a deid expander` };
    }
  }
}

function splitOnce(text: string, separator: string): [string, string | null] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * A filter's field: deid reads it with pydicom's Dataset.get, which knows
 * keywords only. A keyword of a repeating group (OverlayDescription) names
 * the group's first instance for pydicom, (6000,0022), so the condition
 * names that tag.
 */
export function filterField(field: string): FieldTarget | null {
  const entry = lookupKeyword(field);
  if (!entry) return null;
  if (/X/i.test(entry.tag)) {
    const tag = parseInt(entry.tag.replace(/X/gi, "0"), 16);
    return { kind: "attribute", selector: tagText(tag), tag, vrs: entry.vrs };
  }
  return targetOfEntry(entry);
}
