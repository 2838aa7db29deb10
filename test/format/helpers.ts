// Shared by the formatter tests: parse-or-fail, format, and the tree
// comparison that the formatter promises to preserve.

import type { AnyNode, Comment, DeidFile, Span } from "../../src/syntax/ast";
import { formatDeid } from "../../src/syntax/format";
import { parseDeid } from "../../src/syntax/parse";

/** Parses text that must be free of syntax errors; the error says which ones. */
export function parseOk(text: string, path = "test.deid"): DeidFile {
  const { file, diagnostics } = parseDeid(text, path);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const where = (s: Span) => JSON.stringify(text.slice(Math.max(0, s.start - 20), s.end + 20));
    throw new Error(
      `${path}: syntax errors:\n${errors.map((d) => `  ${d.code} ${d.message} near ${where(d.span)}`).join("\n")}\n--- text ---\n${text}`,
    );
  }
  return file;
}

/** Parses and formats. */
export function fmt(text: string, path = "test.deid"): string {
  return formatDeid(parseOk(text, path), text);
}

/**
 * The tree without what formatting may change: spans, the as-written
 * spelling of tags and private tags (the formatter canonicalises it; value,
 * mask, group, creator and element still compare), and trailing whitespace
 * of comment text (the formatter writes no trailing whitespace).
 */
export function shape(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shape);
  if (node === null || typeof node !== "object") return node;
  const n = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === "span") continue;
    if (k === "text" && (n.kind === "TagRef" || n.kind === "PrivateRef")) continue;
    if (k === "text" && n.kind === "Comment") {
      out[k] = (v as string).replace(/\s+$/, "");
      continue;
    }
    out[k] = shape(v);
  }
  return out;
}

/**
 * Where a comment belongs, as a path of indexes. A comment after code on its
 * line belongs where that code is; a comment on its own line belongs to the
 * top-level item that contains it or, failing that, the item it precedes
 * (items.length: the end of the file). Inside an option or pixel block body,
 * likewise the statement or region; a comment in a block's header (before its
 * `{`) belongs to the block itself. The formatter may move a comment within
 * its construct but never to another one, so this path is the same before
 * and after formatting.
 */
export function commentOwner(file: DeidFile, c: Comment, text: string): number[] {
  let lineStart = c.span.start;
  while (lineStart > 0 && text[lineStart - 1] !== "\n" && text[lineStart - 1] !== "\r") lineStart--;
  const codeBefore = text.slice(lineStart, c.span.start).replace(/\s+$/, "");
  const pos = codeBefore === "" ? c.span.start : lineStart + codeBefore.length - 1;
  const path: number[] = [];
  let nodes: AnyNode[] = file.items;
  for (;;) {
    const inside = nodes.findIndex((n) => n.span.start <= pos && pos < n.span.end);
    if (inside < 0) {
      const next = nodes.findIndex((n) => n.span.start > pos);
      path.push(next < 0 ? nodes.length : next);
      return path;
    }
    path.push(inside);
    const n = nodes[inside]!;
    if (n.kind === "Option" || n.kind === "PixelBlock") {
      const headerEnd =
        n.kind === "Option"
          ? (n.code ?? n.title ?? n.name).span.end
          : ((n.because ?? n.when)?.span.end ?? n.span.start + "pixels".length);
      if (pos < openBrace(text, headerEnd, file.comments)) return path;
      nodes = n.kind === "Option" ? n.body : n.regions;
    } else return path;
  }
}

/** The `{` after a block header: only whitespace and comments lie between them. */
function openBrace(text: string, from: number, comments: Comment[]): number {
  let i = from;
  while (i < text.length && text[i] !== "{") {
    const c = comments.find((k) => k.span.start === i);
    i = c ? c.span.end : i + 1;
  }
  return i;
}

/** Each comment's text with its owner, sorted: equal before and after formatting. */
export function commentPlaces(file: DeidFile, text: string): string[] {
  return file.comments
    .map((c) => `${commentOwner(file, c, text).join(".")} //${c.text.replace(/\s+$/, "")}`)
    .sort();
}

/** Checks the formatter's contract on one text; returns the formatted text. */
export function checkContract(text: string, path = "test.deid"): string {
  const before = parseOk(text, path);
  const once = formatDeid(before, text);
  const after = parseOk(once, path);
  const twice = formatDeid(after, once);
  const problems: string[] = [];
  if (twice !== once) problems.push(`not idempotent:\n--- once ---\n${once}--- twice ---\n${twice}`);
  // Comments compare as a set here (their places are checked below): the
  // formatter's fixed order of profile clauses can reorder the comments
  // that move with the clauses.
  const sortedComments = (f: DeidFile) => ({
    ...f,
    comments: [...f.comments].sort((x, y) => (x.text < y.text ? -1 : x.text > y.text ? 1 : 0)),
  });
  const difference = firstDifference(shape(sortedComments(before)), shape(sortedComments(after)), "file");
  if (difference !== null) problems.push(`tree changed: ${difference}`);
  if (JSON.stringify(commentPlaces(after, once)) !== JSON.stringify(commentPlaces(before, text))) {
    problems.push(
      `comments moved:\n${commentPlaces(before, text).join("\n")}\n--- after ---\n${commentPlaces(after, once).join("\n")}`,
    );
  }
  problems.push(...layoutProblems(once));
  if (problems.length > 0) {
    throw new Error(`${path}:\n--- input ---\n${text}\n--- formatted ---\n${once}\n${problems.join("\n")}`);
  }
  return once;
}

/** Where two shaped trees first differ, or null when they are equal. */
export function firstDifference(a: unknown, b: unknown, at: string): string | null {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return a === b ? null : `at ${at}: ${JSON.stringify(a)} became ${JSON.stringify(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

/** The plain-text rules every formatted file follows. */
export function layoutProblems(out: string): string[] {
  const problems: string[] = [];
  if (out.includes("\r")) problems.push("carriage return in output");
  if (out !== "" && !out.endsWith("\n")) problems.push("no final newline");
  if (out.endsWith("\n\n")) problems.push("more than one final newline");
  if (out.startsWith("\n")) problems.push("leading blank line");
  if (out.includes("\n\n\n")) problems.push("two blank lines in a row");
  out.split("\n").forEach((line, i) => {
    if (/\s$/.test(line)) problems.push(`trailing whitespace on line ${i + 1}: ${JSON.stringify(line)}`);
    if (/\t/.test(line.replace(/\/\/.*$/, "").replace(/"(?:[^"\\]|\\.)*"/g, ""))) problems.push(`tab on line ${i + 1}`);
  });
  return problems;
}

/** Every fenced ```deid block of a markdown text, with its first line number. */
export function deidBlocks(markdown: string): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```deid") continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j]!.trim() !== "```") j++;
    blocks.push({ line: start + 1, text: lines.slice(start, j).join("\n") + "\n" });
    i = j;
  }
  return blocks;
}
