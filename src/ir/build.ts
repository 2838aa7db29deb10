// AST -> IR. Pure: a checked program and the profile to compile in, plain
// JSON out. The rule list comes out in precedence order (see types.ts), so
// every consumer applies "first matching rule wins" and nothing else.

import { lookupKeyword, lookupTag, parseMask, tagHex } from "../dicom/dictionary";
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Action, ElementRef, Expr, Selector, Span, Statement } from "../syntax/ast";
import type { Program } from "../program/program";
import type { ParsedFile, Unit } from "../program/units";
import { layersOf } from "../program/layers";
import { buildScope, type Scope } from "../check/scope";
import { BOOLEAN_LITERALS, CURRENT_VALUE } from "../check/types";
import {
  IR_VERSION,
  type IrAction,
  type IrCode,
  type IrElementMatch,
  type IrExpr,
  type IrFunction,
  type IrLayer,
  type IrProgram,
  type IrRule,
  type IrSelector,
  type IrSource,
  type IrStep,
} from "./types";

export const COMPILER_VERSION = "0.1.0";

function sourceOf(file: ParsedFile, span: Span): IrSource {
  const p = file.source.position(span.start);
  return { file: file.path, line: p.line, column: p.column };
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

function lowerSelector(sel: Selector): IrSelector | null {
  switch (sel.kind) {
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
    case "vr":
      return 100;
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
        const entry = lookupKeyword(e.name);
        // A repeating-group keyword (OverlayDescription is (60xx,0022)) read as a value means its
        // first group, (6000,0022): conditions test one attribute, not a family.
        return { kind: "attr", tag: entry ? entry.tag.replace(/X/gi, "0") : "00000000", keyword: e.name };
      }
    }
  }

  action(a: Action): IrAction {
    switch (a.kind) {
      case "CodeAction":
        return { kind: "code", code: a.code };
      case "SetAction":
        return { kind: "set", value: this.expr(a.value) };
      case "ShiftAction":
        return { kind: "shift", days: this.expr(a.days) };
      case "LookupAction":
        return { kind: "lookup", table: a.table.value, keys: a.keys.map((k) => this.expr(k)), otherwise: this.action(a.otherwise) };
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
    for (const st of unit.statements as Statement[]) {
      if (st.kind === "Rule") {
        for (const sel of st.selectors) {
          const selector = lowerSelector(sel);
          if (!selector) continue;
          unsorted.push({
            rule: { layer: index, selector, action: lower.action(st.action), when: st.when ? lower.expr(st.when) : null, because: st.because ? st.because.value : null, source: lower.source(sel.span) },
            order: order++,
          });
        }
      } else if (st.kind === "Filter") {
        ir.filters.push({ outcome: st.outcome, when: st.when ? lower.expr(st.when) : null, reason: st.because ? st.because.value : `${st.outcome} rule at ${unit.file.path}:${lower.source(st.span).line}`, source: lower.source(st.span) });
      } else {
        ir.pixels.push({
          when: st.when ? lower.expr(st.when) : null,
          because: st.because ? st.because.value : null,
          regions: st.regions.map((r) => ({
            x: r.x.value,
            y: r.y.value,
            width: r.width.value,
            height: r.height.value,
            frames: r.frames ? r.frames.map((f) => ({ from: f.from.value, to: f.to ? f.to.value : f.from.value })) : null,
            fill: r.fill ? r.fill.value : 0,
            source: lower.source(r.span),
          })),
          source: lower.source(st.span),
        });
      }
    }
  });

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
