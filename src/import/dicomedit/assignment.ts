// Statements that change one element: `tag := value`, `tag ?= value` and
// `-tag`.

import { ImportCode } from "../codes";
import { LANGUAGE_FEATURES } from "../features";
import { literalProblem, quote } from "../syntax";
import { type Context, valueExpression } from "./expressions";
import { type DeSelector, selectorOf } from "./paths";
import type { DeStatement, DeValue } from "./script";
import type { Translation } from "./translation";
import { ownValueAction, quarantineAbsentArguments } from "./value-functions";

export function translateAssignment(translation: Translation, s: Extract<DeStatement, { kind: "assign" }>, guard: string[]): void {
  const sel = translation.target(s.target, s);
  if (!sel) return;
  const ctx: Context = { guard, atRoot: sel.selector.startsWith("/") && !sel.selector.slice(1).includes("/") };
  const creates = LANGUAGE_FEATURES.create && !s.ifExists && sel.topLevelTag !== null;
  const value = s.value;
  const readsItself = (v: DeValue): boolean =>
    v.kind === "call" ? v.args.some(readsItself) : v.kind === "tag" && selectorOf(v.path).ok && (selectorOf(v.path) as { value: DeSelector }).value.selector === sel.selector;
  const noteCreate = (): void => {
    if (s.ifExists || creates || sel.wildcard || readsItself(value)) return;
    const why = LANGUAGE_FEATURES.create ? "deidc creates only top-level standard attributes" : "this deidc release creates no attributes";
    translation.note(s, ImportCode.cannotCreate, `DicomEdit adds ${sel.selector} when the object lacks it; ${why}, so the import changes it only where it exists`);
  };
  if (value.kind === "call") {
    const own = ownValueAction(translation, value, sel, s, guard);
    if (own !== undefined) {
      if (own !== null) translation.addOp(sel, own, guard, s);
      return;
    }
  }
  if (value.kind === "string" || value.kind === "number" || (value.kind === "variable" && translation.literalOf(value) !== null)) {
    const text = value.kind === "variable" ? translation.literalOf(value)! : value.text;
    const problem = literalProblem(sel.isPrivate ? ["UN"] : sel.vrs, text);
    if (problem !== null) {
      translation.unsupported(s, guard, `writes a value the attribute cannot hold (${problem})`, sel);
      return;
    }
    noteCreate();
    translation.addOp(sel, `${creates ? "create " : ""}${quote(text)}`, guard, s);
    return;
  }
  const expr = valueExpression(translation, value, s, ctx, "value");
  if (!expr.ok) {
    translation.unsupported(s, guard, expr.reason, sel);
    return;
  }
  if (sel.vrs.includes("SQ")) {
    translation.unsupported(s, guard, "writes a value into a sequence", sel);
    return;
  }
  quarantineAbsentArguments(translation, value, s, guard);
  noteCreate();
  // A value computed from the element itself needs the element: there is nothing to create.
  translation.addOp(sel, `${creates && !readsItself(value) ? "create " : "set "}${expr.text}`, guard, s);
}

export function translateDeletion(translation: Translation, s: Extract<DeStatement, { kind: "delete" }>, guard: string[]): void {
  const sel = translation.target(s.target, s);
  if (!sel) return;
  translation.addOp(sel, "remove", guard, s);
}
