// IR expressions to JavaScript expressions over `ctx` (an EvalContext).
//
// Constant subexpressions are folded at generation time by running the
// executor's own expression compiler on them, so a folded value is the value
// the interpreter would compute. Everything else becomes direct code: `and`,
// `or` and `not` inline, attribute reads as `ctx.attr(0x…)`, and every
// operator with value semantics (==, <, in, contains, ~, +, …) as a call to
// the executor's operator (src/codegen/ops.ts).

import type { IrBinaryOp, IrExpr } from "../ir/types";
import { compileExpr, keySubject, type EvalContext, type Value } from "../runtime/executor/expr";
import { commentText, hex, type ModuleBuilder } from "./module-builder";

const OPERATORS: Record<Exclude<IrBinaryOp, "and" | "or">, string> = {
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  in: "isIn",
  contains: "contains",
  "~": "matches",
  "!~": "notMatches",
  "+": "plus",
};

class NotConstant extends Error {}

function isRange(v: Value): v is { from: number; to: number } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RegExp);
}

export function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Object.is(n, -0)) return "-0";
  return String(n);
}

export class ExprEmitter {
  private readonly constantLets = new Map<string, boolean>();
  private readonly visiting = new Set<string>();

  constructor(
    private readonly mod: ModuleBuilder,
    private readonly lets: ReadonlyMap<string, IrExpr>,
  ) {}

  /** Does `e` have the same value for every object, parameter and key? */
  isConstant(e: IrExpr): boolean {
    switch (e.kind) {
      case "str":
      case "num":
      case "bool":
      case "regex":
      case "privateAttr": // not read in the pre-pass: always absent
      case "secret": // a secret is never a value: always absent
        return true;
      case "attr":
      case "value":
      case "param":
        return false;
      case "let":
        return this.isConstantLet(e.name);
      case "list":
        return e.items.every((i) => this.isConstant(i));
      case "range":
        return this.isConstant(e.from) && this.isConstant(e.to);
      case "not":
        return this.isConstant(e.operand);
      case "binary":
        return this.isConstant(e.left) && this.isConstant(e.right);
      case "call":
        if (e.fn === "exists" || e.fn === "empty") return e.args[0]?.kind !== "attr";
        if (e.fn === "hash" || e.fn === "days") return false;
        return e.args.every((a) => this.isConstant(a));
    }
  }

  private isConstantLet(name: string): boolean {
    const known = this.constantLets.get(name);
    if (known !== undefined) return known;
    const value = this.lets.get(name);
    if (value === undefined) return true; // an unknown let is absent, as in the executor
    if (this.visiting.has(name)) return false;
    this.visiting.add(name);
    const constant = this.isConstant(value);
    this.visiting.delete(name);
    this.constantLets.set(name, constant);
    return constant;
  }

  /** The value of a constant expression, computed by the executor's expression compiler. */
  constantValue(e: IrExpr): Value {
    const fail = (): never => {
      throw new NotConstant("expression is not constant");
    };
    const ctx: EvalContext = {
      attr: fail,
      has: fail,
      itemAttr: fail,
      itemHas: fail,
      letValue: (name) => {
        const value = this.lets.get(name);
        return value === undefined ? undefined : this.constantValue(value);
      },
      param: fail,
      secret: fail,
      current: fail,
      keyText: fail,
    };
    return compileExpr(e)(ctx);
  }

  /** JavaScript for a constant value; objects (lists, ranges, regular expressions) become module constants. */
  literal(v: Value): string {
    if (v === undefined) return "undefined";
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "number") return numberLiteral(v);
    if (typeof v === "boolean") return String(v);
    if (v instanceof RegExp) return this.mod.hoist("RE", `new RegExp(${JSON.stringify(v.source)}, ${JSON.stringify(v.flags)})`, { type: "RegExp", indexed: true });
    if (Array.isArray(v)) return this.mod.hoist("LIST", this.arrayCode(v), { type: `${this.mod.use("Value")}[]`, indexed: true });
    return this.mod.hoist("RANGE", `{ from: ${numberLiteral(v.from)}, to: ${numberLiteral(v.to)} }`, { indexed: true });
  }

  private arrayCode(items: Value[]): string {
    return `[${items.map((i) => (Array.isArray(i) ? this.arrayCode(i) : this.literal(i))).join(", ")}]`;
  }

  /** A JavaScript expression computing `e`'s value from `ctx`. */
  code(e: IrExpr): string {
    if (this.isConstant(e)) return this.literal(this.constantValue(e));
    switch (e.kind) {
      case "attr":
        return this.attr(parseInt(e.tag, 16), e.keyword, e.item === true);
      case "value":
        return "ctx.current()";
      case "let":
        return `ctx.letValue(${JSON.stringify(e.name)})`;
      case "param":
        return `ctx.param(${JSON.stringify(e.name)})`;
      case "list":
        return `[${e.items.map((i) => this.code(i)).join(", ")}]`;
      case "range":
        return `${this.mod.use("rangeOf")}(${this.code(e.from)}, ${this.code(e.to)})`;
      case "not": {
        const operand = this.truth(e.operand);
        return typeof operand === "boolean" ? String(!operand) : `(${operand} !== true)`;
      }
      case "binary":
        if (e.op === "and" || e.op === "or") return this.logical(e.op, e.left, e.right);
        return `${this.mod.use(OPERATORS[e.op])}(${this.code(e.left)}, ${this.code(e.right)})`;
      case "call":
        return this.call(e);
      default:
        // Every other kind is constant and was folded above.
        throw new Error(`cannot generate code for expression kind ${e.kind}`);
    }
  }

  /**
   * `and`/`or` with a constant side folded away (`x or 1 == 2` is `x === true`): operands have no
   * side effects, and a literal `false === true` would not typecheck in the generated module.
   */
  private logical(op: "and" | "or", left: IrExpr, right: IrExpr): string {
    const l = this.truth(left);
    const r = this.truth(right);
    const decided = op === "and" ? false : true;
    if (l === decided || r === decided) return String(decided);
    if (typeof l === "boolean" && typeof r === "boolean") return String(!decided);
    if (typeof l === "boolean") return `(${r} === true)`;
    if (typeof r === "boolean") return `(${l} === true)`;
    return `(${l} === true ${op === "and" ? "&&" : "||"} ${r} === true)`;
  }

  /** Whether `e` holds, when that is known at generation time (nested folds included); else its code. */
  private truth(e: IrExpr): boolean | string {
    if (this.isConstant(e)) return this.constantValue(e) === true;
    const code = this.code(e);
    return code === "true" ? true : code === "false" ? false : code;
  }

  private attr(tag: number, keyword: string | null, itemScoped: boolean): string {
    return `ctx.${itemScoped ? "itemAttr" : "attr"}(${hex(tag)}${keyword ? ` /* ${commentText(itemScoped ? `item.${keyword}` : keyword)} */` : ""})`;
  }

  private call(e: Extract<IrExpr, { kind: "call" }>): string {
    const [first, second, third] = e.args;
    switch (e.fn) {
      case "exists":
      case "empty": {
        // Not constant, so the argument is an attribute.
        const a = first as Extract<IrExpr, { kind: "attr" }>;
        const tag = hex(parseInt(a.tag, 16));
        const name = a.keyword ? ` /* ${commentText(a.item === true ? `item.${a.keyword}` : a.keyword)} */` : "";
        const [has, attr] = a.item === true ? ["itemHas", "itemAttr"] : ["has", "attr"];
        if (e.fn === "exists") return `ctx.${has}(${tag}${name})`;
        return `(!ctx.${has}(${tag}${name}) || ${this.mod.use("asText")}(ctx.${attr}(${tag})) === "")`;
      }
      case "upper":
        return `${this.mod.use("asText")}(${this.code(first!)}).toUpperCase()`;
      case "lower":
        return `${this.mod.use("asText")}(${this.code(first!)}).toLowerCase()`;
      case "startsWith":
      case "endsWith":
      case "includes":
      case "matches":
      case "equalsIgnoreCase":
      case "truncate":
      case "initials":
      case "format":
      case "ageBand":
      case "capAge":
        // The executor's own function (src/runtime/executor/functions.ts).
        return `${this.mod.use("PURE_FUNCTIONS")}.${e.fn}(${e.args.map((a) => this.code(a)).join(", ")})`;
      case "hash":
      case "days": {
        const secret = first?.kind === "secret" ? first.name : null;
        const key = `ctx.secret(${JSON.stringify(secret ?? "")})`;
        const value = this.code(second!);
        const extra = third!;
        // What the key reads, for the record's warning when it is empty (EvalContext.keyText).
        const subject = JSON.stringify(keySubject(second));
        if (e.fn === "hash" && this.isConstant(extra)) {
          const length = this.constantValue(extra);
          if (typeof length === "number") return `${this.mod.use("keyedHash")}(${key}, ctx.keyText(${value}, ${subject}, "hash"), ${numberLiteral(length)})`;
        }
        if (e.fn === "days" && this.isConstant(extra)) {
          const range = this.constantValue(extra);
          if (isRange(range)) return `${this.mod.use("daysOffset")}(${key}, ctx.keyText(${value}, ${subject}, "days"), ${numberLiteral(range.from)}, ${numberLiteral(range.to)})`;
        }
        // A length or range computed per object: the executor's own call, keyed with this context.
        const factory = e.fn === "hash" ? "hashWith" : "daysWith";
        const fn = this.mod.hoist(`${e.fn}_${(secret ?? "runKey").replace(/\W/g, "_")}`, `${this.mod.use(factory)}(${secret === null ? "null" : JSON.stringify(secret)}, ${subject})`);
        return `${fn}(ctx, ${value}, ${this.code(extra)})`;
      }
    }
  }

  /** `(ctx) => …` computing `e`, or `() => constant`. */
  closure(e: IrExpr): string {
    const body = this.code(e);
    return /\bctx\b/.test(body) ? `(ctx) => ${body}` : `() => ${body}`;
  }
}
