// Shared by the syntax tests.

import type { DeidFile, Item, Rule, Span } from "../../src/syntax/ast";
import type { Diagnostic } from "../../src/diagnostics/diagnostic";
import { parseDeid } from "../../src/syntax/parse";
import { SourceText } from "../../src/syntax/source";

/** Parses text that must produce no diagnostic at all; a `deid 1` line is added unless `bare`. */
export function parseClean(body: string, { bare = false } = {}): { file: DeidFile; text: string } {
  const text = bare ? body : `deid 1\n${body}`;
  const { file, diagnostics } = parseDeid(text, "test.deid");
  if (diagnostics.length > 0) {
    throw new Error(`unexpected diagnostics:\n${diagnostics.map((d) => describe(d, text)).join("\n")}\n--- text ---\n${text}`);
  }
  return { file, text };
}

/** The only item of a clean file. */
export function onlyItem(body: string): { item: Item; text: string } {
  const { file, text } = parseClean(body);
  if (file.items.length !== 1) throw new Error(`expected one item, got ${file.items.length}`);
  return { item: file.items[0]!, text };
}

/** The only item of a clean file, which must be a rule. */
export function onlyRule(body: string): { rule: Rule; text: string } {
  const { item, text } = onlyItem(body);
  if (item.kind !== "Rule") throw new Error(`expected a rule, got ${item.kind}`);
  return { rule: item, text };
}

export function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** `line:column code message`, the form the error tests compare against. */
export function describe(d: Diagnostic, text: string): string {
  const p = new SourceText("test.deid", text).position(d.span.start);
  return `${p.line}:${p.column} ${d.code} ${d.message}`;
}

/** All diagnostics of a text, described. */
export function diagnosticsOf(text: string): string[] {
  return parseDeid(text, "test.deid").diagnostics.map((d) => describe(d, text));
}

/**
 * Removes the span of every node, recursively, so a test can compare the
 * shape of a tree without restating offsets (spans are tested separately).
 */
export function withoutSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSpans);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (key !== "span") out[key] = withoutSpans(value);
  return out;
}

/** Every node that has a span, with the text it covers; for checking spans wholesale. */
export function spannedTexts(node: unknown, text: string, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const n of node) spannedTexts(n, text, out);
  } else if (node !== null && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (typeof record.kind === "string" && record.span) out.push(`${record.kind}: ${slice(text, record.span as Span)}`);
    for (const [key, value] of Object.entries(record)) if (key !== "span") spannedTexts(value, text, out);
  }
  return out;
}
