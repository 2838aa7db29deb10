// Values read the input as it was, before any rule changed it. So a value
// that copies an attribute the profile replaces or removes puts the original
// back into the output under another name: `ClinicalTrialSubjectID -> create
// PatientID`, where PatientID itself gets the sponsor's pseudonym, writes the
// hospital's patient ID. A copy is the attribute itself, standard or private,
// or text built from it without hiding it (`+`, `upper`, `lower`, `truncate`,
// `format`, a `let` holding one); `hash`, `days`, `initials`, `ageBand` and
// `capAge` derive something else on purpose, and conditions and lookup keys
// write nothing. A rule that copies its own attribute (`AccessionNumber ->
// "A-" + AccessionNumber`) is judged against what the layers below it do with
// that attribute. The rules of the profile and of the site's options it
// switches on are read; an option's rule in another file is reported at the
// profile that switches it on.

import { lookupTag } from "../../dicom/dictionary";
import { decidingRule, describeAction, type AttributeKey } from "../../ir/explain";
import type { IrAction, IrExpr, IrLet, IrQuarantineMiss, IrRule } from "../../ir/types";
import type { Rule } from "../../syntax/ast";
import { flattenStatements } from "../../syntax/blocks";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { irSourceAt, profileIrsHere, relatedAtIrSource } from "../ir-locations";

const COPYING_FUNCTIONS: ReadonlySet<string> = new Set(["upper", "lower", "truncate", "format"]);

/** The attributes whose text an expression carries into its value, by label; a `let` by what `lets` says it carries. */
function copiedKeys(e: IrExpr, lets: ReadonlyMap<string, ReadonlyMap<string, AttributeKey>>, out: Map<string, AttributeKey>): void {
  switch (e.kind) {
    case "attr":
      if (!e.item) {
        const tag = parseInt(e.tag, 16);
        out.set(e.keyword ?? `(${e.tag.slice(0, 4)},${e.tag.slice(4)})`, { kind: "tag", tag, vrs: lookupTag(tag)?.vrs ?? ["UN"] });
      }
      return;
    case "privateAttr":
      out.set(`(${e.group},${JSON.stringify(e.creator)},${e.element})`, { kind: "private", group: parseInt(e.group, 16), creator: e.creator, element: parseInt(e.element, 16), vrs: ["UN"] });
      return;
    case "let":
      for (const [label, key] of lets.get(e.name) ?? []) out.set(label, key);
      return;
    case "binary":
      if (e.op === "+") {
        copiedKeys(e.left, lets, out);
        copiedKeys(e.right, lets, out);
      }
      return;
    case "call":
      if (COPYING_FUNCTIONS.has(e.fn)) for (const a of e.args) copiedKeys(a, lets, out);
      return;
    default:
      return;
  }
}

/**
 * What each `let` carries. Without recursion from one `let` into the next: a chain of a thousand
 * (which the checker accepts) would exhaust the stack. Passes until nothing grows; lets read only
 * earlier ones in practice, so that is one pass and a check.
 */
function letCopies(lets: readonly IrLet[]): Map<string, Map<string, AttributeKey>> {
  const carried = new Map<string, Map<string, AttributeKey>>(lets.map((l) => [l.name, new Map()]));
  for (let pass = 0, grew = true; grew && pass <= lets.length; pass++) {
    grew = false;
    for (const l of lets) {
      const map = carried.get(l.name)!;
      const before = map.size;
      copiedKeys(l.value, carried, map);
      if (map.size > before) grew = true;
    }
  }
  return carried;
}

/** The keys an action's values copy. */
function copiesOf(a: IrAction, lets: ReadonlyMap<string, ReadonlyMap<string, AttributeKey>>): Map<string, AttributeKey> {
  const out = new Map<string, AttributeKey>();
  for (const v of valuesOf(a)) copiedKeys(v, lets, out);
  return out;
}

/** The values an action writes: a set's, and those of a lookup's `else` chain (never its keys). */
function valuesOf(a: IrAction | IrQuarantineMiss): IrExpr[] {
  if (a.kind === "set") return [a.value];
  if (a.kind === "lookup") return valuesOf(a.otherwise);
  return [];
}

/** Whether a rule decides the attribute `key` names (the last step of its path is that element). */
function decidesOwn(r: IrRule, key: AttributeKey): boolean {
  if (r.selector.kind !== "path") return false;
  const elements = r.selector.steps.filter((s) => s.kind === "element");
  const last = elements[elements.length - 1];
  if (last?.kind !== "element") return false;
  const m = last.match;
  if (key.kind === "tag") return m.kind === "tag" && parseInt(m.tag, 16) === key.tag;
  return m.kind === "private" && parseInt(m.group, 16) === key.group && m.creator === key.creator && m.element !== null && parseInt(m.element, 16) === key.element;
}

export function CopiedIdentifierRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        // The rules written in this file, to report at: a multi-selector rule is one IR rule per selector.
        const written: Rule[] = [];
        for (const unit of ctx.unitsHere) for (const f of flattenStatements(unit.statements)) if (f.statement.kind === "Rule") written.push(f.statement);
        const ruleAt = (offset: number): Rule | undefined => written.find((r) => r.span.start <= offset && offset < r.span.end);
        const reported = new Set<string>();
        for (const { unit, ir } of profileIrsHere(ctx)) {
          const ownLayer = ir.profile.layers.length - 1;
          const lets = letCopies(ir.lets);
          for (const rule of ir.rules) {
            const layer = ir.profile.layers[rule.layer];
            const siteOption = layer?.kind === "option" && !layer.source.file.startsWith("stdlib/");
            if (rule.layer !== ownLayer && !siteOption) continue;
            for (const [label, key] of copiesOf(rule.action, lets)) {
              // Its own attribute: against what the layers below do with it.
              const own = decidesOwn(rule, key);
              const deciding = own ? decidingRule(ir, key, rule.layer) : decidingRule(ir, key);
              if (!deciding || deciding === rule || (deciding.action.kind === "code" && deciding.action.code === "K")) continue;
              const how = describeAction(deciding.action);
              const unitName = ir.profile.layers[deciding.layer]?.name ?? "the profile";
              const rewritesWithOriginal = !own && copiesOf(deciding.action, lets).has(label) && decidesOwn(deciding, key);
              const message = own
                ? `this value keeps the input's \`${label}\` in it, where \`${unitName}\` says \`${how}\`: the original reaches the output`
                : rewritesWithOriginal
                  ? `this value copies the input's \`${label}\`, whose own rule keeps the original in it too (\`${how}\`): the original reaches the output`
                  : `this value copies the input's \`${label}\`, which the profile does not keep (\`${how}\`): the original ${label} reaches the output`;
              const help = own || rewritesWithOriginal
                ? `values read the input before any rule changed it; write a value that does not hold the original (a lookup, or \`hash(key, ${label}, 8)\`)${rewritesWithOriginal ? `, for \`${label}\` and here` : ""}, or keep \`${label}\` with \`because "..."\` if it is safe`
                : deciding.action.kind === "lookup" || deciding.action.kind === "set"
                  ? `values read the input before any rule changed it; to write what \`${label}\` becomes, derive it the same way (\`${how}\`), or use \`hash(key, ${label}, 8)\``
                  : `values read the input before any rule changed it; derive something that does not identify (\`hash(key, ${label}, 8)\`), or keep \`${label}\` itself with a reason if it is safe`;
              const related = [relatedAtIrSource(ctx.program, deciding.source, `${unitName} rule at line ${deciding.source.line}: ${how}`)];
              const at = irSourceAt(ctx.program, rule.source);
              const astRule = at.file === ctx.file ? ruleAt(at.span.start) : undefined;
              if (astRule) {
                const id = `${astRule.span.start}\u0000${label}`;
                if (reported.has(id)) continue;
                reported.add(id);
                ctx.report("DEID3031", astRule.action.span, message, { help, related });
              } else if (unit.header) {
                // An option's rule in another file: at the profile that switches it on.
                const id = `${rule.source.file}:${rule.source.line}\u0000${label}`;
                if (reported.has(id)) continue;
                reported.add(id);
                ctx.report("DEID3031", unit.header.name.span, `option \`${layer?.name ?? "?"}\`, which this profile switches on: ${message}`, {
                  help,
                  related: [relatedAtIrSource(ctx.program, rule.source, `the option's rule at line ${rule.source.line}`), ...related],
                });
              }
            }
          }
        }
      },
    },
  };
}
