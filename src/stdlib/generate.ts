// Generates the standard rule library (stdlib/) from NEMA's DocBook source of
// PS3.15: one `.deid` file per unit (the Basic Profile and each Option) and
// stdlib/index.json, which tells the compiler where each unit lives, and
// Table E.3.4-1 as data (ps315/content-item-concepts.json).
//
// The output is canonical `.deid` text (one rule per line, `selector -> action`,
// one space before `//`, option bodies indented by two spaces) and depends only
// on the source text and the data dictionary, so regenerating is byte-identical.

import { formatDeid } from "../syntax/format";
import { parseDeid } from "../syntax/parse";
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DICTIONARY_RELEASE, formatTag, lookupKeyword, lookupTag, tagHex } from "../dicom/dictionary";
import { type AnnexE, type E11Row, type Ps315Unit, type SafePrivateRow, readAnnexE } from "./annex-e";
import { CID_7050 } from "./cid7050";
import { parseDocBook } from "./docbook";

export interface StdlibIndexFile {
  release: string;
  source: { file: string; sha256: string };
  /** unit name -> path of its file relative to the library directory */
  units: Record<string, string>;
  counts: {
    /** rows of Table E.1-1 */
    e11Rows: number;
    /** rows of Table E.3.10-1 */
    safePrivate: number;
    /** distinct private creators in Table E.3.10-1 */
    safePrivateCreators: number;
    /** CID 7050 codes the units carry */
    codes: number;
    /** rows of Table E.3.4-1 (content item concept names), when the release has it */
    contentItems?: number;
  };
}

/** Where Table E.3.4-1 goes, relative to the library directory: data the executor reads, not rules (docs/stdlib.md). */
export const CONTENT_ITEMS_PATH = "ps315/content-item-concepts.json";

export interface GeneratedFile {
  /** path relative to the output directory, "/"-separated */
  path: string;
  lines: number;
  bytes: number;
}

export interface GenerateResult {
  release: string;
  source: { file: string; sha256: string };
  outDir: string;
  files: GeneratedFile[];
  counts: StdlibIndexFile["counts"];
}

/** Reads `sourceXmlPath` (a part15.xml), writes the library into `outDir`. */
export async function generateStdlib(sourceXmlPath: string, outDir: string): Promise<GenerateResult> {
  const bytes = await readFile(sourceXmlPath);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const sourceName = basename(sourceXmlPath);
  const files = renderStdlib(bytes.toString("utf8"), sourceName, sha256);
  const written: GeneratedFile[] = [];
  for (const [path, text] of files) {
    const target = join(outDir, ...path.split("/"));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, "utf8");
    written.push({ path, lines: countLines(text), bytes: Buffer.byteLength(text, "utf8") });
  }
  const index = JSON.parse(files.get(INDEX_PATH)!) as StdlibIndexFile;
  return { release: index.release, source: index.source, outDir, files: written, counts: index.counts };
}

export const INDEX_PATH = "index.json";

/**
 * The library's files (relative path -> text) for one part15.xml. Pure: the
 * same arguments always give the same bytes.
 */
export function renderStdlib(xmlText: string, sourceName: string, sha256: string): Map<string, string> {
  const annex = readAnnexE(parseDocBook(xmlText));
  const provenance: Provenance = { release: annex.release, sourceName, sha256 };
  const files = new Map<string, string>();
  for (const unit of annex.units) {
    const text = unit.spec.kind === "profile" ? renderBasicProfile(annex, unit, provenance) : renderOption(annex, unit, provenance);
    files.set(unit.spec.file, canonical(text, unit.spec.file));
  }
  if (annex.contentItems) files.set(CONTENT_ITEMS_PATH, renderContentItems(annex.contentItems, provenance));
  const index: StdlibIndexFile = {
    release: annex.release,
    source: { file: sourceName, sha256 },
    units: Object.fromEntries(annex.units.map((unit) => [unit.spec.name, unit.spec.file])),
    counts: {
      e11Rows: annex.e11.rows.length,
      safePrivate: annex.safePrivate.rows.length,
      safePrivateCreators: new Set(annex.safePrivate.rows.map((row) => row.creator)).size,
      codes: CID_7050.length,
      ...(annex.contentItems ? { contentItems: annex.contentItems.rows.length } : {}),
    },
  };
  files.set(INDEX_PATH, `${JSON.stringify(index, null, 2)}\n`);
  return files;
}

/**
 * Table E.3.4-1 as JSON, one row per line: what C on a content sequence (the Clean Structured
 * Content Option) does to a content item with each concept name, per unit (src/runtime/executor/content-items.ts).
 */
function renderContentItems(table: NonNullable<AnnexE["contentItems"]>, provenance: Provenance): string {
  const header = {
    generated: `by deidc from DICOM PS3.15 ${provenance.release} (${provenance.sourceName}, SHA-256 ${provenance.sha256}). Never edit by hand: regenerate with \`deidc stdlib generate --source <part15.xml> --out stdlib/\`.`,
    acknowledgement: `DICOM PS3.15 ${provenance.release}, © NEMA`,
    release: provenance.release,
    table: `Table E.3.4-1 "${table.caption}"`,
    about:
      "One row per content item concept name and value type: its action in each unit's column (null: the cell is empty). A designator the table writes with a version in brackets (\"NCDR [2.0b]\") is split into designator and version; items are matched on code value, designator and value type. With the Clean Structured Content Option, the executor applies the action of the last unit in force that has one to each content item it cleans: X removes the item, D and X/D give its values dummies, K keeps it, C cleans it.",
    columns: ["codeMeaning", "codeValue", "codingSchemeDesignator", "codingSchemeVersion", "valueType", ...table.units],
  };
  const rows = table.rows.map((row) => JSON.stringify([row.meaning, row.codeValue, row.codingScheme, row.codingSchemeVersion, row.valueType, ...row.actions]));
  return `${JSON.stringify({ ...header, rows: [] }, null, 2).replace('"rows": []', `"rows": [\n    ${rows.join(",\n    ")}\n  ]`)}\n`;
}

/**
 * Generated text in the formatter's canonical form, so `deidc fmt --check
 * stdlib/` holds by construction. A generated file that does not parse is a
 * generator bug, reported with the parser's first message.
 */
function canonical(text: string, path: string): string {
  const { file, diagnostics } = parseDeid(text, path);
  const error = diagnostics.find((d) => d.severity === "error");
  if (error) throw new Error(`generated ${path} does not parse: ${error.message} (offset ${error.span.start})`);
  return formatDeid(file, text);
}

interface Provenance {
  release: string;
  sourceName: string;
  sha256: string;
}

/** The comment every generated file starts with; `about` holds paragraphs, wrapped here. */
function fileHeader(provenance: Provenance, about: string[]): string[] {
  return [
    `// Generated by deidc from DICOM PS3.15 ${provenance.release}. Never edit by hand: regenerate with`,
    "// `deidc stdlib generate --source <part15.xml> --out stdlib/`.",
    `// Source: ${provenance.sourceName}, SHA-256 ${provenance.sha256}`,
    `// DICOM PS3.15 ${provenance.release}, © NEMA`,
    ...about.flatMap((paragraph) => ["//", ...wrap(paragraph, HEADER_WIDTH).map((line) => `// ${line}`)]),
    "deid 1",
  ];
}

const HEADER_WIDTH = 100;

/** Greedy word wrap; a word longer than `width` gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function unitIntro(unit: Ps315Unit): string {
  const where = unit.section ? `PS3.15 ${unit.section}` : "PS3.15 Annex E";
  return `${unit.spec.name}: ${unit.spec.codeMeaning} (${where}; CID 7050 code ${unit.code.value}).`;
}

function quoteSentence(sentence: { section: string | null; text: string } | null): string {
  // A sentence that introduces a list ends in a colon; the quote stands alone.
  return sentence ? ` ${sentence.section ?? "Annex E"}: "${sentence.text.replace(/:$/, "")}"` : "";
}

function renderBasicProfile(annex: AnnexE, unit: Ps315Unit, provenance: Provenance): string {
  const { minimumActions, groupRemoved } = annex.sentences;
  const lines = fileHeader(provenance, [
    unitIntro(unit),
    `One rule per row of Table E.1-1 "${annex.e11.caption}", in table order, with the ` +
      `"${unit.columnHeader}" action code verbatim and the standard's name and tag as a comment. ` +
      `A row is written with its keyword when deidc's data dictionary (PS3.6 ${DICTIONARY_RELEASE}) has that ` +
      "keyword for exactly that tag, and as a tag otherwise.",
    'The closing rules say what happens to attributes the table does not list (docs/stdlib.md, "Attributes the table does not list").',
  ]);
  lines.push(
    `profile ${unit.spec.name} ${quote(unit.spec.codeMeaning)} code ${unit.code.value} release ${quote(annex.release)}`,
    "",
    `// Table E.1-1, "${unit.columnHeader}": ${plural(annex.e11.rows.length, "row", "rows")}`,
  );
  for (const row of annex.e11.rows) lines.push(e11Rule(row, row.basic));

  lines.push("", "// Attributes the table does not list");
  if (groupRemoved) {
    lines.push(
      "// deidc does not de-identify DICOMDIR files: the standard lets a DICOMDIR be re-created from the",
      "// de-identified files it references, which is how a de-identified file set gets one.",
      `(${groupRemoved.group},xxxx) -> X because ${quote(`PS3.15 ${groupRemoved.section ?? "Annex E"}: ${groupRemoved.text}`)}`,
    );
  }
  const keepReason = minimumActions
    ? `PS3.15 ${minimumActions.section ?? "Annex E"}: ${minimumActions.text}`
    : "PS3.15 Annex E: the Basic Profile acts only on the attributes of Table E.1-1";
  lines.push(`* -> K because ${quote(keepReason)}`);
  return `${lines.join("\n")}\n`;
}

function renderOption(annex: AnnexE, unit: Ps315Unit, provenance: Provenance): string {
  const { spec } = unit;
  const rows = annex.e11.rows.flatMap((row) => {
    const code = row.options.get(spec.name);
    return code ? [{ row, code }] : [];
  });
  const about = [unitIntro(unit)];
  if (unit.columnHeader === null && spec.column === null) {
    about.push(
      "Table E.1-1 has no column for this option: it is defined by what happens to the Pixel Data itself. " +
        `${pixelOptionPurpose(spec.name)} That is done by pixel rules (\`pixels\` blocks), so this unit carries ` +
        "the option's code and no element rules.",
    );
  } else if (unit.columnHeader === null) {
    about.push(`Table E.1-1 of DICOM ${annex.release} has no column for this option, so it has no rules.`);
  } else {
    about.push(
      `One rule per non-empty cell of the "${unit.columnHeader}" column of Table E.1-1, in table order, ` +
        "with the cell's code verbatim. A later layer wins, so a profile that switches this option on gets " +
        `these codes instead of the Basic Profile's.${quoteSentence(annex.sentences.optionOverridesProfile)}`,
    );
    if (spec.cleanMeans && rows.some((r) => r.code === "C")) about.push(`C in this option means: ${spec.cleanMeans}.`);
  }
  const disagreements = disagreeingOptions(annex, unit);
  if (disagreements.length > 0) {
    about.push(
      disagreements
        .map(({ other, count, winner }) => {
          const outcome = winner === spec.name ? "this option's code wins there" : `the code of ${other} wins there`;
          return `For ${plural(count, "attribute", "attributes")} ${other} gives another code, and ${outcome}`;
        })
        .join("; ") + ', because the options layer in the order of stdlib/index.json (docs/stdlib.md, "How options combine").',
    );
  }
  if (spec.name.startsWith("ps315.retain-longitudinal-")) {
    about.push(
      "A profile cannot switch on both Retain Longitudinal Temporal Information options." +
        quoteSentence(annex.sentences.mutuallyExclusive),
    );
  }
  const lines = fileHeader(provenance, about);
  lines.push(`option ${spec.name} ${quote(spec.codeMeaning)} code ${unit.code.value} {`);
  if (unit.columnHeader !== null) {
    lines.push(`  // Table E.1-1, "${unit.columnHeader}": ${plural(rows.length, "cell", "cells")}`);
    for (const { row, code } of rows) lines.push(`  ${e11Rule(row, code)}`);
  } else if (spec.column === null) {
    lines.push("  // no element rules: pixel rules do this option's work");
  } else {
    lines.push(`  // no rules: DICOM ${annex.release} defines no cells for this option`);
  }
  if (spec.name === "ps315.retain-safe-private") {
    const creators = new Set(annex.safePrivate.rows.map((r) => r.creator)).size;
    lines.push(
      "",
      `  // Table E.3.10-1 "${annex.safePrivate.caption}": ${annex.safePrivate.rows.length} attributes of ${creators} private creators,`,
      "  // keyed by group, private creator and element offset in the creator's block. The standard's caveat:",
      "  // vendors do not guarantee them to be safe, nor commit to sending them in any software version.",
    );
    for (const row of annex.safePrivate.rows) lines.push(`  ${safePrivateRule(row)}`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * The other options whose column gives a different code for some attribute of
 * this one, and which of the two wins (the later in PS315_UNITS order). The
 * two Retain Longitudinal options are left out: they cannot be combined at all.
 */
function disagreeingOptions(annex: AnnexE, unit: Ps315Unit): { other: string; count: number; winner: string }[] {
  const exclusive = (a: string, b: string): boolean => a.startsWith("ps315.retain-longitudinal-") && b.startsWith("ps315.retain-longitudinal-");
  const order = annex.units.map((u) => u.spec.name);
  const counts = new Map<string, number>();
  for (const row of annex.e11.rows) {
    const mine = row.options.get(unit.spec.name);
    if (!mine) continue;
    for (const [other, code] of row.options) {
      if (other !== unit.spec.name && code !== mine && !exclusive(other, unit.spec.name)) counts.set(other, (counts.get(other) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
    .map(([other, count]) => ({ other, count, winner: order.indexOf(other) > order.indexOf(unit.spec.name) ? other : unit.spec.name }));
}

function pixelOptionPurpose(name: string): string {
  return name === "ps315.clean-pixel-data"
    ? "Switching it on switches on pixel handling: identifying information burned in to Pixel Data (7FE0,0010) is removed."
    : "Switching it on switches on feature handling: Pixel Data that would let a person be recognised (faces, surface renderings) is removed or distorted.";
}

/** `AccessionNumber -> Z // Accession Number (0008,0050)` */
function e11Rule(row: E11Row, code: string): string {
  const tag = row.selector.kind === "private" ? row.tagText : selectorTag(row);
  const comment = `${row.name} ${tag}${row.retired ? ", retired" : ""}`;
  return `${e11Selector(row)} -> ${code} // ${comment}`;
}

function selectorTag(row: E11Row): string {
  const { selector } = row;
  if (selector.kind === "tag") return formatTag(selector.tag);
  if (selector.kind === "mask") return `(${selector.mask.slice(0, 4)},${selector.mask.slice(4)})`;
  return row.tagText;
}

/**
 * The keyword when the dictionary knows the tag and that keyword's own tag is
 * this one (so that keyword and tag select the same element); the tag otherwise,
 * e.g. for attributes newer than the dictionary or a tag inside a repeating group.
 */
function e11Selector(row: E11Row): string {
  const { selector } = row;
  if (selector.kind === "private") return "private *";
  if (selector.kind === "mask") return selectorTag(row);
  const hex = tagHex(selector.tag);
  const entry = lookupTag(selector.tag);
  if (entry && entry.tag.toUpperCase() === hex && lookupKeyword(entry.keyword)?.tag.toUpperCase() === hex) return entry.keyword;
  return formatTag(selector.tag);
}

/** `(7053,"Philips PET Private Group",00) -> K // SUV Factor ... [DS, VM 1]` */
function safePrivateRule(row: SafePrivateRow): string {
  const details = [row.vr ? `VR ${row.vr}` : "VR not given", row.vm ? `VM ${row.vm}` : "VM not given"].join(", ");
  const meaning = row.meaning || "meaning not given";
  return `(${row.group},${quote(row.creator)},${row.offset}) -> K // ${meaning} [${details}]`;
}

/** A `.deid` string literal: escapes `\` and `"`; other characters stand for themselves. */
function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function countLines(text: string): number {
  return text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
}
