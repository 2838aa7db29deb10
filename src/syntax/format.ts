// The canonical formatter of .deid files (`deidc fmt`).
//
// It prints a parsed file from its AST, so two files that parse to the same
// tree print the same text, whatever spacing or line breaks the author used.
// The source text is consulted only for what the AST does not hold: where the
// comments sit relative to the code, where the author left blank lines, and
// where the braces of `option` and `pixels` blocks are.
//
// Guarantees (tested in test/format):
//   - formatDeid(parse(formatDeid(parse(x)))) === formatDeid(parse(x));
//   - parse(formatDeid(parse(x))) has the same tree as parse(x), apart from
//     spans and the as-written `text` of tags and private tags (the formatter
//     rewrites those to the canonical spelling below), and comment text loses
//     its trailing whitespace;
//   - every comment is kept, with the construct it was written next to (so
//     comments move with profile clauses when those are put in order).
//
// Canonical spellings, one per construct:
//
//   file          `deid 1`, then exactly one blank line, then the items, in
//                 source order, each starting on its own line. Between
//                 items, statements of a block body and comments, the
//                 author's blank lines are kept but never more than one;
//                 none is added, and none is kept right after a `{`, right
//                 before a `}` or inside a profile header. LF line endings
//                 (CRLF and CR become LF), no byte order mark, no trailing
//                 whitespace, exactly one final newline (an empty file, or
//                 one of whitespace only, becomes empty).
//   indentation   two spaces per level: profile clauses, option bodies,
//                 pixel regions.
//   profile       `profile NAME "title"`, then one clause per line in this
//                 order: `  based on NAME`, `  with A, B` (every `with` of
//                 the header merged into one line), `  code N`,
//                 `  release "R"`. The clause order is fixed because the
//                 tree does not record the author's order and the meaning does
//                 not depend on it.
//   option        `option NAME "title" code N {`, statements indented, `}` on
//                 its own line (also when the body is empty).
//   pixels        `pixels complete when EXPR because "why" {`, one
//                 `blank (x, y, w, h) frames 1..3, 5 fill 0` per line, `}`;
//                 shapes `(x, y, w, h)`, `from (x0, y0) to (x1, y1)`, `all`,
//                 `ultrasound regions`; `Columns - 200` with spaced `-`
//                 however the author wrote it; `fill (R, G, B)`.
//                 A frame range has no spaces around `..`: its ends are
//                 plain numbers, as in a tag range; an argument range
//                 (below) joins whole expressions and is spaced like an
//                 operator. `pixels apply first` on its own line.
//   when          `when EXPR {`, statements indented, `}` on its own line;
//                 blocks nest.
//   import        `import "path"`.
//   secret        `secret NAME from env VAR`, `secret NAME from file "path"`.
//   param         `param NAME: TYPE = EXPR`.
//   let           `let NAME = EXPR`.
//   rule          `SEL, SEL -> ACTION when EXPR because "why"` on one line.
//   filter        `reject when EXPR because "why"`, likewise `quarantine`.
//   selectors     `vr DA, DT`; `private *`; `*`; paths `/A/**/B[0]`, where an
//                 item index `[*]` is written as no index (they mean the same
//                 and the tree does not tell them apart).
//   tags          `(0010,0010)`: upper-case hex digits, lower-case `x` in
//                 masks `(60xx,4000)`, `@` (even) and `#` (odd)
//                 digits `(50@x,xxxx)`; ranges `(0008,0000)..(0008,FFFF)`
//                 without spaces; private tags `(0029,"CREATOR",1A)` with a
//                 two-digit upper-case element offset, or `xx` for the block.
//   actions       codes and words as the author wrote them (`X/Z`, `remove`);
//                 `shift(EXPR)`, `lookup("t.csv", K) else ACTION`,
//                 `coarsen(year)`, `replace(/re/flags, "s")`. A value to
//                 set is written without `set` (`-> "ANON"`, and
//                 `-> empty(PatientName)`, which the grammar reads as the
//                 function), since the tree does not record the word.
//   expressions   binary operators and keyword operators between single
//                 spaces (`a == b`, `x + y`, `A in [1, 2]`); `not X`;
//                 calls `f(a, b)`; lists `[a, b]`; argument ranges with spaced
//                 `..` (`-365 .. -30`); parentheses exactly where the author
//                 put them (Paren nodes), never removed, never added for a
//                 tree that came from the parser. An `and` or `or` chain
//                 prints flat however its tree groups it (the parser
//                 balances long chains; grouping does not change the
//                 meaning); chains, `+` and runs of `not` are printed
//                 without recursion, so a hand-built tree of any length
//                 prints.
//   literals      numbers as written (NumberLit.raw); regular expressions as
//                 written; strings re-escaped: `\"`, `\\`, `\n`, `\t`, and
//                 `\u{HEX}` (upper-case, no leading zeros) for other control,
//                 line-separator and lone-surrogate characters; every other
//                 character as itself.
//   comments      `//` and the author's text unchanged except for trailing
//                 whitespace. A comment on its own line stays on its own line
//                 before the line that followed it, at that line's
//                 indentation (a comment before a closing `}` is indented as
//                 the block's body). A comment after code stays after that
//                 code, one space away. A comment written inside a construct
//                 that prints on one line (a rule split over several lines, a
//                 block header, a profile clause) cannot stay there, so it
//                 moves onto its own line just before that construct. The
//                 exception is a condition (or a `let` or `param` value)
//                 whose terms `and` and `or` join, with a comment after its
//                 first term: it prints one term per line, each further line
//                 indented two levels and starting with its operator, so the
//                 comment stays before the term it preceded or after the one
//                 it followed (see layoutConditional).

import type {
  Action,
  Binary,
  Comment,
  Coordinate,
  DeidFile,
  Expr,
  FrameRange,
  Item,
  OptionUnit,
  PathStep,
  PixelBlock,
  PixelRegion,
  PrivateRef,
  ProfileHeader,
  Selector,
  Span,
  Statement,
  StringLit,
  TagRef,
} from "./ast";

/** Formats a well-formed file (no syntax errors) to its canonical text. */
export function formatDeid(file: DeidFile, sourceText: string): string {
  const units = layout(file, sourceText);
  const eof = attachComments(file.comments, units, sourceText);
  const lines = toLines(units, eof);
  return render(lines, sourceText);
}

// ---------------------------------------------------------------- layout
//
// A Unit is one output line of code: its text, and the source ranges of the
// code it prints. Comments are attached to units by source position, then the
// units are printed in order with their comments.

interface Unit {
  text: string;
  indent: number;
  /** indentation of the comments printed before this line */
  commentIndent: number;
  /** source ranges of the code printed on this line, in source order */
  segments: Span[];
  start: number;
  end: number;
  /** whether the author's blank line before this line (and its comments) is kept */
  blankBefore: boolean;
  /** a block header: the body starts right after it, never after a blank line */
  opensBlock: boolean;
  /** a closing `}`: printed right after the body or its last comment */
  closesBlock: boolean;
  /** `deid 1`: the one line always followed by a blank line */
  isVersion: boolean;
  /** comments printed on their own lines before this one */
  before: Comment[];
  trailing: Comment | null;
}

const INDENT = 2;

function unit(text: string, indent: number, segments: Span[], flags: Partial<Unit> = {}): Unit {
  const sorted = [...segments].sort((a, b) => a.start - b.start);
  return {
    text,
    indent,
    commentIndent: indent,
    segments: sorted,
    start: sorted.length > 0 ? sorted[0]!.start : 0,
    end: sorted.reduce((m, s) => Math.max(m, s.end), 0),
    blankBefore: true,
    opensBlock: false,
    closesBlock: false,
    isVersion: false,
    before: [],
    trailing: null,
    ...flags,
  };
}

/** What layout reads besides the tree: the text, for brace positions, and the comments. */
interface Source {
  text: string;
  /** in source order */
  comments: readonly Comment[];
}

function layout(file: DeidFile, text: string): Unit[] {
  const out: Unit[] = [];
  const source: Source = { text, comments: file.comments };
  if (file.version) {
    out.push(unit(`deid ${file.version.value}`, 0, [file.version.span], { isVersion: true }));
  }
  for (const item of file.items) layoutItem(item, 0, out, source);
  return out;
}

function layoutItem(item: Item, indent: number, out: Unit[], source: Source): void {
  switch (item.kind) {
    case "Import":
      out.push(unit(`import ${str(item.path)}`, indent, [item.span]));
      return;
    case "Profile":
      layoutProfile(item, indent, out);
      return;
    case "Option":
      layoutOption(item, indent, out, source);
      return;
    case "Secret": {
      const ref = item.ref.kind === "String" ? str(item.ref) : item.ref.text;
      out.push(unit(`secret ${item.name.text} from ${item.source} ${ref}`, indent, [item.span]));
      return;
    }
    case "Param": {
      const head = `param ${item.name.text}: ${item.type.text}`;
      layoutConditional({ head: `${head} = `, condition: item.default, tail: "", bare: head }, item.span, indent, out, source);
      return;
    }
    case "Let":
      layoutConditional({ head: `let ${item.name.text} = `, condition: item.value, tail: "", bare: "" }, item.span, indent, out, source);
      return;
    case "PixelApply":
      out.push(unit(`pixels apply ${item.mode}`, indent, [item.span]));
      return;
    case "Rule":
    case "Filter":
    case "PixelBlock":
    case "WhenBlock":
      layoutStatement(item, indent, out, source);
      return;
  }
}

function layoutStatement(s: Statement, indent: number, out: Unit[], source: Source): void {
  switch (s.kind) {
    case "Rule": {
      const head = `${s.selectors.map(selector).join(", ")} -> ${action(s.action)}`;
      layoutConditional(withCondition(head, s.when, s.because, ""), s.span, indent, out, source);
      return;
    }
    case "Filter":
      layoutConditional(withCondition(s.outcome, s.when, s.because, ""), s.span, indent, out, source);
      return;
    case "PixelBlock":
      layoutPixels(s, indent, out, source);
      return;
    case "WhenBlock":
      layoutBlock({ head: "when ", condition: s.when, tail: " {", bare: "" }, s.span, s.when.span.end, indent, out, source, (inner) => {
        for (const b of s.body) layoutStatement(b, inner, out, source);
      });
      return;
  }
}

function layoutProfile(p: ProfileHeader, indent: number, out: Unit[]): void {
  const headEnd = (p.title ?? p.name).span.end;
  const title = p.title ? ` ${str(p.title)}` : "";
  out.push(unit(`profile ${p.name.text}${title}`, indent, [{ start: p.span.start, end: headEnd }]));
  // Clauses print one per line in a fixed order; their segments are the
  // source ranges of their operands, so a comment written among them stays
  // with the clause it was next to even when the clause moves.
  const clause = (text: string, segments: Span[]) =>
    out.push(unit(text, indent + INDENT, segments, { blankBefore: false }));
  if (p.basedOn) clause(`based on ${p.basedOn.text}`, [p.basedOn.span]);
  if (p.options.length > 0) clause(`with ${p.options.map((o) => o.text).join(", ")}`, p.options.map((o) => o.span));
  if (p.code) clause(`code ${p.code.raw}`, [p.code.span]);
  if (p.release) clause(`release ${str(p.release)}`, [p.release.span]);
}

function layoutOption(o: OptionUnit, indent: number, out: Unit[], source: Source): void {
  const title = o.title ? ` ${str(o.title)}` : "";
  const code = o.code ? ` code ${o.code.raw}` : "";
  const headerEnd = (o.code ?? o.title ?? o.name).span.end;
  const header = `option ${o.name.text}${title}${code} {`;
  layoutBlock({ head: "", condition: null, tail: "", bare: header }, o.span, headerEnd, indent, out, source, (inner) => {
    for (const s of o.body) layoutStatement(s, inner, out, source);
  });
}

function layoutPixels(p: PixelBlock, indent: number, out: Unit[], source: Source): void {
  const headerEnd = (p.because ?? p.when)?.span.end ?? p.span.start + "pixels".length;
  const header = withCondition(`pixels${p.complete ? " complete" : ""}`, p.when, p.because, " {");
  layoutBlock(header, p.span, headerEnd, indent, out, source, (inner) => {
    for (const r of p.regions) out.push(unit(region(r), inner, [r.span]));
  });
}

/** A header line ending in `{`, a body one level in, and a closing `}` line. */
function layoutBlock(
  header: Conditional,
  span: Span,
  headerEnd: number,
  indent: number,
  out: Unit[],
  source: Source,
  body: (indent: number) => void,
): void {
  const open = findOpenBrace(source.text, headerEnd, span.end);
  layoutConditional(header, { start: span.start, end: open + 1 }, indent, out, source, { opensBlock: true });
  body(indent + INDENT);
  const close = findCloseBrace(source.text, span);
  out.push(
    unit("}", indent, [{ start: close, end: close + 1 }], {
      commentIndent: indent + INDENT,
      closesBlock: true,
    }),
  );
}

/**
 * A line that may end in a condition or value: `head` + condition + `tail`,
 * or `bare` when there is none (`reject`, `option a {`).
 */
interface Conditional {
  head: string;
  condition: Expr | null;
  tail: string;
  bare: string;
}

/** `head when EXPR because "why"` + `tail`: a rule, a filter or a pixel block header. */
function withCondition(head: string, when: Expr | null, because: StringLit | null, tail: string): Conditional {
  const reason = because ? ` because ${str(because)}` : "";
  return when
    ? { head: `${head} when `, condition: when, tail: reason + tail, bare: "" }
    : { head: "", condition: null, tail: "", bare: head + reason + tail };
}

/** Indentation of the lines that continue a condition split over lines: two levels, so a block body stays apart. */
const CONTINUATION = 2 * INDENT;

/**
 * One line, or, when a comment sits among the terms of its condition, one
 * line per term. The terms are those the condition's `and` and `or`
 * operators join (outside brackets); with a comment anywhere after the
 * first, each further term goes on a line of its own, starting with the
 * operator before it:
 *
 *     reject when Modality == "OT"
 *         // screen captures
 *         or ImageType contains "SCREEN" and Rows > 600
 *
 * prints as
 *
 *     reject when Modality == "OT"
 *         // screen captures
 *         or ImageType contains "SCREEN"
 *         and Rows > 600
 *
 * The lines hold the text the condition prints as on one line, broken
 * before operators, so they read (and parse) the same. Each term line's
 * source range starts where the previous term ends, so a comment before
 * the operator or the term stays before that term's line, and a comment
 * after a term on its line stays after it. Whether to split depends only on
 * whether such a comment exists, and in the output one always does, so
 * formatting again splits the same way. A comment inside the first term
 * moves before the whole construct, as for other one-line constructs.
 */
function layoutConditional(line: Conditional, span: Span, indent: number, out: Unit[], source: Source, flags: Partial<Unit> = {}): void {
  const e = line.condition;
  if (e === null) {
    out.push(unit(line.bare, indent, [span], flags));
    return;
  }
  const terms = logicalTerms(e);
  const first = terms[0]!;
  if (terms.length === 1 || !hasCommentIn(source.comments, first.term.span.end, e.span.end)) {
    out.push(unit(line.head + expr(e) + line.tail, indent, [span], flags));
    return;
  }
  out.push(unit(line.head + expr(first.term, first.min), indent, [{ start: span.start, end: first.term.span.end }], { ...flags, opensBlock: false }));
  for (let i = 1; i < terms.length; i++) {
    const { op, term, min } = terms[i]!;
    const last = i === terms.length - 1;
    const range = { start: terms[i - 1]!.term.span.end, end: last ? span.end : term.span.end };
    const text = `${op} ${expr(term, min)}${last ? line.tail : ""}`;
    out.push(unit(text, indent + CONTINUATION, [range], last ? { ...flags, blankBefore: false } : { blankBefore: false }));
  }
}

interface LogicalTerm {
  /** the operator before the term; null for the first */
  op: "and" | "or" | null;
  term: Expr;
  /** the binding strength its place needs (brackets below it: only in a hand-built tree) */
  min: number;
}

/**
 * The terms `and` and `or` join in `e`, in source order, without recursion:
 * `A and B or C` gives A, `and` B, `or` C. An `or` under an `and` is one
 * term: the parser puts brackets (a Paren node) around it, and a hand-built
 * tree gets them from `expr`.
 */
function logicalTerms(e: Expr): LogicalTerm[] {
  const terms: LogicalTerm[] = [];
  const pending: ({ node: Expr; min: number } | { op: "and" | "or" })[] = [{ node: e, min: 0 }];
  let op: "and" | "or" | null = null;
  while (pending.length > 0) {
    const next = pending.pop()!;
    if ("op" in next) {
      op = next.op;
      continue;
    }
    const { node, min } = next;
    if (node.kind === "Binary" && (node.op === "and" || node.op === "or") && precedence(node) >= min) {
      // Both operators are associative: an operand of the same operator continues the chain on either side.
      const p = precedence(node);
      pending.push({ node: node.right, min: p }, { op: node.op }, { node: node.left, min: p });
    } else {
      terms.push({ op, term: node, min });
      op = null;
    }
  }
  return terms;
}

/** Whether a comment starts in [from, to). */
function hasCommentIn(comments: readonly Comment[], from: number, to: number): boolean {
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid]!.span.start < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < comments.length && comments[lo]!.span.start < to;
}

/** The `{` of a block: only whitespace and comments separate it from the header. */
function findOpenBrace(src: string, from: number, limit: number): number {
  let i = from;
  while (i < limit && src[i] !== "{") {
    if (src.startsWith("//", i)) {
      while (i < limit && src[i] !== "\n" && src[i] !== "\r") i++;
    } else i++;
  }
  return i < limit ? i : from;
}

/** The `}` that ends a block's span (the parser's span ends just after it). */
function findCloseBrace(src: string, span: Span): number {
  let i = span.end - 1;
  while (i > span.start && src[i] !== "}" && /\s/.test(src[i] ?? "")) i--;
  return i;
}

// ---------------------------------------------------------------- comments

/** Attaches each comment to a unit; returns the comments after the last code. */
function attachComments(comments: Comment[], units: Unit[], src: string): Comment[] {
  // Every unit's source ranges, in source order. They never overlap: each
  // piece of code prints on exactly one line.
  const segments = units
    .flatMap((u) => u.segments.map((s) => ({ ...s, unit: u })))
    .sort((a, b) => a.start - b.start);
  /** index of the first segment starting at or after pos */
  const firstFrom = (pos: number): number => {
    let lo = 0;
    let hi = segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (segments[mid]!.start < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** the unit with code on both sides of pos (or ending at pos, when endInclusive) */
  const containing = (pos: number, endInclusive: boolean): Unit | undefined => {
    const s = segments[firstFrom(pos) - 1];
    return s && (endInclusive ? pos <= s.end : pos < s.end) ? s.unit : undefined;
  };
  const eof: Comment[] = [];
  /** Before the next code in source order, or at the end of the file. */
  const placeBefore = (c: Comment): void => {
    const next = segments[firstFrom(c.span.end)];
    if (next) next.unit.before.push(c);
    else eof.push(c);
  };

  for (const c of comments) {
    const lineStart = lineStartOf(src, c.span.start);
    const codeEnd = lineStart + src.slice(lineStart, c.span.start).replace(/\s+$/, "").length;
    if (codeEnd > lineStart) {
      // After code on the same line: trailing if it follows the last code of
      // a line unit; otherwise it was written inside a construct printed on
      // one line (or after a keyword that prints with the next operand), and
      // moves onto its own line just before that construct.
      const u = containing(codeEnd, true);
      if (u && codeEnd === u.end && u.trailing === null) u.trailing = c;
      else if (u) u.before.push(c);
      else placeBefore(c);
    } else {
      const u = containing(c.span.start, false);
      if (u) u.before.push(c);
      else placeBefore(c);
    }
  }
  return eof;
}

function lineStartOf(src: string, pos: number): number {
  let i = pos;
  while (i > 0 && src[i - 1] !== "\n" && src[i - 1] !== "\r") i--;
  return i;
}

// ---------------------------------------------------------------- lines

interface Line {
  text: string;
  /** source offset where the author's blank line would end; null: never a blank line before */
  srcStart: number | null;
  srcEnd: number;
  forceBlankBefore: boolean;
  noBlankAfter: boolean;
}

function commentText(c: Comment): string {
  return `//${c.text}`.replace(/\s+$/, "");
}

function toLines(units: Unit[], eof: Comment[]): Line[] {
  const lines: Line[] = [];
  let afterVersion = false;
  const push = (l: Omit<Line, "forceBlankBefore">): void => {
    lines.push({ ...l, forceBlankBefore: afterVersion });
    afterVersion = false;
  };
  for (const u of units) {
    const pad = " ".repeat(u.commentIndent);
    // Comments before the line, in source order: the author's own-line ones
    // and then those moved out of the code. A blank line is kept where the
    // author had one before the comment or, for a moved comment, before the
    // construct it came from.
    for (const c of [...u.before].sort((a, b) => a.span.start - b.span.start)) {
      const srcStart = u.blankBefore ? Math.min(c.span.start, u.start) : null;
      push({ text: pad + commentText(c), srcStart, srcEnd: c.span.end, noBlankAfter: false });
    }
    const srcStart = u.blankBefore && !u.closesBlock ? u.start : null;
    const text = " ".repeat(u.indent) + u.text + (u.trailing ? ` ${commentText(u.trailing)}` : "");
    push({ text, srcStart, srcEnd: Math.max(u.end, u.trailing?.span.end ?? 0), noBlankAfter: u.opensBlock });
    if (u.isVersion) afterVersion = true;
  }
  for (const c of eof) push({ text: commentText(c), srcStart: c.span.start, srcEnd: c.span.end, noBlankAfter: false });
  return lines;
}

function render(lines: Line[], src: string): string {
  let out = "";
  let maxEnd = -1;
  lines.forEach((l, i) => {
    if (i > 0) {
      const prev = lines[i - 1]!;
      const blank =
        l.forceBlankBefore ||
        (!prev.noBlankAfter && l.srcStart !== null && l.srcStart > maxEnd && hasBlankLine(src.slice(maxEnd, l.srcStart)));
      if (blank) out += "\n";
    }
    out += l.text.replace(/\s+$/, "") + "\n";
    maxEnd = Math.max(maxEnd, l.srcEnd);
  });
  return out;
}

/** Whether a stretch of source text holds an empty (or whitespace-only) line. */
function hasBlankLine(gap: string): boolean {
  return /\n[^\S\n]*\n/.test(gap.replace(/\r\n?/g, "\n"));
}

// ---------------------------------------------------------------- statements

function selector(s: Selector): string {
  switch (s.kind) {
    case "PathSelector":
      return (s.anchored ? "/" : "") + s.steps.map(step).join("/");
    case "VrSelector":
      return `vr ${s.vrs.map((v) => v.text).join(", ")}`;
    case "PrivateAllSelector":
      return "private *";
    case "AllSelector":
      return "*";
    case "KeywordPatternSelector":
      return `keyword ${regex(s.pattern.pattern, s.pattern.flags)}`;
    case "AnyWhereSelector":
      return `any where ${expr(s.test)}`;
  }
}

function step(s: PathStep): string {
  if (s.kind === "DeepStep") return "**";
  if (s.kind === "AnyStep") return "*";
  const index = s.item ? `[${s.item.raw}]` : "";
  const e = s.element;
  switch (e.kind) {
    case "KeywordRef":
      return e.keyword + index;
    case "TagRef":
      return tag(e) + index;
    case "TagRangeRef":
      return `${tag(e.from)}..${tag(e.to)}` + index;
    case "PrivateRef":
      return privateTag(e) + index;
  }
}

function action(a: Action): string {
  switch (a.kind) {
    case "CodeAction":
      return a.written;
    case "ShiftAction":
      return `shift(${expr(a.days)})`;
    case "LookupAction":
      return `${a.mode ? `${a.mode} ` : ""}lookup(${[str(a.table), ...a.keys.map((k) => expr(k))].join(", ")}) else ${a.otherwise.kind === "QuarantineMiss" ? "quarantine" : action(a.otherwise)}`;
    case "CoarsenAction":
      return `coarsen(${a.unit.text})`;
    case "ReplaceAction":
      return `replace(${regex(a.pattern.pattern, a.pattern.flags)}, ${str(a.replacement)})`;
    case "SetAction":
      // `set` is never needed: no expression starts with an action keyword,
      // and `empty(` is read as the function (docs/language.md, Actions).
      return a.mode ? `${a.mode} ${expr(a.value)}` : expr(a.value);
  }
}

function region(r: PixelRegion): string {
  const frames = r.frames ? ` frames ${r.frames.map(frameRange).join(", ")}` : "";
  const fill = r.fill === null ? "" : r.fill.kind === "ColourFill" ? ` fill (${r.fill.red.raw}, ${r.fill.green.raw}, ${r.fill.blue.raw})` : ` fill ${r.fill.raw}`;
  return `${r.mode} ${shape(r)}${frames}${fill}`;
}

function shape(r: PixelRegion): string {
  const s = r.shape;
  switch (s.form) {
    case "rect":
      return `(${[s.x, s.y, s.width, s.height].map(coordinate).join(", ")})`;
    case "corners":
      return `from (${coordinate(s.x0)}, ${coordinate(s.y0)}) to (${coordinate(s.x1)}, ${coordinate(s.y1)})`;
    case "all":
      return "all";
    case "ultrasound":
      return "ultrasound regions";
  }
}

function coordinate(c: Coordinate): string {
  if (c.kind === "Number") return c.raw;
  return c.offset ? `${c.edge.text} - ${c.offset.raw}` : c.edge.text;
}

function frameRange(f: FrameRange): string {
  return f.to ? `${f.from.raw}..${f.to.raw}` : f.from.raw;
}

// ---------------------------------------------------------------- expressions

// Binding strength, loosest first, as in docs/language.md: `or`, `and`,
// `not`, comparisons, `+`, primaries. Used only to add parentheses a
// hand-built tree would need; trees from the parser carry their own (Paren).
// A hand-built tree prints as text of the same meaning, which parses to the
// same tree up to Paren nodes and the grouping of `and` and `or` chains.
const PREC_OR = 1;
const PREC_AND = 2;
const PREC_NOT = 3;
const PREC_COMPARE = 4;
const PREC_SUM = 5;
const PREC_PRIMARY = 6;

function precedence(e: Expr): number {
  switch (e.kind) {
    case "Binary":
      return e.op === "or" ? PREC_OR : e.op === "and" ? PREC_AND : e.op === "+" ? PREC_SUM : PREC_COMPARE;
    case "Unary":
      return PREC_NOT;
    case "Range":
      return 0;
    default:
      return PREC_PRIMARY;
  }
}

function expr(e: Expr, min = 0): string {
  const text = exprText(e);
  return precedence(e) < min ? `(${text})` : text;
}

function exprText(e: Expr): string {
  switch (e.kind) {
    case "String":
      return str(e);
    case "Number":
      return e.raw;
    case "Regex":
      return regex(e.pattern, e.flags);
    case "Ident":
      return e.name;
    case "TagRef":
      return tag(e);
    case "PrivateRef":
      return privateTag(e);
    case "Call":
      return `${e.callee.text}(${e.args.map((a) => expr(a)).join(", ")})`;
    case "Binary": {
      const p = precedence(e);
      // `and` and `or` chains print flat, whatever the tree's shape: the
      // parser balances them, and grouping does not change their meaning.
      if (e.op === "and" || e.op === "or") return chainOperands(e).map((o) => expr(o, p + 1)).join(` ${e.op} `);
      if (e.op === "+") {
        // Left-associative: down the left spine, iteratively, as for the chains above.
        const rights: Expr[] = [];
        let first: Expr = e;
        while (first.kind === "Binary" && first.op === "+") {
          rights.push(first.right);
          first = first.left;
        }
        return [expr(first, p), ...rights.reverse().map((r) => expr(r, p + 1))].join(" + ");
      }
      // Comparisons do not chain.
      const left = expr(e.left, p === PREC_COMPARE ? PREC_SUM : p);
      const right = expr(e.right, p === PREC_COMPARE ? PREC_SUM : p + 1);
      return `${left} ${e.op} ${right}`;
    }
    case "Unary": {
      let nots = 0;
      let operand: Expr = e;
      while (operand.kind === "Unary") {
        nots++;
        operand = operand.operand;
      }
      return "not ".repeat(nots) + expr(operand, PREC_NOT);
    }
    case "List":
      return `[${e.items.map((i) => expr(i)).join(", ")}]`;
    case "Range":
      return `${expr(e.from, PREC_OR)} .. ${expr(e.to, PREC_OR)}`;
    case "Paren":
      return `(${expr(e.inner)})`;
  }
}

/**
 * The operands of an `and` or `or` chain, in source order: the operator's
 * Binary nodes below it are looked through (not Paren nodes, which the
 * author wrote). Iterative, so a long left-leaning chain from a hand-built
 * tree cannot exhaust the stack.
 */
function chainOperands(e: Binary): Expr[] {
  const operands: Expr[] = [];
  const pending: Expr[] = [e];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (next.kind === "Binary" && next.op === e.op) pending.push(next.right, next.left);
    else operands.push(next);
  }
  return operands;
}

function regex(pattern: string, flags: string): string {
  return `/${pattern}/${flags}`;
}

// ---------------------------------------------------------------- tokens

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, "0");
}

/** `(gggg,eeee)` from the tag's value and mask; a zero mask nibble is an `x`. */
function tag(t: TagRef): string {
  const value = t.value >>> 0;
  const mask = t.mask >>> 0;
  let digits = "";
  for (let shift = 28; shift >= 0; shift -= 4) {
    const m = (mask >>> shift) & 0xf;
    // A mask nibble of 1 fixes only the lowest bit: `@` (even) or `#` (odd).
    digits += m === 0 ? "x" : m === 1 ? (((value >>> shift) & 1) === 0 ? "@" : "#") : hex((value >>> shift) & 0xf, 1);
  }
  return `(${digits.slice(0, 4)},${digits.slice(4)})`;
}

function privateTag(p: PrivateRef): string {
  const element = p.element === null ? "xx" : hex(p.element, 2);
  return `(${hex(p.group, 4)},${quote(p.creator)},${element})`;
}

function str(s: StringLit): string {
  return quote(s.value);
}

/** A string literal for a decoded value, with the canonical escapes. */
export function quote(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      // a well-formed pair is an ordinary character
      out += ch + value[i + 1]!;
      i++;
    } else if (needsEscape(code)) out += `\\u{${code.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return out + '"';
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Characters that would break the one-line string or be invisible in an
 * editor: C0 and C1 controls, DEL, line and paragraph separators, the byte
 * order mark, unpaired surrogates (not encodable in UTF-8), and the
 * zero-width and bidirectional formatting characters, which make a string
 * read as something other than it is ("Trojan Source", CVE-2021-42574).
 */
function needsEscape(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    code === 0x061c ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}
