// DicomEdit conditions (`a = b`, `a != b`, `a ~ regex`, `isPresent[...]`)
// as .deid `when` expressions, folded to "true"/"false" when constant.

import { ImportCode } from "../codes";
import { attributeText, readsAsNumber, regexLiteral } from "../syntax";
import { valueExpression } from "./expressions";
import { readableTag } from "./paths";
import type { DeCondition, DeStatement, DeValue } from "./script";
import type { Translation } from "./translation";

/** A DicomEdit condition as a .deid expression; "true"/"false" when constant; null (with a finding) when it cannot be written. */
export function conditionExpression(translation: Translation, c: DeCondition, s: DeStatement, atRoot: boolean): string | null {
  if (c.op === null || c.right === null) return functionConditionExpression(translation, c, s);
  const left = valueExpression(translation, c.left, s, { guard: [], atRoot }, "condition");
  const right = valueExpression(translation, c.right, s, { guard: [], atRoot }, "condition");
  if (!left.ok || !right.ok) {
    const reason = !left.ok ? left.reason : (right as { reason: string }).reason;
    translation.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` ${reason}; the statements it guards are not imported`);
    return null;
  }
  const constant = (v: DeValue): string | null => {
    if (v.kind === "string" || v.kind === "number") return v.text;
    if (v.kind === "variable") {
      const b = translation.variables.get(v.name);
      if (b?.kind === "value" && (b.value.kind === "string" || b.value.kind === "number")) return b.value.text;
    }
    return null;
  };
  const l = constant(c.left);
  const r = constant(c.right);
  if (l !== null && r !== null) {
    const value = c.op === "=" ? l === r : c.op === "!=" ? l !== r : new RegExp(`^(?:${r})$`).test(l) === (c.op === "~");
    return value ? "true" : "false";
  }
  // deidc reads numeric attributes as numbers, DicomEdit reads every value as text.
  const leftValue = translation.resolved(c.left);
  const numericTag = leftValue.kind === "tag" ? readableTag(leftValue.path) : null;
  const numeric = numericTag !== null && readsAsNumber(numericTag);
  if (c.op === "=" || c.op === "!=") {
    if (numeric && r !== null) {
      if (/^[+-]?\d+(\.\d+)?$/.test(r.trim())) return `${left.text} ${c.op === "=" ? "==" : "!="} ${r.trim()}`;
      // Text that is not a number never equals a number.
      return c.op === "=" ? "false" : "true";
    }
    return `${left.text} ${c.op === "=" ? "==" : "!="} ${right.text}`;
  }
  // DicomEdit's `~` is Java's String.matches: the whole value must match.
  const pattern = r === null ? null : regexLiteral(`^(?:${r})$`);
  if (pattern === null) {
    translation.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` needs a constant regular expression JavaScript can compile; the statements it guards are not imported`);
    return null;
  }
  return `${numeric ? `lower(${left.text})` : left.text} ${c.op} ${pattern}`;
}

/** A function that is a condition by itself: `true[]`, `false[]`, `isPresent[tag]`. */
function functionConditionExpression(translation: Translation, c: DeCondition, s: DeStatement): string | null {
  const call = c.left.kind === "call" ? c.left : null;
  if (call?.name === "true" && call.args.length === 0) return "true";
  if (call?.name === "false" && call.args.length === 0) return "false";
  if (call?.name === "isPresent" && call.args.length > 0) {
    const names: string[] = [];
    for (const a of call.args) {
      const tag = a.kind === "tag" ? readableTag(a.path) : null;
      if (tag === null) {
        translation.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` tests an element a .deid condition cannot read; the statements it guards are not imported`);
        return null;
      }
      names.push(`exists(${attributeText(tag)})`);
    }
    return names.join(" and ");
  }
  translation.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` is a function the import cannot write as a condition; the statements it guards are not imported`);
  return null;
}
