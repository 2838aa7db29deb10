// Selectors at generation time: which tags a rule can match (to fill the
// dispatch tables), the code testing an element or an enclosing sequence at
// run time, and a readable rendering for comments. Mirrors RulePlan
// (src/runtime/executor/plan.ts): `elementTest`, `ancestorMatcher`, and
// which rules are candidates for standard and private elements.

import type { IrElementMatch, IrElementStep, IrRule, IrSelector, IrStep } from "../ir/types";
import { commentText, hex, type ModuleBuilder } from "./module-builder";
import { describeExpr, describeStep } from "../ir/explain";

/** How the dispatch tables file a rule, by the last step of its selector. */
export type RuleShape =
  | { kind: "tag"; tag: number; keyword: string | null }
  | { kind: "pattern"; match: Extract<IrElementMatch, { kind: "mask" | "range" }> }
  | { kind: "private"; group: number; creator: string; element: number | null }
  /** `keyword /re/`: the exact tags and repeating-group masks the pattern found */
  | { kind: "keywords"; tags: number[]; masks: Extract<IrElementMatch, { kind: "mask" }>[] }
  /**
   * `vr …`, `any where`, `private *` and `*`: a candidate for every element (private ones only for
   * `private *`; standard ones only for `vr …`)
   */
  | { kind: "every"; privateOnly: boolean; standardOnly?: true }
  /** a path whose last step is not an element: matches nothing */
  | { kind: "none" };

export function ruleShape(sel: IrSelector): RuleShape {
  switch (sel.kind) {
    case "all":
    case "anyWhere":
      return { kind: "every", privateOnly: false };
    case "vr":
      return { kind: "every", privateOnly: false, standardOnly: true };
    case "keywords":
      return {
        kind: "keywords",
        tags: sel.matches.flatMap((m) => (m.kind === "tag" ? [parseInt(m.tag, 16)] : [])),
        masks: sel.matches.flatMap((m) => (m.kind === "mask" ? [m] : [])),
      };
    case "privateAll":
      return { kind: "every", privateOnly: true };
    case "path": {
      const last = sel.steps[sel.steps.length - 1];
      if (!last || last.kind !== "element") return { kind: "none" };
      const m = last.match;
      switch (m.kind) {
        case "tag":
          return { kind: "tag", tag: parseInt(m.tag, 16), keyword: m.keyword };
        case "mask":
        case "range":
          return { kind: "pattern", match: m };
        case "private":
          return { kind: "private", group: parseInt(m.group, 16), creator: m.creator, element: m.element === null ? null : parseInt(m.element, 16) };
      }
    }
  }
}

/** Does a mask or range match `tag`? (Generation-time twin of the code `patternTest` emits.) */
export function patternMatches(m: Extract<IrElementMatch, { kind: "mask" | "range" }>, tag: number): boolean {
  if (m.kind === "mask") return ((tag & parseInt(m.mask, 16)) >>> 0) === parseInt(m.value, 16);
  return tag >= parseInt(m.from, 16) && tag <= parseInt(m.to, 16);
}

/**
 * Can a mask or range match a tag of an odd (private) group, or of an even
 * (standard) one? A pattern is left out of the tables for elements it can
 * never match.
 */
export function canMatchGroup(m: Extract<IrElementMatch, { kind: "mask" | "range" }>, odd: boolean): boolean {
  const parity = odd ? 1 : 0;
  if (m.kind === "mask") return (parseInt(m.mask, 16) & 0x10000) === 0 || ((parseInt(m.value, 16) >>> 16) & 1) === parity;
  const from = parseInt(m.from, 16) >>> 16;
  const to = parseInt(m.to, 16) >>> 16;
  return to > from || (from === to && (from & 1) === parity);
}

/** Code testing the number `tag` against a mask or range. */
export function patternTest(m: Extract<IrElementMatch, { kind: "mask" | "range" }>, tag: string): string {
  if (m.kind === "mask") return `((${tag} & ${hex(parseInt(m.mask, 16))}) >>> 0) === ${hex(parseInt(m.value, 16))}`;
  return `${tag} >= ${hex(parseInt(m.from, 16))} && ${tag} <= ${hex(parseInt(m.to, 16))}`;
}

/** Code testing an enclosing sequence `a` (an Ancestor) against one element step, as plan.ts's elementTest and item check. */
function ancestorTest(step: IrElementStep, a: string): string {
  const m = step.match;
  let test: string;
  switch (m.kind) {
    case "tag":
      test = `${a}.tag === ${hex(parseInt(m.tag, 16))}`;
      break;
    case "mask":
    case "range":
      test = patternTest(m, `${a}.tag`);
      break;
    case "private": {
      const parts = [`${a}.tag >>> 16 === ${hex(parseInt(m.group, 16), 4)}`, `(${a}.tag & 0xff00) >= 0x1000`, `${a}.creator === ${JSON.stringify(m.creator)}`];
      if (m.element !== null) parts.push(`(${a}.tag & 0xff) === ${hex(parseInt(m.element, 16), 2)}`);
      test = parts.join(" && ");
      break;
    }
  }
  return step.item === null ? test : `${test} && ${a}.item === ${step.item}`;
}

/**
 * An AncestorMatcher for a path selector, as module-level code, or null when
 * the rule does not look at enclosing sequences. `name` is the matcher's
 * constant; helper functions for `**` steps are named after it.
 */
export function ancestorMatcherCode(sel: IrSelector, name: string, mod: ModuleBuilder): string | null {
  if (sel.kind !== "path") return null;
  const steps = sel.steps;
  const last = steps[steps.length - 1];
  const itemOfLast = last && last.kind === "element" ? last.item : null;
  const before = steps.slice(0, -1);
  if (before.length === 0 && !sel.anchored && itemOfLast === null) return null;

  // An item index on the last step selects the element inside that item of its parent.
  const itemCheck = itemOfLast === null ? null : `depth > 0 && ${mod.nonNull("anc[depth - 1]")}.item === ${itemOfLast}`;
  // `_anc` where the parameter is unused: generated TypeScript is checked with noUnusedParameters.
  const ancestors = (used: boolean): string => `${used ? "anc" : "_anc"}${mod.annotate(`readonly ${mod.use("Ancestor")}[]`)}`;
  const signature = (ancestorsUsed: boolean): string => `(${ancestors(ancestorsUsed)}, depth${mod.annotate("number")})${mod.annotate("boolean")}`;

  if (!before.some((s) => s.kind === "deep")) {
    // Without `**` the enclosing sequences are fixed: the last `before.length` ancestors
    // (unanchored), or exactly the whole chain (anchored).
    const n = before.length;
    const checks: string[] = [];
    if (itemCheck) checks.push(itemCheck);
    if (sel.anchored) checks.push(`depth === ${n}`);
    else if (n > 0) checks.push(`depth >= ${n}`);
    before.forEach((step, i) => {
      // `*` is any sequence: the depth check above is all it needs.
      if (step.kind !== "element") return;
      const index = sel.anchored ? `${i}` : `depth - ${n - i}`;
      checks.push(ancestorTest(step, mod.nonNull(`anc[${index}]`)));
    });
    const body = checks.join(" &&\n    ");
    // An anchored top-level path (`/PatientID`) only looks at the depth.
    return `function ${name}${signature(body.includes("anc["))} {\n  return ${body};\n}`;
  }

  // With `**`, backtracking as plan.ts does: step i tries to match starting at ancestor `at`.
  const fns: string[] = [];
  const stepName = (i: number): string => `${name}_step${i}`;
  const stepSignature = (ancestorsUsed: boolean): string =>
    `(${ancestors(ancestorsUsed)}, depth${mod.annotate("number")}, at${mod.annotate("number")})${mod.annotate("boolean")}`;
  before.forEach((step: IrStep, i) => {
    const next = stepName(i + 1);
    if (step.kind === "deep") {
      fns.push(`/** \`**\`: zero or more sequence levels */\nfunction ${stepName(i)}${stepSignature(true)} {\n  for (let k = at; k <= depth; k++) if (${next}(anc, depth, k)) return true;\n  return false;\n}`);
    } else if (step.kind === "any") {
      fns.push(`/** \`*\`: one level of any sequence */\nfunction ${stepName(i)}${stepSignature(true)} {\n  return at < depth && ${next}(anc, depth, at + 1);\n}`);
    } else {
      fns.push(`/** ${commentText(describeStep(step))} */\nfunction ${stepName(i)}${stepSignature(true)} {\n  if (at >= depth) return false;\n  const a = ${mod.nonNull("anc[at]")};\n  return ${ancestorTest(step, "a")} && ${next}(anc, depth, at + 1);\n}`);
    }
  });
  fns.push(`function ${stepName(before.length)}${stepSignature(false)} {\n  return at === depth;\n}`);
  // Anchored paths start at the top level; others may start at any depth.
  const body = sel.anchored
    ? `  return ${itemCheck ? `${itemCheck} && ` : ""}${stepName(0)}(anc, depth, 0);`
    : `  ${itemCheck ? `if (!(${itemCheck})) return false;\n  ` : ""}for (let start = 0; start <= depth; start++) if (${stepName(0)}(anc, depth, start)) return true;\n  return false;`;
  fns.push(`function ${name}${signature(true)} {\n${body}\n}`);
  return fns.join("\n");
}

/** "file:line:column", how comments and reports name a rule. */
export function sourceText(r: Pick<IrRule, "source">): string {
  return `${r.source.file}:${r.source.line}:${r.source.column}`;
}
