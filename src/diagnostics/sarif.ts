// Diagnostics as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange
// Format), the form code-scanning services and editor viewers import.
//
// One run per log. Every code that appears becomes a rule in
// tool.driver.rules, sorted by code so that two runs over the same files
// produce the same rule indexes. Regions carry both line/column and
// charOffset/charLength; the run declares `columnKind: "utf16CodeUnits"`, the
// unit every deidc span and column is counted in. When a file's text is not
// at hand (a file that could not be read) a region has only the offsets.

import type { Span } from "../syntax/ast";
import type { SourceText } from "../syntax/source";
import { codes } from "./codes";
import type { Diagnostic, Fix, Severity } from "./diagnostic";
import { clampSpan, type SourcesByFile } from "./json";

export const SARIF_VERSION = "2.1.0";
/** The OASIS standard's schema, with its errata 01, which is what 2.1.0 consumers validate against. */
export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export interface SarifToolInfo {
  name: string;
  version: string;
  informationUri?: string;
}

// The subset of the SARIF object model this formatter writes. Property names
// and nesting are the standard's; see the schema in test/fixtures/sarif/.

export type SarifLevel = "error" | "warning" | "note";

export interface SarifMessage {
  text: string;
}

export interface SarifArtifactLocation {
  uri: string;
  /** index into run.artifacts */
  index: number;
}

export interface SarifRegion {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  /** the column just past the region's last character */
  endColumn?: number;
  charOffset: number;
  charLength: number;
  snippet?: { text: string };
}

export interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region: SarifRegion;
  /** the whole lines around the region, when they are more than the region */
  contextRegion?: SarifRegion;
}

export interface SarifLocation {
  /** distinguishes related locations within one result (the schema wants them unique) */
  id?: number;
  physicalLocation: SarifPhysicalLocation;
  message?: SarifMessage;
}

export interface SarifReplacement {
  deletedRegion: SarifRegion;
  insertedContent?: { text: string };
}

export interface SarifFix {
  description: SarifMessage;
  artifactChanges: { artifactLocation: SarifArtifactLocation; replacements: SarifReplacement[] }[];
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  fixes?: SarifFix[];
}

export interface SarifRule {
  id: string;
  name?: string;
  shortDescription?: SarifMessage;
  defaultConfiguration: { level: SarifLevel };
}

export interface SarifRun {
  tool: { driver: { name: string; version: string; informationUri?: string; rules: SarifRule[] } };
  columnKind: "utf16CodeUnits";
  artifacts: { location: { uri: string } }[];
  results: SarifResult[];
}

export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: [SarifRun];
}

const levels: Record<Severity, SarifLevel> = { error: "error", warning: "warning", info: "note" };

/** The log as plain data; results keep the order given (callers sort with sortDiagnostics). */
export function buildSarifLog(diagnostics: readonly Diagnostic[], sources: SourcesByFile, tool: SarifToolInfo): SarifLog {
  const rules = rulesFor(diagnostics);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const artifacts = new ArtifactTable();
  const located = (file: string, span: Span) => physicalLocation(file, span, sources, artifacts);

  const results = diagnostics.map((d): SarifResult => {
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code)!,
      level: levels[d.severity],
      message: { text: d.help === undefined ? d.message : `${d.message}\nhelp: ${d.help}` },
      locations: [{ physicalLocation: located(d.file, d.span) }],
    };
    if (d.related && d.related.length > 0) {
      result.relatedLocations = d.related.map((r, id) => ({
        id,
        physicalLocation: located(r.file, r.span),
        message: { text: r.message },
      }));
    }
    if (d.fix) result.fixes = [sarifFix(d.fix, sources, artifacts)];
    return result;
  });

  const driver: SarifRun["tool"]["driver"] = { name: tool.name, version: tool.version, rules };
  if (tool.informationUri !== undefined) driver.informationUri = tool.informationUri;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver },
        columnKind: "utf16CodeUnits",
        artifacts: artifacts.list(),
        results,
      },
    ],
  };
}

/** The log as JSON text, indented and ending in a newline. */
export function renderSarif(diagnostics: readonly Diagnostic[], sources: SourcesByFile, tool: SarifToolInfo): string {
  return JSON.stringify(buildSarifLog(diagnostics, sources, tool), null, 2) + "\n";
}

/**
 * A relative path as a URI reference: forward slashes, each segment
 * percent-encoded (spaces, `#`, `?`, `%` and non-ASCII letters are legal in
 * paths but not in URIs). Absolute paths become `file:` URIs, so a Windows
 * drive letter is never read as a URI scheme.
 */
export function pathToUri(path: string): string {
  let slashed = path.replace(/\\/g, "/");
  while (slashed.startsWith("./")) slashed = slashed.slice(2);
  const segments = slashed.split("/");
  const encode = (parts: string[]) => parts.map(encodeURIComponent).join("/");
  const drive = segments[0]!;
  if (segments.length > 1 && /^[A-Za-z]:$/.test(drive)) return `file:///${drive}/${encode(segments.slice(1))}`;
  // "/a/b" gives "file:///a/b"; a UNC path "//host/share" gives "file://host/share".
  if (slashed.startsWith("/")) return `file:${slashed.startsWith("//") ? "" : "//"}${encode(segments)}`;
  return encode(segments);
}

// ---------------------------------------------------------------- pieces

function rulesFor(diagnostics: readonly Diagnostic[]): SarifRule[] {
  const severityOfFirstUse = new Map<string, Severity>();
  for (const d of diagnostics) if (!severityOfFirstUse.has(d.code)) severityOfFirstUse.set(d.code, d.severity);
  return [...severityOfFirstUse.keys()].sort().map((code): SarifRule => {
    const info = codes.get(code);
    if (!info) {
      // A code missing from the table still gets a rule, so ruleIndex always
      // resolves; its default level is the best evidence at hand.
      return { id: code, defaultConfiguration: { level: levels[severityOfFirstUse.get(code)!] } };
    }
    return {
      id: code,
      name: info.name,
      shortDescription: { text: info.summary },
      defaultConfiguration: { level: levels[info.severity] },
    };
  });
}

/** run.artifacts: each file once, in order of first mention. */
class ArtifactTable {
  private readonly indexByFile = new Map<string, number>();
  private readonly artifacts: { location: { uri: string } }[] = [];

  locationOf(file: string): SarifArtifactLocation {
    let index = this.indexByFile.get(file);
    if (index === undefined) {
      index = this.artifacts.length;
      this.indexByFile.set(file, index);
      this.artifacts.push({ location: { uri: pathToUri(file) } });
    }
    return { uri: this.artifacts[index]!.location.uri, index };
  }

  list(): { location: { uri: string } }[] {
    return this.artifacts;
  }
}

function physicalLocation(file: string, span: Span, sources: SourcesByFile, artifacts: ArtifactTable): SarifPhysicalLocation {
  const source = sources.get(file);
  const location: SarifPhysicalLocation = {
    artifactLocation: artifacts.locationOf(file),
    region: region(span, source, true),
  };
  const context = source && contextRegion(clampSpan(span, source), source);
  if (context) location.contextRegion = context;
  return location;
}

function region(span: Span, source: SourceText | undefined, withSnippet: boolean): SarifRegion {
  const { start, end } = clampSpan(span, source);
  if (!source) return { charOffset: start, charLength: end - start };
  const from = source.position(start);
  const to = source.position(end);
  const result: SarifRegion = {
    startLine: from.line,
    startColumn: from.column,
    endLine: to.line,
    endColumn: to.column,
    charOffset: start,
    charLength: end - start,
  };
  if (withSnippet) result.snippet = { text: source.text.slice(start, end) };
  return result;
}

/**
 * The full lines the span touches, for viewers that show context. SARIF
 * requires a context region to be a proper superset of its region, so there
 * is none when the span already covers whole lines. A span that ends just
 * after a line break does not touch the line after it.
 */
function contextRegion(span: Span, source: SourceText): SarifRegion | undefined {
  const first = source.position(span.start);
  const contextStart = span.start - (first.column - 1);
  const lastTouched = span.end > span.start ? span.end - 1 : span.end;
  const last = source.position(lastTouched);
  const lastLineEnd = lastTouched - (last.column - 1) + source.lineText(last.line).length;
  const contextEnd = Math.max(lastLineEnd, span.end);
  if (contextStart === span.start && contextEnd === span.end) return undefined;
  const end = source.position(contextEnd);
  return {
    startLine: first.line,
    startColumn: 1,
    endLine: end.line,
    endColumn: end.column,
    charOffset: contextStart,
    charLength: contextEnd - contextStart,
    snippet: { text: source.text.slice(contextStart, contextEnd) },
  };
}

function sarifFix(fix: Fix, sources: SourcesByFile, artifacts: ArtifactTable): SarifFix {
  const replacement: SarifReplacement = { deletedRegion: region(fix.span, sources.get(fix.file), false) };
  // A fix that only deletes has no inserted content; SARIF says so by omission.
  if (fix.text !== "") replacement.insertedContent = { text: fix.text };
  return {
    description: { text: fix.description },
    artifactChanges: [{ artifactLocation: artifacts.locationOf(fix.file), replacements: [replacement] }],
  };
}
