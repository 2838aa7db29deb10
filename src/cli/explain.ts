// `deidc explain <profile>`: the effective action for every attribute the
// profile names, and the rule (file:line) it came from, as Markdown a data
// release can publish, or as JSON.

import { compileProfile } from "../compile";
import { describeExpr, describeFilterOutcome, describePixelRule, describeRegion, explainProgram, explainValueRules, type ExplainRow, type ExplainValueRule } from "../ir/explain";
import type { IrProgram } from "../ir/types";
import { resolvedContentItems, type ResolvedContentItem } from "../runtime/executor/content-items";
import { imageOptionsOf } from "../ir/image-options";
import { findStdlib } from "../program/stdlib-index";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./exit";
import { renderDiagnostics } from "./output";

export interface ExplainOptions {
  with?: string[];
  format: string;
  list?: boolean;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * `--format json`: `attributes` has one entry per attribute or attribute family (ExplainRow),
 * `valueRules` one per `any where` rule (ExplainValueRule), which no attribute row names as its own.
 */
export interface ExplainJson {
  profile: string;
  attributes: ExplainRow[];
  valueRules: ExplainValueRule[];
  /** with ps315.clean-structured-content: Table E.3.4-1's rows as they apply to this profile (docs/executor.md) */
  contentItems?: ResolvedContentItem[];
  /** with ps315.clean-pixel-data or ps315.clean-recognizable-visual-features: the attributes that must be NO, and which objects are quarantined */
  optionMarkers?: OptionMarker[];
}

/** An attribute an option needs NO in, in every image it writes (docs/executor.md, "Options that need NO"). */
export interface OptionMarker {
  tag: string;
  keyword: string;
  value: "NO";
  /** the unit that carries the option's code */
  unit: string;
  /** the objects quarantined */
  quarantined: string;
}

/** The attributes the profile's options need NO in (PS3.15 E.3.1, E.3.2). */
export function optionMarkersOf(ir: IrProgram): OptionMarker[] {
  const { pixelData, visualFeatures } = imageOptionsOf(ir);
  const markers: OptionMarker[] = [];
  if (pixelData) {
    markers.push({ tag: "(0028,0301)", keyword: "BurnedInAnnotation", value: "NO", unit: pixelData.name, quarantined: "images whose value in the output would not be NO (absent, empty, YES), unless a `pixels complete` block applies to them" });
  }
  if (visualFeatures) {
    markers.push({ tag: "(0028,0302)", keyword: "RecognizableVisualFeatures", value: "NO", unit: visualFeatures.name, quarantined: "images whose value in the output would not be NO (absent, empty, YES): deidc does not find faces" });
  }
  return markers;
}

export function renderExplainMarkdown(ir: IrProgram, rows: ExplainRow[], valueRules: ExplainValueRule[] = explainValueRules(ir)): string {
  const out: string[] = [];
  out.push(`# De-identification: ${ir.profile.title ?? ir.profile.name}`, "");
  out.push(`- Profile: \`${ir.profile.name}\``);
  out.push(`- DICOM standard release: ${ir.profile.release ? `PS3.15 ${ir.profile.release}` : "not pinned"}`);
  out.push(`- Compiled by deidc ${ir.compiler}`, "");
  out.push("## Profile and options applied", "", "| # | unit | kind | CID 7050 code |", "|---|---|---|---|");
  for (const l of ir.profile.layers) out.push(`| ${l.index} | \`${l.name}\` | ${l.kind} | ${l.code ? `(${l.code.value}, ${l.code.scheme}, "${escapeCell(l.code.meaning)}")` : ""} |`);
  out.push("", "## Attributes", "", `${rows.length} attributes or attribute families. Action codes are PS3.15 Table E.1-1a's.`, "");
  out.push("| tag | keyword | action | decided by | reason | rule |", "|---|---|---|---|---|---|");
  for (const r of rows) {
    const action = escapeCell(r.action) + (r.conditional.length ? ` (but: ${escapeCell(r.conditional.join("; "))})` : "");
    out.push(`| ${escapeCell(r.tag)} | ${r.keyword ?? ""} | ${action} | \`${r.unit}\` | ${escapeCell(r.because ?? "")} | ${r.source}${r.selector ? ` (\`${escapeCell(r.selector)}\`)` : ""} |`);
  }
  if (valueRules.length) {
    out.push("", "## Rules that select by value", "");
    out.push("These decide any element, at any depth, whose value satisfies the selector's condition (never a sequence, Pixel Data or Overlay Data, nor an empty element). Each can override the row of every attribute not decided by a more specific rule; those rows say so with \"but: ... when any where ...\".", "");
    out.push("| selector | action | condition | decided by | reason | rule | can override |", "|---|---|---|---|---|---|---|");
    for (const v of valueRules) {
      out.push(`| \`${escapeCell(v.selector)}\` | ${escapeCell(v.action)} | ${escapeCell(v.condition ?? "")} | \`${v.unit}\` | ${escapeCell(v.because ?? "")} | ${v.source} | ${escapeCell(v.overrides)} |`);
    }
  }
  const contentItems = resolvedContentItems(ir);
  if (contentItems) {
    const count = (a: string) => contentItems.filter((c) => c.action === a).length;
    out.push("", "## Content items by concept name", "");
    out.push(
      `With the Clean Structured Content Option, a content item whose concept name and value type Table E.3.4-1 lists is removed (X: ${count("X")}), given dummies with its concept name kept (D, X/D: ${count("D")}), kept (K: ${count("K")}) or cleaned (C: ${count("C")}), by the cell of the last unit in force that has one; any other content item is cleaned.`,
      "",
    );
    out.push("| concept name | code | value type | action | decided by |", "|---|---|---|---|---|");
    for (const c of contentItems) out.push(`| ${escapeCell(c.codeMeaning)} | (${escapeCell(c.codeValue)}, ${escapeCell(c.codingSchemeDesignator)}${c.codingSchemeVersion ? ` [${escapeCell(c.codingSchemeVersion)}]` : ""}) | ${c.valueType} | ${c.code} | \`${c.unit}\` |`);
  }
  const markers = optionMarkersOf(ir);
  if (markers.length) {
    out.push("", "## Attributes the options need NO in", "");
    out.push("deidc reads neither text nor faces in pixels, so it never writes this NO on its own: the input says it, a rule of the profile sets or creates it, or (Burned In Annotation) a `pixels complete` block applies.", "");
    for (const m of markers) out.push(`- ${m.tag} ${m.keyword} = ${m.value} (\`${m.unit}\`); quarantined: ${escapeCell(m.quarantined)}`);
  }
  if (ir.filters.length) {
    out.push("", "## Object filters", "", "In this order; the first whose condition holds decides.", "");
    for (const f of ir.filters) out.push(`- ${f.outcome}${f.when ? ` when ${escapeCell(describeExpr(f.when))}` : ""}: ${describeFilterOutcome(f)}; ${escapeCell(f.reason)} (${f.source.file}:${f.source.line})`);
  }
  if (ir.pixels.length) {
    out.push("", "## Pixel regions blanked", "");
    out.push(ir.pixelApply === "first" ? "Only the first block whose condition holds applies (`pixels apply first`)." : "Every block whose condition holds applies.", "");
    for (const p of ir.pixels) {
      out.push(`- \`${escapeCell(describePixelRule(p))}\`${p.because ? `: ${escapeCell(p.because)}` : ""} (${p.source.file}:${p.source.line})${p.complete ? "; covers all burned-in text of the layout: Burned In Annotation becomes NO" : ""}`);
      for (const r of p.regions) out.push(`  - \`${describeRegion(r)}\``);
    }
  }
  out.push("", `Generated from DICOM PS3.15${ir.profile.release ? ` ${ir.profile.release}` : ""}, © NEMA, where standard-library units are used.`, "");
  return out.join("\n");
}

export function explainCommand(entry: string | undefined, opts: ExplainOptions): number {
  if (opts.list) {
    const index = findStdlib();
    if (!index) throw new UsageError("no standard library found beside this deidc");
    process.stdout.write(`standard library: DICOM PS3.15 ${index.release}\n`);
    for (const name of Object.keys(index.units).sort()) process.stdout.write(`  ${name}\n`);
    return EXIT_OK;
  }
  if (!entry) throw new UsageError("explain needs a profile: a rule file or a name such as `ps315.basic`");
  if (opts.format !== "md" && opts.format !== "json") throw new UsageError(`--format must be md or json, not \`${opts.format}\``);
  const result = compileProfile(entry, { withOptions: opts.with ?? [] });
  const sources = new Map<string, SourceText>(result.program.files.map((f) => [f.path, f.source]));
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !result.ir) {
    process.stderr.write(renderDiagnostics(errors, sources, "pretty", process.stderr) + "\n");
    return EXIT_FINDINGS;
  }
  const rows = explainProgram(result.ir);
  const valueRules = explainValueRules(result.ir);
  const contentItems = resolvedContentItems(result.ir);
  const optionMarkers = optionMarkersOf(result.ir);
  const json: ExplainJson = { profile: result.ir.profile.name, attributes: rows, valueRules, ...(contentItems ? { contentItems } : {}), ...(optionMarkers.length ? { optionMarkers } : {}) };
  process.stdout.write(opts.format === "json" ? JSON.stringify(json, null, 2) + "\n" : renderExplainMarkdown(result.ir, rows, valueRules));
  return EXIT_OK;
}
