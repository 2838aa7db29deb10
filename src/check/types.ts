// Static types of condition and value expressions, and name resolution.
// The language is small on purpose: every expression's type is known before
// anything runs, so ill-typed conditions are errors, not surprises.

import type { AnyNode, Expr, Ident } from "../syntax/ast";
import { childrenOf } from "../syntax/visitor";
import { lookupKeyword, lookupTag, type DictEntry } from "../dicom/dictionary";
import { NUMERIC_VRS } from "../dicom/vr";
import type { Declaration, Scope } from "./scope";

export type ExprType = "string" | "number" | "bool" | "regex" | "list" | "range" | "secret" | "sequence" | "bytes" | "unknown";

export type Resolved =
  | { kind: "decl"; decl: Declaration }
  | { kind: "attr"; entry: DictEntry }
  | { kind: "value" }
  | { kind: "bool" }
  | null;

/** `value` inside an action is the element's own value. */
export const CURRENT_VALUE = "value";

/** `true` and `false` are the boolean literals (for `bool` parameters). */
export const BOOLEAN_LITERALS: ReadonlySet<string> = new Set(["true", "false"]);

/**
 * `root.Keyword`: the attribute of the top-level dataset. Returns the keyword,
 * or null for a name without the prefix. (A plain keyword in a condition reads
 * the top-level dataset too: the executor reads conditions' attributes once per
 * object, before the walk; `root.` says so where a rule applies inside items.)
 */
export function rootKeyword(name: string): string | null {
  return name.startsWith(ROOT_PREFIX) ? name.slice(ROOT_PREFIX.length) : null;
}

export const ROOT_PREFIX = "root.";

/**
 * `item.Keyword`: the attribute of the dataset that directly contains the element a rule decides
 * (the sequence item it sits in, or the top level for a top-level element). Returns the keyword,
 * or null for a name without the prefix.
 */
export function itemKeyword(name: string): string | null {
  return name.startsWith(ITEM_PREFIX) ? name.slice(ITEM_PREFIX.length) : null;
}

export const ITEM_PREFIX = "item.";

export function resolveIdent(node: Ident, scope: Scope): Resolved {
  if (BOOLEAN_LITERALS.has(node.name)) return { kind: "bool" };
  const root = rootKeyword(node.name) ?? itemKeyword(node.name);
  if (root !== null) {
    const entry = lookupKeyword(root);
    return entry ? { kind: "attr", entry } : null;
  }
  const decl = scope.declarations.get(node.name);
  if (decl) return { kind: "decl", decl };
  if (node.name === CURRENT_VALUE) return { kind: "value" };
  const entry = lookupKeyword(node.name);
  return entry ? { kind: "attr", entry } : null;
}

export function typeOfVrs(vrs: readonly string[]): ExprType {
  const vr = vrs[0] ?? "UN";
  if (vr === "SQ") return "sequence";
  if (NUMERIC_VRS.has(vr)) return "number";
  if (["OB", "OD", "OF", "OL", "OV", "OW", "UN"].includes(vr)) return "bytes";
  if (vr === "AT") return "number";
  return "string";
}

export interface FunctionSignature {
  params: ExprType[];
  returns: ExprType;
  /** does the first argument have to be a secret? */
  keyed: boolean;
  /** are arguments attributes (not values)? */
  attributeArgs: boolean;
  /** the type of any further arguments after `params` (`format`); absent: exactly `params` */
  rest?: ExprType;
}

export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  hash: { params: ["secret", "unknown", "number"], returns: "string", keyed: true, attributeArgs: false },
  days: { params: ["secret", "unknown", "range"], returns: "number", keyed: true, attributeArgs: false },
  upper: { params: ["string"], returns: "string", keyed: false, attributeArgs: false },
  lower: { params: ["string"], returns: "string", keyed: false, attributeArgs: false },
  exists: { params: ["unknown"], returns: "bool", keyed: false, attributeArgs: true },
  empty: { params: ["unknown"], returns: "bool", keyed: false, attributeArgs: true },
  startsWith: { params: ["string", "string"], returns: "bool", keyed: false, attributeArgs: false },
  endsWith: { params: ["string", "string"], returns: "bool", keyed: false, attributeArgs: false },
  includes: { params: ["string", "string"], returns: "bool", keyed: false, attributeArgs: false },
  matches: { params: ["string", "regex"], returns: "bool", keyed: false, attributeArgs: false },
  equalsIgnoreCase: { params: ["string", "string"], returns: "bool", keyed: false, attributeArgs: false },
  truncate: { params: ["string", "number"], returns: "string", keyed: false, attributeArgs: false },
  initials: { params: ["string"], returns: "string", keyed: false, attributeArgs: false },
  format: { params: ["string"], returns: "string", keyed: false, attributeArgs: false, rest: "unknown" },
  ageBand: { params: ["string", "number"], returns: "string", keyed: false, attributeArgs: false },
  capAge: { params: ["string", "number"], returns: "string", keyed: false, attributeArgs: false },
};

type LetDeclaration = Extract<Declaration, { kind: "Let" }>;

/** The type of each `let` value, once computed: a `let` read in many rules is typed once. */
const letTypes = new WeakMap<LetDeclaration, ExprType>();
/** `let`s whose type is being computed: met again, they are a cycle (DEID2020), typed "unknown". */
const typing = new Set<LetDeclaration>();

/** The `let`s an expression reads (expressions are at most 128 deep: DEID1001). */
function letsReadBy(node: AnyNode, scope: Scope, out: LetDeclaration[] = []): LetDeclaration[] {
  if (node.kind === "Ident") {
    const r = resolveIdent(node, scope);
    if (r?.kind === "decl" && r.decl.kind === "Let") out.push(r.decl);
    return out;
  }
  for (const child of childrenOf(node)) letsReadBy(child, scope, out);
  return out;
}

/**
 * A `let`'s type. The `let`s it reads are typed first, in an explicit
 * post-order walk rather than by recursion: a machine-written chain of
 * thousands of `let`s must not overflow the stack, and a cycle must end.
 */
function letType(decl: LetDeclaration, scope: Scope): ExprType {
  const known = letTypes.get(decl);
  if (known !== undefined) return known;
  if (typing.has(decl)) return "unknown";
  const frames = [{ decl, reads: letsReadBy(decl.value as AnyNode, scope), next: 0 }];
  typing.add(decl);
  try {
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.reads.length) {
        const read = frame.reads[frame.next++]!;
        if (letTypes.has(read) || typing.has(read)) continue;
        typing.add(read);
        frames.push({ decl: read, reads: letsReadBy(read.value as AnyNode, scope), next: 0 });
        continue;
      }
      frames.pop();
      // Every `let` it reads is typed (or on a cycle): this is one level deep.
      letTypes.set(frame.decl, typeOf(frame.decl.value, scope));
      typing.delete(frame.decl);
    }
  } finally {
    for (const frame of frames) typing.delete(frame.decl);
  }
  return letTypes.get(decl)!;
}

export function typeOf(expr: Expr, scope: Scope): ExprType {
  switch (expr.kind) {
    case "String":
      return "string";
    case "Number":
      return "number";
    case "Regex":
      return "regex";
    case "List":
      return "list";
    case "Range":
      return "range";
    case "Paren":
      return typeOf(expr.inner, scope);
    case "Unary":
      return "bool";
    case "TagRef": {
      const entry = expr.mask === 0xffffffff ? lookupTag(expr.value) : undefined;
      return entry ? typeOfVrs(entry.vrs) : "unknown";
    }
    case "PrivateRef":
      return "unknown";
    case "Call":
      return FUNCTIONS[expr.callee.text]?.returns ?? "unknown";
    case "Binary":
      if (expr.op === "+") {
        const l = typeOf(expr.left, scope);
        const r = typeOf(expr.right, scope);
        return l === "number" && r === "number" ? "number" : "string";
      }
      return "bool";
    case "Ident": {
      const r = resolveIdent(expr, scope);
      if (!r) return "unknown";
      if (r.kind === "attr") return typeOfVrs(r.entry.vrs);
      if (r.kind === "value") return "unknown";
      if (r.kind === "bool") return "bool";
      const d = r.decl;
      if (d.kind === "Secret") return "secret";
      if (d.kind === "Let") return letType(d, scope);
      const t = d.type.text;
      return t === "number" ? "number" : t === "bool" ? "bool" : "string";
    }
  }
}
