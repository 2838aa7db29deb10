// The content of PS3.15 Annex E that the standard rule library is made of:
// Table E.1-1 (the Basic Profile and one column per Option), Table E.3.10-1
// (safe private attributes) and the sentences of the Annex that decide what
// happens to attributes the table does not list.
//
// Everything is located by structure and header text, not by position, so
// that an older or newer part15.xml yields its own tables: columns are
// recognised by their header abbreviations ("Rtn. UIDs Opt."), tables by
// xml:id, label or caption, sections by title. Anything that does not fit
// (an unknown action code, a tag that is not a tag) stops generation with a
// message naming the row, rather than producing a wrong rule.

import type { Document, Node } from "@xmldom/xmldom";
import type { ActionCode } from "../syntax/ast";
import { type Cid7050Code, cid7050ByMeaning } from "./cid7050";
import {
  type Sentence,
  type TableGrid,
  elementById,
  findSectionByTitle,
  findSentence,
  findTable,
  readTable,
  standardRelease,
} from "./docbook";

export const ACTION_CODES: readonly ActionCode[] = ["D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"];

/** One unit of the generated library: the Basic Profile or one of its Options. */
export interface Ps315UnitSpec {
  /** unit name, e.g. "ps315.retain-uids" */
  name: string;
  /** path of the unit's file relative to the library directory */
  file: string;
  kind: "profile" | "option";
  /** its PS3.16 CID 7050 code meaning, which is also the unit's title */
  codeMeaning: string;
  /** recognises the unit's column header in Table E.1-1 (lower-cased); null when the table has no column for it */
  column: RegExp | null;
  /** recognises the title of the Annex E section that defines it */
  sectionTitle: RegExp;
  /** what `C` in this unit's column asks of the executor; null when the column never says C */
  cleanMeans: string | null;
}

/**
 * The units, in the order in which later ones win when a profile switches
 * several on: the Basic Profile, the Retain options, then the options that
 * modify or clean (see docs/stdlib.md, "How options combine").
 */
export const PS315_UNITS: readonly Ps315UnitSpec[] = [
  {
    name: "ps315.basic",
    file: "ps315/basic.deid",
    kind: "profile",
    codeMeaning: "Basic Application Confidentiality Profile",
    column: /^basic\b/,
    sectionTitle: /^basic application (level )?confidentiality profile$/i,
    cleanMeans: null,
  },
  {
    name: "ps315.retain-safe-private",
    file: "ps315/retain-safe-private.deid",
    kind: "option",
    codeMeaning: "Retain Safe Private Option",
    column: /\bsafe\b.*\bpriv/,
    sectionTitle: /^retain safe private option$/i,
    cleanMeans:
      "keep the private attributes known to be safe (the Table E.3.10-1 rules of this option, blocks marked SAFE in Private Data Element Characteristics Sequence (0008,0300), elements listed in Nonidentifying Private Elements (gggg,0004)), apply Deidentification Action (0008,0307) where the object gives one, and remove the rest",
  },
  {
    name: "ps315.retain-uids",
    file: "ps315/retain-uids.deid",
    kind: "option",
    codeMeaning: "Retain UIDs Option",
    column: /\buids?\b/,
    sectionTitle: /^retain uids option$/i,
    cleanMeans: null,
  },
  {
    name: "ps315.retain-device-identity",
    file: "ps315/retain-device-identity.deid",
    kind: "option",
    codeMeaning: "Retain Device Identity Option",
    column: /\bdev(\.|ice)/,
    sectionTitle: /^retain device identity option$/i,
    cleanMeans:
      "keep the value but remove institution or person identification embedded in it (Application Entity Titles and similar names)",
  },
  {
    name: "ps315.retain-institution-identity",
    file: "ps315/retain-institution-identity.deid",
    kind: "option",
    codeMeaning: "Retain Institution Identity Option",
    column: /\binst(\.|itution)/,
    sectionTitle: /^retain institution identity option$/i,
    cleanMeans: "keep the institution information but remove identification of persons embedded in it",
  },
  {
    name: "ps315.retain-patient-characteristics",
    file: "ps315/retain-patient-characteristics.deid",
    kind: "option",
    codeMeaning: "Retain Patient Characteristics Option",
    column: /\bpat(\.|ient)/,
    sectionTitle: /^retain patient characteristics option$/i,
    cleanMeans: "keep the characteristics (age, sex, size, state, allergies...) but remove identifying information from the text",
  },
  {
    name: "ps315.retain-longitudinal-full-dates",
    file: "ps315/retain-longitudinal-full-dates.deid",
    kind: "option",
    codeMeaning: "Retain Longitudinal Temporal Information Full Dates Option",
    column: /\bfull\b/,
    sectionTitle: /^retain longitudinal temporal information options?$/i,
    cleanMeans: null,
  },
  {
    name: "ps315.retain-longitudinal-modified-dates",
    file: "ps315/retain-longitudinal-modified-dates.deid",
    kind: "option",
    codeMeaning: "Retain Longitudinal Temporal Information Modified Dates Option",
    column: /\bmodif/,
    sectionTitle: /^retain longitudinal temporal information options?$/i,
    cleanMeans:
      "modify the date or time (shift it, or aggregate it to a coarser date) so that temporal relationships within a patient's instances are kept",
  },
  {
    name: "ps315.clean-descriptors",
    file: "ps315/clean-descriptors.deid",
    kind: "option",
    codeMeaning: "Clean Descriptors Option",
    column: /\bdesc/,
    sectionTitle: /^clean descriptors option$/i,
    cleanMeans:
      "keep the description but remove from its text (or, for a code sequence, from its local codes and meanings) the information the profile and the other options remove",
  },
  {
    name: "ps315.clean-structured-content",
    file: "ps315/clean-structured-content.deid",
    kind: "option",
    codeMeaning: "Clean Structured Content Option",
    column: /\bstruct/,
    sectionTitle: /^clean structured content option$/i,
    cleanMeans:
      "keep the content items but remove from them, by concept name (Table E.3.4-1), the information the profile and the other options remove",
  },
  {
    name: "ps315.clean-graphics",
    file: "ps315/clean-graphics.deid",
    kind: "option",
    codeMeaning: "Clean Graphics Option",
    column: /\bgraph/,
    sectionTitle: /^clean graphics option$/i,
    cleanMeans:
      "keep the graphics, text annotations or overlays but remove from them the information the profile and the other options remove",
  },
  {
    name: "ps315.clean-pixel-data",
    file: "ps315/clean-pixel-data.deid",
    kind: "option",
    codeMeaning: "Clean Pixel Data Option",
    column: null,
    sectionTitle: /^clean pixel data option$/i,
    cleanMeans: null,
  },
  {
    name: "ps315.clean-recognizable-visual-features",
    file: "ps315/clean-recognizable-visual-features.deid",
    kind: "option",
    codeMeaning: "Clean Recognizable Visual Features Option",
    column: null,
    sectionTitle: /^clean recognizable visual features option$/i,
    cleanMeans: null,
  },
];

/** How a Table E.1-1 row names its attribute(s). */
export type E11Selector =
  | { kind: "tag"; tag: number }
  /** a repeating group or range written with x digits, e.g. "60xx3000" (lower-case x, upper-case hex) */
  | { kind: "mask"; mask: string }
  /** the "(gggg,eeee) where gggg is odd" row */
  | { kind: "private" };

export interface E11Row {
  /** the standard's attribute name, normalised */
  name: string;
  /** the Tag cell, normalised, e.g. "(0008,0050)" or "(gggg,eeee) where gggg is odd" */
  tagText: string;
  selector: E11Selector;
  /** the "Retd." cell says Y */
  retired: boolean;
  basic: ActionCode;
  /** unit name -> the code in that option's column, for non-empty cells only */
  options: Map<string, ActionCode>;
}

export interface SafePrivateRow {
  /** "(7053,xx00)" as printed, normalised */
  tagText: string;
  /** four upper-case hex digits */
  group: string;
  /** the element offset inside the creator's block: two upper-case hex digits */
  offset: string;
  creator: string;
  vr: string;
  vm: string;
  meaning: string;
}

export interface Ps315Unit {
  spec: Ps315UnitSpec;
  code: Cid7050Code;
  /** the Annex E section defining the unit, e.g. "E.3.9"; null when this release has none */
  section: string | null;
  /** the header of the unit's Table E.1-1 column as printed; null when the table has no column for it */
  columnHeader: string | null;
}

export interface AnnexE {
  /** e.g. "2026c", from the book's subtitle */
  release: string;
  units: Ps315Unit[];
  e11: { caption: string; headers: string[]; rows: E11Row[] };
  safePrivate: { caption: string; rows: SafePrivateRow[] };
  /** Table E.3.4-1, Clean Structured Content Option content item concept names; null when this release has no such table */
  contentItems: { caption: string; units: string[]; rows: ContentItemRow[] } | null;
  /** the sentences the Basic Profile's closing rules rest on; null when this release lacks them */
  sentences: {
    /** "A requirement for an Option, when implemented, overrides any requirement for the underlying Profile." */
    optionOverridesProfile: Sentence | null;
    /** "Table E.1-1 defines the minimum actions required for conformance." */
    minimumActions: Sentence | null;
    /** "All Data Elements with a Group Number of 0004 shall be removed ..." */
    groupRemoved: (Sentence & { group: string }) | null;
    /** "Two mutually exclusive Options are specified ..." (the two Retain Longitudinal options) */
    mutuallyExclusive: Sentence | null;
  };
}

const E11_LOCATOR = { id: "table_E.1-1", label: "E.1-1", caption: /^(Application Level|Basic Application Level)? ?Confidentiality Profile Attributes$/i };
const E3101_LOCATOR = { id: "table_E.3.10-1", label: "E.3.10-1", caption: /^Safe Private Attributes$/i };
const E341_LOCATOR = { id: "table_E.3.4-1", label: "E.3.4-1", caption: /Clean Structured Content Option Content Item Concept Name Codes$/i };

/** One row of Table E.3.4-1: a content item concept name and its action per unit (null: the cell is empty). */
export interface ContentItemRow {
  meaning: string;
  codeValue: string;
  codingScheme: string;
  /** the version the table writes in brackets after the designator ("NCDR [2.0b]"), PS3.16's way of naming one */
  codingSchemeVersion: string | null;
  valueType: string;
  /** parallel to the table's `units` */
  actions: (ActionCode | null)[];
}

export function readAnnexE(doc: Document): AnnexE {
  const release = standardRelease(doc);
  const annex: Node = elementById(doc, "chapter_E") ?? doc;
  const e11Grid = readTable(findTable(doc, E11_LOCATOR));
  const safeGrid = readTable(findTable(doc, E3101_LOCATOR));

  const headerKeys = e11Grid.headers.map((h) => h.toLowerCase());
  const columnOf = (pattern: RegExp, what: string, required: boolean): number | null => {
    const hits = headerKeys.flatMap((h, i) => (pattern.test(h) ? [i] : []));
    if (hits.length > 1) {
      throw new Error(`Table E.1-1: ${hits.length} columns look like the ${what} column: ${hits.map((i) => `"${e11Grid.headers[i]}"`).join(", ")}`);
    }
    if (hits.length === 0 && required) {
      throw new Error(`Table E.1-1 has no ${what} column (headers: ${e11Grid.headers.map((h) => `"${h}"`).join(", ")})`);
    }
    return hits[0] ?? null;
  };
  const nameColumn = columnOf(/\bname\b/, "attribute name", true)!;
  const tagColumn = columnOf(/^tag\b/, "tag", true)!;
  const retiredColumn = columnOf(/^ret(d\b|ired)/, "retired", false);

  const units: Ps315Unit[] = PS315_UNITS.map((spec) => {
    const column = spec.column ? columnOf(spec.column, spec.codeMeaning, spec.kind === "profile") : null;
    return {
      spec,
      code: cid7050ByMeaning(spec.codeMeaning),
      section: findSectionByTitle(annex, spec.sectionTitle, "E.")?.label ?? null,
      columnHeader: column === null ? null : e11Grid.headers[column]!,
    };
  });
  const unitColumns = units.map((unit) => (unit.columnHeader === null ? null : e11Grid.headers.indexOf(unit.columnHeader)));
  const basicColumn = unitColumns[0]!;
  const claimed = new Set([nameColumn, tagColumn, retiredColumn, ...unitColumns]);
  const optionLike = e11Grid.headers.filter((h, i) => /\bopt\b|\bopt\.|option/i.test(h) && !claimed.has(i));
  if (optionLike.length > 0) {
    throw new Error(`Table E.1-1 has option columns that no ps315 unit claims: ${optionLike.map((h) => `"${h}"`).join(", ")}`);
  }

  const rows = e11Grid.rows.map((cells): E11Row => {
    const name = cells[nameColumn]!;
    const tagText = cells[tagColumn]!;
    const where = `Table E.1-1 row "${name}" ${tagText}`;
    const basic = parseActionCode(cells[basicColumn]!, `${where}, column "${e11Grid.headers[basicColumn]}"`);
    if (basic === null) throw new Error(`${where} has no Basic Profile action code`);
    const options = new Map<string, ActionCode>();
    units.forEach((unit, i) => {
      const column = unitColumns[i];
      if (unit.spec.kind !== "option" || column === null || column === undefined) return;
      const code = parseActionCode(cells[column]!, `${where}, column "${e11Grid.headers[column]}"`);
      if (code !== null) options.set(unit.spec.name, code);
    });
    return {
      name,
      tagText,
      selector: parseE11Tag(tagText, where),
      retired: retiredColumn !== null && /^y/i.test(cells[retiredColumn]!),
      basic,
      options,
    };
  });

  const group = findSentence(annex, /\bGroup Number of ([0-9A-F]{4}) shall be removed\b/);
  return {
    release,
    units,
    e11: { caption: e11Grid.caption, headers: e11Grid.headers, rows },
    safePrivate: { caption: safeGrid.caption, rows: readSafePrivate(safeGrid) },
    contentItems: readContentItems(doc),
    sentences: {
      optionOverridesProfile: findSentence(annex, /requirement for an Option, when implemented, overrides any requirement for the underlying Profile/i),
      minimumActions: findSentence(annex, /Table E\.1-1 defines the minimum actions required for conformance/i),
      groupRemoved: group ? { ...group, group: group.text.match(/Group Number of ([0-9A-F]{4})/)![1]! } : null,
      mutuallyExclusive: findSentence(annex, /mutually exclusive Options/i),
    },
  };
}

/** A cell's action code, exactly as written; null for an empty cell. */
export function parseActionCode(cell: string, where: string): ActionCode | null {
  const text = cell.replace(/\s+/g, "");
  if (text === "") return null;
  const code = ACTION_CODES.find((c) => c === text);
  if (!code) throw new Error(`${where} has "${cell}", which is not a PS3.15 Table E.1-1a action code (${ACTION_CODES.join(" ")})`);
  return code;
}

/**
 * "(0008,0050)" -> tag; "(60xx,3000)" -> mask; "(gggg,eeee) where gggg is odd" -> private.
 * Line breaks and spaces inside the parentheses are dropped first (the DocBook
 * source sometimes breaks a tag across lines).
 */
export function parseE11Tag(cell: string, where: string): E11Selector {
  if (/\bgggg\b/i.test(cell) && /\bodd\b/i.test(cell)) return { kind: "private" };
  const match = cell.replace(/\s+/g, "").match(/^\(([0-9A-Fa-fXx]{4}),([0-9A-Fa-fXx]{4})\)$/);
  if (!match) throw new Error(`${where}: the Tag cell "${cell}" is neither (gggg,eeee) nor the odd-group private row`);
  const hex = `${match[1]}${match[2]}`.toUpperCase();
  if (!hex.includes("X")) return { kind: "tag", tag: Number.parseInt(hex, 16) };
  return { kind: "mask", mask: hex.replace(/X/g, "x") };
}

/**
 * Table E.3.4-1: its unit columns are found by the same header abbreviations as Table E.1-1's
 * ("Basic Prof.", "Rtn. UIDs Opt."), so each column is the unit whose option it names.
 */
function readContentItems(doc: Document): AnnexE["contentItems"] {
  let grid: TableGrid;
  try {
    grid = readTable(findTable(doc, E341_LOCATOR));
  } catch {
    return null;
  }
  const keys = grid.headers.map((h) => h.toLowerCase());
  const column = (pattern: RegExp, what: string): number => {
    const i = keys.findIndex((k) => pattern.test(k));
    if (i < 0) throw new Error(`Table E.3.4-1 has no ${what} column (headers: ${grid.headers.map((h) => `"${h}"`).join(", ")})`);
    return i;
  };
  const meaningColumn = column(/meaning/, "code meaning");
  const valueColumn = column(/^code value/, "code value");
  const schemeColumn = column(/scheme/, "coding scheme designator");
  const typeColumn = column(/value type/, "value type");
  const unitColumns: { unit: string; column: number }[] = [];
  for (const spec of PS315_UNITS) {
    if (!spec.column) continue;
    const i = keys.findIndex((k) => spec.column!.test(k));
    if (i >= 0 && i !== meaningColumn && i !== valueColumn && i !== schemeColumn && i !== typeColumn) unitColumns.push({ unit: spec.name, column: i });
  }
  if (!unitColumns.some((u) => u.unit === "ps315.basic")) throw new Error(`Table E.3.4-1 has no Basic Profile column (headers: ${grid.headers.map((h) => `"${h}"`).join(", ")})`);
  const claimed = new Set(unitColumns.map((u) => u.column));
  const unclaimed = grid.headers.filter((h, i) => /\bopt\b|\bopt\.|option/i.test(h) && !claimed.has(i));
  if (unclaimed.length > 0) throw new Error(`Table E.3.4-1 has option columns that no ps315 unit claims: ${unclaimed.map((h) => `"${h}"`).join(", ")}`);
  const rows = grid.rows.map((cells): ContentItemRow => {
    const where = `Table E.3.4-1 row "${cells[meaningColumn]}" (${cells[valueColumn]}, ${cells[schemeColumn]}, ${cells[typeColumn]})`;
    if (!cells[valueColumn] || !cells[schemeColumn]) throw new Error(`${where} has no code value or coding scheme`);
    // "NCDR [2.0b]": objects carry the designator in (0008,0102) and the version in (0008,0103).
    const versioned = cells[schemeColumn]!.match(/^(.*\S)\s*\[([^\]]+)\]$/);
    return {
      meaning: cells[meaningColumn]!,
      codeValue: cells[valueColumn]!,
      codingScheme: versioned ? versioned[1]! : cells[schemeColumn]!,
      codingSchemeVersion: versioned ? versioned[2]! : null,
      valueType: cells[typeColumn]!.toUpperCase(),
      actions: unitColumns.map((u) => parseActionCode(cells[u.column]!, `${where}, column "${grid.headers[u.column]}"`)),
    };
  });
  return { caption: grid.caption, units: unitColumns.map((u) => u.unit), rows };
}

function readSafePrivate(grid: TableGrid): SafePrivateRow[] {
  const keys = grid.headers.map((h) => h.toLowerCase());
  const column = (pattern: RegExp, what: string): number => {
    const i = keys.findIndex((k) => pattern.test(k));
    if (i < 0) throw new Error(`Table E.3.10-1 has no ${what} column (headers: ${grid.headers.map((h) => `"${h}"`).join(", ")})`);
    return i;
  };
  const tagColumn = column(/element|tag/, "data element");
  const creatorColumn = column(/creator/, "private creator");
  const vrColumn = column(/^vr\b/, "VR");
  const vmColumn = column(/^vm\b/, "VM");
  const meaningColumn = column(/meaning|description|name/, "meaning");
  return grid.rows.map((cells): SafePrivateRow => {
    const tagText = cells[tagColumn]!;
    const creator = cells[creatorColumn]!;
    const where = `Table E.3.10-1 row ${tagText} "${creator}"`;
    // (gggg,xxEE): the creator reserves block xx of group gggg; EE is the offset inside the block.
    const match = tagText.replace(/\s+/g, "").match(/^\(([0-9A-Fa-f]{4}),[xX]{2}([0-9A-Fa-f]{2})\)$/);
    if (!match) throw new Error(`${where}: "${tagText}" is not of the form (gggg,xxee)`);
    const group = match[1]!.toUpperCase();
    if ((Number.parseInt(group, 16) & 1) === 0) throw new Error(`${where}: group ${group} is even, so not a private group`);
    if (creator === "") throw new Error(`${where}: no private creator`);
    return {
      tagText,
      group,
      offset: match[2]!.toUpperCase(),
      creator,
      vr: cells[vrColumn]!,
      vm: cells[vmColumn]!,
      meaning: cells[meaningColumn]!,
    };
  });
}
