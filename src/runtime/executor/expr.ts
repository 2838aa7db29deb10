// Expressions are planned once per profile into closures (cel-go's
// "plan, then evaluate many times"): regular expressions are compiled,
// constants folded into captured values, names bound to slots. Evaluation is
// per object and never fails: an absent attribute is `undefined`, and every
// operator has a defined result for it.

import { daysOffset, keyedHash } from "../actions";
import type { IrExpr } from "../../ir/types";
import { PURE_FUNCTIONS, isPureFunction } from "./functions";

export type Value = string | number | boolean | undefined | RegExp | Value[] | { from: number; to: number };

/** What expressions see of the object being processed. */
export interface EvalContext {
  /** top-level attribute values read before the main pass (text trimmed of padding; numbers as numbers) */
  attr(tag: number): string | number | undefined;
  /** is the top-level attribute present (even with zero length)? */
  has(tag: number): boolean;
  /** `item.X`: attribute of the dataset that directly contains the element being decided (item, or the top level) */
  itemAttr(tag: number): string | number | undefined;
  /** is that attribute present in that dataset? */
  itemHas(tag: number): boolean;
  /** value of a `let`, computed at most once per object */
  letValue(name: string): Value;
  param(name: string): Value;
  secret(name: string): Uint8Array;
  /** the element being acted on, for `value` */
  current(): string | undefined;
  /**
   * The text a `hash` or `days` (or the default date shift of C) is keyed on. An empty one gives
   * every object where it is empty the same result, merging them: the context notes `subject` (what
   * the key reads) and `use` (what it keys) for the object's record.
   */
  keyText(v: Value, subject: string, use: string): string;
}

/** What a keyed function's value argument reads, as its warning names it (never its value). */
export function keySubject(arg: IrExpr | undefined): string {
  if (!arg) return "its key";
  switch (arg.kind) {
    case "attr":
      return (arg.item ? "item." : "") + (arg.keyword ?? `(${arg.tag.slice(0, 4)},${arg.tag.slice(4)})`);
    case "privateAttr":
      return `(${arg.group},"${arg.creator}",${arg.element})`;
    case "let":
      return `\`${arg.name}\``;
    case "param":
      return `the parameter \`${arg.name}\``;
    case "value":
      return "the value it replaces";
    default:
      return "its key";
  }
}

/** `hash(secret, value, length)`: the executor's one implementation, for expressions and generated code. */
export function keyedHashOf(ctx: EvalContext, secretName: string, value: Value, length: Value, subject: string): string {
  return keyedHash(ctx.secret(secretName), ctx.keyText(value, subject, "hash"), asNumber(length) ?? 8);
}

/** `days(secret, value, lo .. hi)`: the executor's one implementation, for expressions and generated code. */
export function keyedDaysOf(ctx: EvalContext, secretName: string, value: Value, range: Value, subject: string): number {
  const r = range as { from: number; to: number };
  return daysOffset(ctx.secret(secretName), ctx.keyText(value, subject, "days"), r.from, r.to);
}

export type Compiled = (ctx: EvalContext) => Value;

function asNumber(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function asText(v: Value): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map(asText).join("\\");
  return "";
}

function equal(a: Value, b: Value): boolean {
  if (a === undefined || b === undefined) return false;
  if (typeof a === "number" || typeof b === "number") {
    const x = asNumber(a);
    const y = asNumber(b);
    return x !== undefined && y !== undefined && x === y;
  }
  return asText(a) === asText(b);
}

function compare(a: Value, b: Value): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (typeof a === "number" || typeof b === "number") {
    const x = asNumber(a);
    const y = asNumber(b);
    return x === undefined || y === undefined ? undefined : x - y;
  }
  const s = asText(a);
  const t = asText(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

export function compileExpr(e: IrExpr): Compiled {
  switch (e.kind) {
    case "str": {
      const v = e.value;
      return () => v;
    }
    case "num": {
      const v = e.value;
      return () => v;
    }
    case "bool": {
      const v = e.value;
      return () => v;
    }
    case "regex": {
      // Matching is whole-value-free (search semantics) and stateless: drop `g`/`y`,
      // which would make RegExp.test remember lastIndex between objects.
      const re = new RegExp(e.pattern, e.flags.replace(/[gy]/g, ""));
      return () => re;
    }
    case "attr": {
      const tag = parseInt(e.tag, 16);
      if (e.item === true) return (ctx) => ctx.itemAttr(tag);
      return (ctx) => ctx.attr(tag);
    }
    case "privateAttr":
      // Conditions on private attributes are not read in the pre-pass; they are absent.
      return () => undefined;
    case "value":
      return (ctx) => ctx.current();
    case "let": {
      const name = e.name;
      return (ctx) => ctx.letValue(name);
    }
    case "param": {
      const name = e.name;
      return (ctx) => ctx.param(name);
    }
    case "secret":
      // The checker forbids secrets as values; a secret only keys hash() and days().
      return () => undefined;
    case "list": {
      const items = e.items.map(compileExpr);
      return (ctx) => items.map((i) => i(ctx));
    }
    case "range": {
      const from = compileExpr(e.from);
      const to = compileExpr(e.to);
      return (ctx) => ({ from: asNumber(from(ctx)) ?? 0, to: asNumber(to(ctx)) ?? 0 });
    }
    case "not": {
      const operand = compileExpr(e.operand);
      return (ctx) => operand(ctx) !== true;
    }
    case "call":
      return compileCall(e.fn, e.args);
    case "binary":
      return compileBinary(e.op, compileExpr(e.left), compileExpr(e.right));
  }
}

function compileCall(fn: string, args: IrExpr[]): Compiled {
  if (fn === "exists" || fn === "empty") {
    const a = args[0];
    const tag = a && a.kind === "attr" ? parseInt(a.tag, 16) : -1;
    if (a && a.kind === "attr" && a.item === true) {
      if (fn === "exists") return (ctx) => ctx.itemHas(tag);
      return (ctx) => !ctx.itemHas(tag) || asText(ctx.itemAttr(tag)) === "";
    }
    if (fn === "exists") return (ctx) => tag >= 0 && ctx.has(tag);
    return (ctx) => tag < 0 || !ctx.has(tag) || asText(ctx.attr(tag)) === "";
  }
  const compiled = args.map(compileExpr);
  switch (fn) {
    case "hash": {
      const secretName = args[0]?.kind === "secret" ? args[0].name : "";
      const value = compiled[1]!;
      const length = compiled[2]!;
      const subject = keySubject(args[1]);
      return (ctx) => keyedHashOf(ctx, secretName, value(ctx), length(ctx), subject);
    }
    case "days": {
      const secretName = args[0]?.kind === "secret" ? args[0].name : "";
      const value = compiled[1]!;
      const range = compiled[2]!;
      const subject = keySubject(args[1]);
      return (ctx) => keyedDaysOf(ctx, secretName, value(ctx), range(ctx), subject);
    }
    case "upper": {
      const a = compiled[0]!;
      return (ctx) => asText(a(ctx)).toUpperCase();
    }
    case "lower": {
      const a = compiled[0]!;
      return (ctx) => asText(a(ctx)).toLowerCase();
    }
    default:
      if (isPureFunction(fn)) {
        const f = PURE_FUNCTIONS[fn] as (...values: Value[]) => Value;
        if (compiled.length === 1) {
          const a = compiled[0]!;
          return (ctx) => f(a(ctx));
        }
        if (compiled.length === 2) {
          const a = compiled[0]!;
          const b = compiled[1]!;
          return (ctx) => f(a(ctx), b(ctx));
        }
        return (ctx) => f(...compiled.map((c) => c(ctx)));
      }
      throw new Error(`function ${fn} is not in the language (the checker should have rejected it)`);
  }
}

function compileBinary(op: string, l: Compiled, r: Compiled): Compiled {
  switch (op) {
    case "and":
      return (ctx) => l(ctx) === true && r(ctx) === true;
    case "or":
      return (ctx) => l(ctx) === true || r(ctx) === true;
    case "==":
      return (ctx) => equal(l(ctx), r(ctx));
    case "!=":
      return (ctx) => {
        const a = l(ctx);
        return a === undefined || !equal(a, r(ctx));
      };
    case "<":
      return (ctx) => {
        const c = compare(l(ctx), r(ctx));
        return c !== undefined && c < 0;
      };
    case "<=":
      return (ctx) => {
        const c = compare(l(ctx), r(ctx));
        return c !== undefined && c <= 0;
      };
    case ">":
      return (ctx) => {
        const c = compare(l(ctx), r(ctx));
        return c !== undefined && c > 0;
      };
    case ">=":
      return (ctx) => {
        const c = compare(l(ctx), r(ctx));
        return c !== undefined && c >= 0;
      };
    case "in":
      return (ctx) => {
        const a = l(ctx);
        const list = r(ctx);
        return Array.isArray(list) && list.some((item) => equal(a, item));
      };
    case "contains":
      return (ctx) => {
        const a = l(ctx);
        const needle = asText(r(ctx));
        if (a === undefined) return false;
        const values = Array.isArray(a) ? a.map(asText) : asText(a).split("\\");
        return values.some((v) => v.trim() === needle);
      };
    case "~":
      return (ctx) => {
        const a = l(ctx);
        const re = r(ctx);
        return a !== undefined && re instanceof RegExp && re.test(asText(a));
      };
    case "!~":
      return (ctx) => {
        const a = l(ctx);
        const re = r(ctx);
        return a === undefined || !(re instanceof RegExp) || !re.test(asText(a));
      };
    case "+":
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        return typeof a === "number" && typeof b === "number" ? a + b : asText(a) + asText(b);
      };
    default:
      throw new Error(`operator ${op} is not in the language`);
  }
}

/**
 * Every attribute an expression reads, so the pre-pass decodes only those: `itemScoped` false, the
 * top-level reads; true, the `item.X` reads (which each item is scanned for).
 */
export function collectAttributeTags(e: IrExpr, out: Set<number>, itemScoped = false): void {
  switch (e.kind) {
    case "attr":
      if ((e.item === true) === itemScoped) out.add(parseInt(e.tag, 16));
      return;
    case "list":
      e.items.forEach((i) => collectAttributeTags(i, out, itemScoped));
      return;
    case "range":
      collectAttributeTags(e.from, out, itemScoped);
      collectAttributeTags(e.to, out, itemScoped);
      return;
    case "not":
      collectAttributeTags(e.operand, out, itemScoped);
      return;
    case "call":
      e.args.forEach((a) => collectAttributeTags(a, out, itemScoped));
      return;
    case "binary":
      collectAttributeTags(e.left, out, itemScoped);
      collectAttributeTags(e.right, out, itemScoped);
      return;
    default:
      return;
  }
}
