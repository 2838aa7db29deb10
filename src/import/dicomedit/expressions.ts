// DicomEdit values (constants, variables, attributes, function calls) as
// .deid expressions, for conditions and for the values assignments write.

import { ImportCode } from "../codes";
import { LANGUAGE_FEATURES } from "../features";
import { attributeText, parameterName, quote } from "../syntax";
import { readableTag } from "./paths";
import type { DeStatement, DeValue } from "./script";
import type { Translation } from "./translation";

export type Expr = { ok: true; text: string; reads: number[] } | { ok: false; reason: string };

export interface Context {
  guard: string[];
  /** the rule's element is at the top level, where a keyword in a condition names the top-level attribute */
  atRoot: boolean;
}

/** A value as a .deid expression. */
export function valueExpression(translation: Translation, v: DeValue, s: DeStatement, ctx: Context, use: "condition" | "value", written: ReadonlyMap<number, number> = translation.written): Expr {
  switch (v.kind) {
    case "string":
    case "number":
      return { ok: true, text: quote(v.text), reads: [] };
    case "variable": {
      let b = translation.variables.get(v.name);
      if (!b) {
        // XNAT gives a script the labels of the upload (project, subject, session, ...) as variables.
        b = { kind: "param", name: parameterName(v.name), defaultValue: null };
        translation.variables.set(v.name, b);
        translation.note(s, ImportCode.runtimeValue, `the script never sets \`${v.name}\`, so its value comes from XNAT when the script runs (XNAT sets project, subject and session, among others); the import declares it as \`param ${b.name}: string\``, `pass it with \`deidc run --param ${b.name}=...\``);
      }
      if (b.kind === "param") return { ok: true, text: translation.draft.param(b.name, "string", b.defaultValue), reads: [] };
      return valueExpression(translation, b.value, s, ctx, use, b.written);
    }
    case "tag": {
      const tag = readableTag(v.path);
      if (tag === null) return { ok: false, reason: `reads \`${v.path.text}\`, which is not one standard attribute of the top-level dataset (the only kind a .deid ${use} reads from the top level)` };
      const line = written.get(tag);
      if (line !== undefined) {
        translation.note(s, ImportCode.readsWrittenValue, `\`${v.path.text}\` here is the value line ${line} wrote in DicomEdit; deidc reads the value the object arrived with`, "check that the script does not depend on reading its own changes");
      }
      const name = attributeText(tag);
      if (!ctx.atRoot && !LANGUAGE_FEATURES.rootQualified) return { ok: false, reason: `reads the top-level ${name} for an element inside a sequence, which needs \`root.${name}\`` };
      return { ok: true, text: ctx.atRoot ? name : `root.${name}`, reads: [tag] };
    }
    case "call":
      return callExpression(translation, v, s, ctx, use, written);
    case "list":
      return { ok: false, reason: "uses a list of values, which a .deid value cannot hold" };
  }
}

function callExpression(translation: Translation, v: Extract<DeValue, { kind: "call" }>, s: DeStatement, ctx: Context, use: "condition" | "value", written: ReadonlyMap<number, number>): Expr {
  const args = (): Expr[] => v.args.map((a) => valueExpression(translation, a, s, ctx, use, written));
  const failed = (list: Expr[]): Expr | null => list.find((a) => !a.ok) ?? null;
  switch (v.name) {
    case "lowercase":
    case "uppercase": {
      const list = args();
      if (list.length !== 1) return { ok: false, reason: `calls ${v.name} with ${list.length} arguments (DicomEdit fails on it)` };
      const bad = failed(list);
      if (bad) return bad;
      const a = list[0] as Extract<Expr, { ok: true }>;
      return { ok: true, text: `${v.name === "lowercase" ? "lower" : "upper"}(${a.text})`, reads: a.reads };
    }
    case "concatenate": {
      const list = args();
      const bad = failed(list);
      if (bad) return bad;
      const ok = list as Extract<Expr, { ok: true }>[];
      return { ok: true, text: ok.map((a) => a.text).join(" + ") || '""', reads: ok.flatMap((a) => a.reads) };
    }
    case "format": {
      if (v.args[0]?.kind !== "string") return { ok: false, reason: "formats with a pattern that is not a constant string" };
      const list = v.args.slice(1).map((a) => valueExpression(translation, a, s, ctx, use, written));
      const bad = failed(list);
      if (bad) return bad;
      const ok = list as Extract<Expr, { ok: true }>[];
      const pieces = messageFormatPieces(v.args[0].text);
      if (pieces === null) return { ok: false, reason: "uses a MessageFormat pattern with a format type (`{0,number}` and the like), which .deid does not have" };
      const parts: string[] = [];
      for (const p of pieces) {
        if (typeof p === "string") {
          if (p !== "") parts.push(quote(p));
        } else {
          const arg = ok[p];
          // MessageFormat leaves a placeholder without an argument as it is.
          parts.push(arg ? arg.text : quote(`{${p}}`));
        }
      }
      return { ok: true, text: parts.join(" + ") || '""', reads: ok.flatMap((a) => a.reads) };
    }
    default:
      return { ok: false, reason: `calls \`${v.name}\`, which has no .deid counterpart inside an expression` };
  }
}

/**
 * A java.text.MessageFormat pattern as literal pieces and argument indexes,
 * or null when it uses format types. A quote starts literal text, `''` is a
 * quote.
 */
function messageFormatPieces(pattern: string): (string | number)[] | null {
  const out: (string | number)[] = [];
  let text = "";
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        text += "'";
        i++;
      } else quoted = !quoted;
      continue;
    }
    if (!quoted && c === "{") {
      const close = pattern.indexOf("}", i);
      if (close === -1) return null;
      const inner = pattern.slice(i + 1, close).trim();
      if (!/^\d+$/.test(inner)) return null;
      out.push(text);
      text = "";
      out.push(parseInt(inner, 10));
      i = close;
      continue;
    }
    text += c;
  }
  out.push(text);
  return out;
}
