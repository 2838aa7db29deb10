// The expression operators generated code calls, taken from the executor's
// own expression compiler (src/runtime/executor/expr.ts) so that a condition
// in a generated plan and the same condition in `createExecutor`'s plan can
// never disagree: equality on absent values, numeric versus text comparison,
// `contains` on multi-valued text and so on are decided in one place.
//
// expr.ts exports only `compileExpr` and `asText`, not its `equal`/`compare`/
// `asNumber` helpers. Each operator here is therefore the compiled closure of
// `left OP right` where `left` and `right` are `let` references, evaluated
// against a context whose `letValue` hands back the two operands. Operands are
// computed by the caller before the call, so nothing re-enters while the two
// slots are in use. If expr.ts ever exports its helpers, this file shrinks to
// re-exports and nothing else changes.

import type { IrBinaryOp, IrExpr, IrFunction } from "../ir/types";
import { compileExpr, keyedDaysOf, keyedHashOf, type EvalContext, type Value } from "../runtime/executor/expr";

const LEFT: IrExpr = { kind: "let", name: "left" };
const RIGHT: IrExpr = { kind: "let", name: "right" };

let left: Value;
let right: Value;
/** The real context, for the secret a `hash`/`days` call reads. */
let outer: EvalContext | null = null;

const operands: EvalContext = {
  attr: () => undefined,
  has: () => false,
  itemAttr: () => undefined,
  itemHas: () => false,
  letValue: (name) => (name === "left" ? left : right),
  param: () => undefined,
  secret: (name) => {
    if (!outer) throw new Error("a keyed function was called without its context");
    return outer.secret(name);
  },
  current: () => undefined,
  keyText: (v, subject, use) => {
    if (!outer) throw new Error("a keyed function was called without its context");
    return outer.keyText(v, subject, use);
  },
};

function apply(compiled: (ctx: EvalContext) => Value, a: Value, b: Value, ctx: EvalContext | null): Value {
  left = a;
  right = b;
  outer = ctx;
  try {
    return compiled(operands);
  } finally {
    // Do not keep an object's values alive after its evaluation.
    left = right = undefined;
    outer = null;
  }
}

function binary(op: IrBinaryOp): (a: Value, b: Value) => Value {
  const compiled = compileExpr({ kind: "binary", op, left: LEFT, right: RIGHT });
  return (a, b) => apply(compiled, a, b, null);
}

/** `==`: false when either side is absent; numeric when either side is a number. */
export const eq = binary("==");
/** `!=`: true when the left side is absent. */
export const ne = binary("!=");
export const lt = binary("<");
export const le = binary("<=");
export const gt = binary(">");
export const ge = binary(">=");
/** `in`: the left value equals (as `==`) an item of the list. */
export const isIn = binary("in");
/** `contains`: one of the left side's values (split on `\`) equals the right side. */
export const contains = binary("contains");
/** `~`: the regular expression matches somewhere in the value; false when absent. */
export const matches = binary("~");
/** `!~`: true when absent. */
export const notMatches = binary("!~");
/** `+`: numeric addition of two numbers, else text concatenation. */
export const plus = binary("+");

const range = compileExpr({ kind: "range", from: LEFT, to: RIGHT });
/** `a .. b` with non-constant bounds (bounds that are not numbers become 0). */
export function rangeOf(from: Value, to: Value): Value {
  return apply(range, from, to, null);
}

type KeyedFunction = (ctx: EvalContext, value: Value, extra: Value) => Value;

/**
 * `hash(secret, value, length)` for a call whose length is not a number
 * literal (a literal length is folded into a direct call). A first argument
 * that is not a secret keys with the secret named "" (the run key), as
 * expr.ts does; `subject` is what the value reads (keySubject).
 */
export function hashWith(secret: string | null, subject: string): KeyedFunction {
  return (ctx, value, extra) => keyedHashOf(ctx, secret ?? "", value, extra, subject);
}

/** `days(secret, value, range)` for a call whose range is not two number literals. */
export function daysWith(secret: string | null, subject: string): KeyedFunction {
  return (ctx, value, extra) => keyedDaysOf(ctx, secret ?? "", value, extra, subject);
}
