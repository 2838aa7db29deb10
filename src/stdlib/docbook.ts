// Reading tables and text out of NEMA's DocBook sources (part15.xml).
//
// Tables are found by their structure (xml:id, label, caption) rather than by
// position in the file, and cells are read into a plain grid so that the rest
// of the generator never sees XML. Cell text is normalised here once: the
// DocBook files carry zero-width spaces (U+200B) inside attribute names, line
// breaks and indentation inside tags, and footnotes inside cells, none of
// which belong to the value.

import { DOMParser, type Document, type Element, type Node } from "@xmldom/xmldom";

export interface TableLocator {
  /** xml:id, e.g. "table_E.1-1" */
  id: string;
  /** the label attribute, e.g. "E.1-1" */
  label: string;
  /** matched against the caption when neither id nor label is found */
  caption: RegExp;
}

export interface TableGrid {
  /** the id, label and caption the table was found with */
  id: string | null;
  label: string | null;
  caption: string;
  /** header cell texts, one per column (the last header row when there are several) */
  headers: string[];
  /** body rows, each with exactly headers.length normalised cell texts ("" for empty cells) */
  rows: string[][];
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

export function parseDocBook(xmlText: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") errors.push(message);
    },
  }).parseFromString(xmlText, "text/xml");
  if (errors.length > 0) throw new Error(`the DocBook source is not well-formed XML: ${errors[0]}`);
  return doc;
}

/** Child elements of `parent` with the given local name, in document order. */
export function childElements(parent: Node, localName?: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== ELEMENT_NODE) continue;
    const el = node as Element;
    if (localName === undefined || el.localName === localName) out.push(el);
  }
  return out;
}

/** Every descendant element with the given local name, in document order. */
export function descendants(root: Node, localName: string): Element[] {
  const out: Element[] = [];
  const walk = (node: Node): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType !== ELEMENT_NODE) continue;
      const el = child as Element;
      if (el.localName === localName) out.push(el);
      walk(el);
    }
  };
  walk(root);
  return out;
}

function xmlId(el: Element): string | null {
  return el.getAttribute("xml:id") ?? el.getAttributeNS("http://www.w3.org/XML/1998/namespace", "id");
}

/**
 * Collapses the text of an element to one line: footnotes dropped, zero-width
 * characters removed, no-break spaces made plain, whitespace runs collapsed,
 * paragraphs joined with a space.
 */
export function normalisedText(el: Node): string {
  return normaliseSpace(rawText(el));
}

export function normaliseSpace(text: string): string {
  return text
    .replace(/[\u200B\u200C\u200D\u2060\uFEFF\u00AD]/g, "")
    .replace(/[\s\u00A0\u2007\u202F]+/g, " ")
    .trim();
}

function rawText(node: Node): string {
  if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) return node.nodeValue ?? "";
  if (node.nodeType !== ELEMENT_NODE) return "";
  const el = node as Element;
  // A footnote's body is not part of the cell value; its mark is the footnote itself.
  if (el.localName === "footnote" || el.localName === "footnoteref") return "";
  // Cross-references are empty elements that the publishing tool fills in.
  if (el.localName === "xref") return crossReferenceText(el.getAttribute("linkend") ?? "");
  if (el.localName === "olink" && !el.firstChild) {
    const doc = el.getAttribute("targetdoc") ?? "";
    const target = el.getAttribute("targetptr") ?? "";
    return target === doc ? doc : `${doc} ${crossReferenceText(target)}`.trim();
  }
  let text = "";
  for (let child = el.firstChild; child; child = child.nextSibling) {
    const part = rawText(child);
    // Block children (one <para> per line in a cell) are separate words.
    text += child.nodeType === ELEMENT_NODE && BLOCK_ELEMENTS.has((child as Element).localName ?? "") ? ` ${part} ` : part;
  }
  return text;
}

/** "table_E.1-1" -> "Table E.1-1", "sect_E.3" -> "Section E.3", as the published text reads. */
function crossReferenceText(linkend: string): string {
  const cid = linkend.match(/^sect_CID_(\d+)$/);
  if (cid) return `CID ${cid[1]}`;
  const match = linkend.match(/^(table|sect|chapter|figure|biblio)_(.+)$/);
  if (!match) return linkend;
  const [, kind, label] = match;
  switch (kind) {
    case "table":
      return `Table ${label}`;
    case "sect":
      return `Section ${label}`;
    case "chapter":
      return /^[A-Z]+$/.test(label!) ? `Annex ${label}` : `Chapter ${label}`;
    case "figure":
      return `Figure ${label}`;
    default:
      return `[${label}]`;
  }
}

const BLOCK_ELEMENTS = new Set(["para", "simpara", "listitem", "itemizedlist", "orderedlist", "note", "entry"]);

/**
 * Finds one table: by xml:id first, then by label, then by caption. Throws when
 * none or several match, so that a changed source never yields a silently
 * wrong table.
 */
export function findTable(doc: Document, locator: TableLocator): Element {
  const tables = descendants(doc, "table");
  const byId = tables.filter((t) => xmlId(t) === locator.id);
  if (byId.length === 1) return byId[0]!;
  const byLabel = tables.filter((t) => t.getAttribute("label") === locator.label);
  if (byLabel.length === 1) return byLabel[0]!;
  const byCaption = tables.filter((t) => {
    const caption = childElements(t, "caption")[0] ?? childElements(t, "title")[0];
    return caption !== undefined && locator.caption.test(normalisedText(caption));
  });
  if (byCaption.length === 1) return byCaption[0]!;
  throw new Error(
    `table ${locator.label} not found (by xml:id "${locator.id}": ${byId.length}, by label: ${byLabel.length}, by caption ${locator.caption}: ${byCaption.length})`,
  );
}

/**
 * Reads a table into a rectangular grid of normalised cell texts, expanding
 * colspan and rowspan so that every row has one text per column.
 */
export function readTable(table: Element): TableGrid {
  const caption = childElements(table, "caption")[0] ?? childElements(table, "title")[0];
  const thead = childElements(table, "thead")[0];
  const tbodies = childElements(table, "tbody");
  const headerRows = thead ? expandRows(childElements(thead, "tr")) : [];
  const bodyRows = expandRows(tbodies.flatMap((body) => childElements(body, "tr")));
  const headers = headerRows[headerRows.length - 1] ?? [];
  const width = Math.max(headers.length, ...bodyRows.map((r) => r.length));
  const pad = (row: string[]): string[] => [...row, ...new Array<string>(width - row.length).fill("")];
  return {
    id: xmlId(table),
    label: table.getAttribute("label"),
    caption: caption ? normalisedText(caption) : "",
    headers: pad(headers),
    rows: bodyRows.map(pad),
  };
}

function span(el: Element, attribute: string): number {
  const n = Number.parseInt(el.getAttribute(attribute) ?? "1", 10);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** HTML-table row expansion: a cell spanning rows is repeated in the rows below it. */
function expandRows(trs: Element[]): string[][] {
  const grid: string[][] = [];
  /** column -> [text, rows still to fill] carried down from a rowspan above */
  const carried = new Map<number, [string, number]>();
  for (const tr of trs) {
    const row: string[] = [];
    let column = 0;
    const takeCarried = (): void => {
      for (let c = carried.get(column); c; c = carried.get(column)) {
        row[column] = c[0];
        if (c[1] <= 1) carried.delete(column);
        else c[1] -= 1;
        column += 1;
      }
    };
    for (const cell of childElements(tr).filter((el) => el.localName === "td" || el.localName === "th")) {
      takeCarried();
      const text = normalisedText(cell);
      const cols = span(cell, "colspan");
      const rows = span(cell, "rowspan");
      for (let i = 0; i < cols; i++) {
        row[column] = text;
        if (rows > 1) carried.set(column, [text, rows - 1]);
        column += 1;
      }
    }
    takeCarried();
    // Rowspans that reach past the end of this row's own cells.
    for (const [c, entry] of [...carried.entries()].sort((a, b) => a[0] - b[0])) {
      if (c < column) continue;
      row[c] = entry[0];
      if (entry[1] <= 1) carried.delete(c);
      else entry[1] -= 1;
    }
    grid.push(Array.from(row, (text) => text ?? ""));
  }
  return grid;
}

/** The book's subtitle, e.g. "DICOM PS3.15 2026c - Security and System Management Profiles". */
export function bookSubtitle(doc: Document): string | null {
  const book = doc.documentElement;
  if (!book) return null;
  const direct = childElements(book, "subtitle")[0];
  const inInfo = childElements(book, "info").flatMap((info) => childElements(info, "subtitle"))[0];
  const subtitle = direct ?? inInfo;
  return subtitle ? normalisedText(subtitle) : null;
}

/**
 * The DICOM release a DocBook part belongs to, read from its subtitle
 * ("DICOM PS3.15 2026c - ...") or, failing that, its releaseinfo.
 */
export function standardRelease(doc: Document): string {
  const candidates = [bookSubtitle(doc), ...descendants(doc, "releaseinfo").slice(0, 3).map(normalisedText)];
  for (const text of candidates) {
    const match = text?.match(/\bPS\s?3\.\d+\s+(\d{4}[a-z]?)\b/i) ?? text?.match(/\b((?:19|20)\d{2}[a-z])\b/);
    if (match) return match[1]!;
  }
  throw new Error("cannot find the DICOM release in the DocBook subtitle or releaseinfo");
}

export interface Section {
  /** the section number, e.g. "E.3.9" */
  label: string;
  title: string;
  element: Element;
}

/** The first section whose label starts with `labelPrefix` and whose title matches. */
export function findSectionByTitle(root: Node, title: RegExp, labelPrefix = ""): Section | null {
  for (const element of descendants(root, "section")) {
    const label = element.getAttribute("label") ?? "";
    if (!label.startsWith(labelPrefix)) continue;
    const titleElement = childElements(element, "title")[0];
    const text = titleElement ? normalisedText(titleElement) : "";
    if (title.test(text)) return { label, title: text, element };
  }
  return null;
}

/** The element with the given xml:id, e.g. "chapter_E". */
export function elementById(doc: Document, id: string): Element | null {
  const walk = (node: Node): Element | null => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType !== ELEMENT_NODE) continue;
      const el = child as Element;
      if (xmlId(el) === id) return el;
      const found = walk(el);
      if (found) return found;
    }
    return null;
  };
  return walk(doc);
}

export interface Sentence {
  /** number of the innermost section holding the sentence, e.g. "E.1.1" */
  section: string | null;
  text: string;
}

/**
 * The first sentence under `root` that matches `pattern`, outside tables.
 * Sentences are split at a full stop followed by a space and a capital.
 */
export function findSentence(root: Node, pattern: RegExp): Sentence | null {
  for (const para of descendants(root, "para")) {
    if (insideTable(para)) continue;
    for (const text of normalisedText(para).split(/(?<=\.)\s+(?=[A-Z])/)) {
      if (pattern.test(text)) return { section: enclosingSectionLabel(para), text };
    }
  }
  return null;
}

function insideTable(node: Node): boolean {
  for (let p = node.parentNode; p; p = p.parentNode) {
    if (p.nodeType === ELEMENT_NODE && (p as Element).localName === "table") return true;
  }
  return false;
}

function enclosingSectionLabel(node: Node): string | null {
  for (let p = node.parentNode; p; p = p.parentNode) {
    if (p.nodeType !== ELEMENT_NODE) continue;
    const el = p as Element;
    if (el.localName === "section" || el.localName === "chapter") {
      const label = el.getAttribute("label");
      if (label) return label;
    }
  }
  return null;
}
