// AST -> IR. Pure: a checked program and the profile to compile in, plain
// JSON out. The rule list comes out in precedence order (see types.ts), so
// every consumer applies "first matching rule wins" and nothing else.

import { allEntries, lookupKeyword, lookupTag, parseMask, tagHex } from "../dicom/dictionary";
import type { Diagnostic } from "../diagnostics/diagnostic";
import { COMPILER_VERSION } from "../version";
import type { Action, Coordinate, ElementRef, Expr, PixelApply, PixelRegion, Selector, Span } from "../syntax/ast";
import type { Program } from "../program/program";
import type { ParsedFile, Unit } from "../program/units";
import { layersOf } from "../program/layers";
import { flattenStatements, joinConditions } from "../syntax/blocks";
import { buildScope, type Scope } from "../check/scope";
import { BOOLEAN_LITERALS, CURRENT_VALUE, itemKeyword, rootKeyword } from "../check/types";
import {
  IR_VERSION,
  type IrAction,
  type IrArea,
  type IrCode,
  type IrCoordinate,
  type IrElementMatch,
  type IrExpr,
  type IrFunction,
  type IrKeywordMatch,
  type IrLayer,
  type IrProgram,
  type IrRegion,
  type IrRule,
  type IrSelector,
  type IrSource,
  type IrStep,
} from "./types";

export { COMPILER_VERSION };

function sourceOf(file: ParsedFile, span: Span): IrSource {
  const p = file.source.position(span.start);
  // The file's identity, not its display path: the IR (and its hash) must not depend on the working directory.
  return { file: file.id, line: p.line, column: p.column };
}

function coordinate(c: Coordinate): IrCoordinate {
  if (c.kind === "Number") return c.value;
  return { edge: c.edge.text === "Rows" ? "Rows" : "Columns", minus: c.offset ? c.offset.value : 0 };
}

/**
 * A region of a `pixels` block. A rectangle of plain numbers, whether written with its size or
 * its corners, keeps the IR's original form (x, y, width, height); every other shape is an `area`.
 */
function lowerRegion(r: PixelRegion, source: IrSource): IrRegion {
  const s = r.shape;
  let rect = { x: 0, y: 0, width: 0, height: 0 };
  let area: IrArea | null = null;
  if (s.form === "rect" && [s.x, s.y, s.width, s.height].every((c) => c.kind === "Number")) {
    rect = { x: coordinate(s.x) as number, y: coordinate(s.y) as number, width: coordinate(s.width) as number, height: coordinate(s.height) as number };
  } else if (s.form === "corners" && [s.x0, s.y0, s.x1, s.y1].every((c) => c.kind === "Number")) {
    const [x0, y0, x1, y1] = [s.x0, s.y0, s.x1, s.y1].map((c) => coordinate(c) as number) as [number, number, number, number];
    rect = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  } else if (s.form === "rect") {
    area = { kind: "rect", x: coordinate(s.x), y: coordinate(s.y), width: coordinate(s.width), height: coordinate(s.height) };
  } else if (s.form === "corners") {
    area = { kind: "corners", x0: coordinate(s.x0), y0: coordinate(s.y0), x1: coordinate(s.x1), y1: coordinate(s.y1) };
  } else {
    area = { kind: s.form === "all" ? "all" : "ultrasound" };
  }
  const colour = r.fill?.kind === "ColourFill" ? ([r.fill.red.value, r.fill.green.value, r.fill.blue.value] as [number, number, number]) : null;
  return {
    ...rect,
    ...(area ? { area } : {}),
    ...(r.mode === "keep" ? { keep: true as const } : {}),
    frames: r.frames ? r.frames.map((f) => ({ from: f.from.value, to: f.to ? f.to.value : f.from.value })) : null,
    fill: r.fill?.kind === "Number" ? r.fill.value : 0,
    ...(colour ? { fillColour: colour } : {}),
    source,
  };
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, "0");
}

function elementMatch(el: ElementRef): IrElementMatch | null {
  switch (el.kind) {
    case "KeywordRef": {
      const entry = lookupKeyword(el.keyword);
      if (!entry) return null;
      if (/X/i.test(entry.tag)) {
        const { value, mask } = parseMask(entry.tag);
        return { kind: "mask", value: tagHex(value), mask: tagHex(mask), text: el.keyword };
      }
      return { kind: "tag", tag: entry.tag, keyword: entry.keyword };
    }
    case "TagRef":
      if (el.mask === 0xffffffff) return { kind: "tag", tag: tagHex(el.value), keyword: lookupTag(el.value)?.keyword ?? null };
      return { kind: "mask", value: tagHex(el.value), mask: tagHex(el.mask), text: el.text };
    case "TagRangeRef":
      return { kind: "range", from: tagHex(el.from.value), to: tagHex(el.to.value) };
    case "PrivateRef":
      return { kind: "private", group: hex4(el.group), creator: el.creator.trim(), element: el.element === null ? null : el.element.toString(16).toUpperCase().padStart(2, "0") };
  }
}

/**
 * `keyword /re/` against the dictionary: every keyword the pattern finds (a search, as `~`), in tag
 * order; repeating-group attributes become masks. Exported for the lint rule that reports a pattern
 * matching nothing.
 */
export function keywordMatches(pattern: string, flags: string): IrKeywordMatch[] {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags.replace(/[gy]/g, ""));
  } catch {
    return [];
  }
  const out: IrKeywordMatch[] = [];
  for (const entry of allEntries()) {
    if (!entry.keyword || !re.test(entry.keyword)) continue;
    if (/X/i.test(entry.tag)) {
      const { value, mask } = parseMask(entry.tag);
      out.push({ kind: "mask", value: tagHex(value), mask: tagHex(mask), text: entry.keyword });
    } else out.push({ kind: "tag", tag: entry.tag, keyword: entry.keyword });
  }
  const order = (m: IrKeywordMatch): string => (m.kind === "tag" ? m.tag : m.value);
  return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

function lowerSelector(sel: Selector, expr: (e: Expr) => IrExpr): IrSelector | null {
  switch (sel.kind) {
    case "KeywordPatternSelector":
      return { kind: "keywords", pattern: sel.pattern.pattern, flags: sel.pattern.flags, matches: keywordMatches(sel.pattern.pattern, sel.pattern.flags) };
    case "AnyWhereSelector":
      return { kind: "anyWhere", test: expr(sel.test) };
    case "VrSelector":
      return { kind: "vr", vrs: sel.vrs.map((v) => v.text) };
    case "PrivateAllSelector":
      return { kind: "privateAll" };
    case "AllSelector":
      return { kind: "all" };
    case "PathSelector": {
      const steps: IrStep[] = [];
      for (const step of sel.steps) {
        if (step.kind === "DeepStep") steps.push({ kind: "deep" });
        else if (step.kind === "AnyStep") steps.push({ kind: "any" });
        else {
          const match = elementMatch(step.element);
          if (!match) return null;
          steps.push({ kind: "element", match, item: step.item ? step.item.value : null });
        }
      }
      return { kind: "path", anchored: sel.anchored, steps };
    }
  }
}

/** Rank of a selector within one layer: higher decides first. */
export function specificity(sel: IrSelector): number {
  switch (sel.kind) {
    case "all":
      return 0;
    case "privateAll":
      return 1;
    case "anyWhere":
      return 50;
    case "vr":
      return 100;
    case "keywords":
      // a list of exact tags found by a pattern: as specific as a mask
      return 300;
    case "path": {
      const last = sel.steps[sel.steps.length - 1];
      let base = 400;
      if (last?.kind === "element") {
        const m = last.match;
        base = m.kind === "range" ? 200 : m.kind === "mask" || (m.kind === "private" && m.element === null) ? 300 : 400;
      }
      const ancestors = sel.steps.filter((s) => s.kind === "element").length - 1;
      const indexed = sel.steps.filter((s) => s.kind === "element" && s.item !== null).length;
      return base + ancestors * 10 + (sel.anchored ? 5 : 0) + indexed;
    }
  }
}

/** 0 for specific selectors, then `private *`, then `*`: catch-alls decide last, across all layers. */
function catchAllRank(sel: IrSelector): number {
  return sel.kind === "all" ? 2 : sel.kind === "privateAll" ? 1 : 0;
}

class Lowering {
  constructor(
    private readonly file: ParsedFile,
    private readonly scope: Scope,
  ) {}

  expr(e: Expr): IrExpr {
    switch (e.kind) {
      case "String":
        return { kind: "str", value: e.value };
      case "Number":
        return { kind: "num", value: e.value };
      case "Regex":
        return { kind: "regex", pattern: e.pattern, flags: e.flags };
      case "Paren":
        return this.expr(e.inner);
      case "List":
        return { kind: "list", items: e.items.map((i) => this.expr(i)) };
      case "Range":
        return { kind: "range", from: this.expr(e.from), to: this.expr(e.to) };
      case "Unary":
        return { kind: "not", operand: this.expr(e.operand) };
      case "Binary":
        return { kind: "binary", op: e.op, left: this.expr(e.left), right: this.expr(e.right) };
      case "Call":
        return { kind: "call", fn: e.callee.text as IrFunction, args: e.args.map((a) => this.expr(a)) };
      case "TagRef":
        return { kind: "attr", tag: tagHex(e.value), keyword: lookupTag(e.value)?.keyword ?? null };
      case "PrivateRef":
        return { kind: "privateAttr", group: hex4(e.group), creator: e.creator.trim(), element: (e.element ?? 0).toString(16).toUpperCase().padStart(2, "0") };
      case "Ident": {
        if (BOOLEAN_LITERALS.has(e.name)) return { kind: "bool", value: e.name === "true" };
        const decl = this.scope.declarations.get(e.name);
        if (decl) return decl.kind === "Let" ? { kind: "let", name: e.name } : decl.kind === "Param" ? { kind: "param", name: e.name } : { kind: "secret", name: e.name };
        if (e.name === CURRENT_VALUE) return { kind: "value" };
        // `root.PatientID` and `PatientID` both read the top-level dataset (docs/language.md, "Conditions").
        // `item.X` reads the dataset that directly contains the element being decided.
        const itemScoped = itemKeyword(e.name);
        const keyword = itemScoped ?? rootKeyword(e.name) ?? e.name;
        const entry = lookupKeyword(keyword);
        // A repeating-group keyword (OverlayDescription is (60xx,0022)) read as a value means its
        // first group, (6000,0022): conditions test one attribute, not a family.
        const tag = entry ? entry.tag.replace(/X/gi, "0") : "00000000";
        return itemScoped !== null ? { kind: "attr", tag, keyword, item: true } : { kind: "attr", tag, keyword };
      }
    }
  }

  /** The conditions of the enclosing `when` blocks and a statement's own, joined with `and`. */
  condition(blockConditions: readonly Expr[], own: Expr | null): IrExpr | null {
    const all = own === null ? blockConditions : [...blockConditions, own];
    return joinConditions(
      all.map((c) => this.expr(c)),
      (left, right): IrExpr => ({ kind: "binary", op: "and", left, right }),
    );
  }

  action(a: Action): IrAction {
    switch (a.kind) {
      case "CodeAction":
        return { kind: "code", code: a.code };
      case "SetAction":
        return a.mode ? { kind: "set", value: this.expr(a.value), mode: a.mode } : { kind: "set", value: this.expr(a.value) };
      case "ShiftAction":
        return { kind: "shift", days: this.expr(a.days) };
      case "LookupAction":
        return {
          kind: "lookup",
          table: a.table.value,
          keys: a.keys.map((k) => this.expr(k)),
          otherwise: a.otherwise.kind === "QuarantineMiss" ? { kind: "quarantine" } : this.action(a.otherwise),
          ...(a.mode === "create" ? { mode: a.mode } : {}),
        };
      case "CoarsenAction":
        return { kind: "coarsen", unit: a.unit.text === "month" ? "month" : "year" };
      case "ReplaceAction":
        return { kind: "replace", pattern: a.pattern.pattern, flags: a.pattern.flags, replacement: a.replacement.value };
    }
  }

  source(span: Span): IrSource {
    return sourceOf(this.file, span);
  }
}

export interface BuildResult {
  ir: IrProgram;
  diagnostics: Diagnostic[];
}

/** Builds the IR of `profile`. Assumes the program passed the checker without errors. */
export function buildIr(program: Program, profile: Unit): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const layers = layersOf(profile, program.units, diagnostics);
  const scopes = new Map<ParsedFile, Scope>();
  const scopeOf = (f: ParsedFile): Scope => {
    let s = scopes.get(f);
    if (!s) scopes.set(f, (s = buildScope(f.ast)));
    return s;
  };

  const ir: IrProgram = {
    irVersion: IR_VERSION,
    compiler: COMPILER_VERSION,
    profile: { name: profile.name, title: profile.title, release: null, layers: [], methodCodes: [] },
    secrets: [],
    params: [],
    lets: [],
    filters: [],
    rules: [],
    pixels: [],
  };

  // Declarations of every file that contributes a layer, each name once.
  const declared = new Map<string, ParsedFile>();
  for (const unit of layers) {
    const file = unit.file;
    const lower = new Lowering(file, scopeOf(file));
    for (const item of file.ast.items) {
      if (item.kind !== "Let" && item.kind !== "Param" && item.kind !== "Secret") continue;
      const name = item.name.text;
      const previous = declared.get(name);
      if (previous === file) continue;
      if (previous) {
        diagnostics.push({ code: "DEID2010", severity: "error", file: file.path, span: item.name.span, message: `\`${name}\` is declared in \`${previous.path}\` too`, help: "give one of them another name" });
        continue;
      }
      declared.set(name, file);
      const source = lower.source(item.span);
      if (item.kind === "Secret") ir.secrets.push({ name, from: item.source, ref: item.ref.kind === "String" ? item.ref.value : item.ref.text, source });
      else if (item.kind === "Param") ir.params.push({ name, type: item.type.text as "string", default: item.default ? lower.expr(item.default) : null, source });
      else ir.lets.push({ name, value: lower.expr(item.value), source });
    }
  }

  const unsorted: { rule: Omit<IrRule, "id">; order: number }[] = [];
  let order = 0;
  layers.forEach((unit, index) => {
    const lower = new Lowering(unit.file, scopeOf(unit.file));
    const header = unit.header;
    const code: IrCode | null = unit.code !== null ? { scheme: "DCM", value: String(unit.code), meaning: unit.title ?? unit.name } : null;
    const layer: IrLayer = { index, name: unit.name, kind: unit.kind, code, source: lower.source(header ? header.span : { start: 0, end: 0 }) };
    ir.profile.layers.push(layer);
    if (code && !ir.profile.methodCodes.some((c) => c.value === code.value)) ir.profile.methodCodes.push(code);
    for (const { statement: st, blockConditions } of flattenStatements(unit.statements)) {
      // Inside `when` blocks: `(block) and (inner block) and (own when)`.
      const when = lower.condition(blockConditions, st.when);
      if (st.kind === "Rule") {
        for (const sel of st.selectors) {
          const selector = lowerSelector(sel, (e) => lower.expr(e));
          if (!selector) continue;
          unsorted.push({
            rule: { layer: index, selector, action: lower.action(st.action), when, because: st.because ? st.because.value : null, source: lower.source(sel.span) },
            order: order++,
          });
        }
      } else if (st.kind === "Filter") {
        ir.filters.push({ outcome: st.outcome, when, reason: st.because ? st.because.value : `${st.outcome} rule at ${unit.file.id}:${lower.source(st.span).line}`, source: lower.source(st.span) });
      } else {
        ir.pixels.push({
          when,
          because: st.because ? st.because.value : null,
          ...(st.complete ? { complete: true as const } : {}),
          regions: st.regions.map((r) => lowerRegion(r, lower.source(r.span))),
          source: lower.source(st.span),
        });
      }
    }
  });

  // `pixels apply` is a file-level choice: the nearest profile file in the chain that makes one decides.
  for (let i = layers.length - 1; i >= 0; i--) {
    const unit = layers[i]!;
    if (unit.kind !== "profile") continue;
    const declared = unit.file.ast.items.find((item): item is PixelApply => item.kind === "PixelApply");
    if (declared) {
      if (declared.mode === "first") ir.pixelApply = "first";
      break;
    }
  }

  // The release is pinned by the nearest unit in the chain that names one.
  for (let i = layers.length - 1; i >= 0; i--) {
    const rel = layers[i]!.release;
    if (rel) {
      ir.profile.release = rel;
      break;
    }
  }

  unsorted.sort(
    (a, b) =>
      catchAllRank(a.rule.selector) - catchAllRank(b.rule.selector) ||
      b.rule.layer - a.rule.layer ||
      specificity(b.rule.selector) - specificity(a.rule.selector) ||
      a.order - b.order,
  );
  ir.rules = unsorted.map((u, id) => ({ id, ...u.rule }));
  return { ir, diagnostics };
}
