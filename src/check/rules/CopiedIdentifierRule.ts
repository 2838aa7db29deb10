// Values read the input as it was, before any rule changed it. So a value
// that copies an attribute the profile replaces or removes puts the original
// back into the output under another name: `ClinicalTrialSubjectID -> create
// PatientID`, where PatientID itself gets the sponsor's pseudonym, writes the
// hospital's patient ID. A copy is the attribute itself, or text built from it
// without hiding it (`+`, `upper`, `lower`, `truncate`, `format`, a `let`
// holding one); `hash`, `days`, `initials`, `ageBand` and `capAge` derive
// something else on purpose, and conditions and lookup keys write nothing.
// A rule that copies its own attribute (`PatientID -> "P-" + PatientID`)
// says so in plain sight and is left alone.

import { lookupTag } from "../../dicom/dictionary";
import { decidingRule, describeAction } from "../../ir/explain";
import type { IrAction, IrExpr, IrLet, IrQuarantineMiss, IrRule } from "../../ir/types";
import { irSourceAt, profileIrsHere, relatedAtIrSource } from "../ir-locations";
import type { Span } from "../../syntax/ast";
import { flattenStatements } from "../../syntax/blocks";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

const COPYING_FUNCTIONS: ReadonlySet<string> = new Set(["upper", "lower", "truncate", "format"]);

/** The top-level attributes whose text an expression carries into its value; a `let` by what `lets` says it carries. */
function copiedTags(e: IrExpr, lets: ReadonlyMap<string, ReadonlySet<number>>, out: Set<number>): void {
  switch (e.kind) {
    case "attr":
      if (!e.item) out.add(parseInt(e.tag, 16));
      return;
    case "let":
      for (const t of lets.get(e.name) ?? []) out.add(t);
      return;
    case "binary":
      if (e.op === "+") {
        copiedTags(e.left, lets, out);
        copiedTags(e.right, lets, out);
      }
      return;
    case "call":
      if (COPYING_FUNCTIONS.has(e.fn)) for (const a of e.args) copiedTags(a, lets, out);
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
function letCopies(lets: readonly IrLet[]): Map<string, Set<number>> {
  const carried = new Map<string, Set<number>>(lets.map((l) => [l.name, new Set<number>()]));
  for (let pass = 0, grew = true; grew && pass <= lets.length; pass++) {
    grew = false;
    for (const l of lets) {
      const set = carried.get(l.name)!;
      const before = set.size;
      copiedTags(l.value, carried, set);
      if (set.size > before) grew = true;
    }
  }
  return carried;
}

/** The values an action writes: a set's, and those of a lookup's `else` chain (never its keys). */
function valuesOf(a: IrAction | IrQuarantineMiss): IrExpr[] {
  if (a.kind === "set") return [a.value];
  if (a.kind === "lookup") return valuesOf(a.otherwise);
  return [];
}

/** The exact top-level tag a rule decides, when it names one. */
function ownTag(r: IrRule): number | null {
  if (r.selector.kind !== "path") return null;
  const elements = r.selector.steps.filter((s) => s.kind === "element");
  const last = elements[elements.length - 1];
  return last?.kind === "element" && last.match.kind === "tag" ? parseInt(last.match.tag, 16) : null;
}

export function CopiedIdentifierRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        for (const { unit, ir } of profileIrsHere(ctx)) {
          const ownLayer = ir.profile.layers.length - 1;
          const lets = letCopies(ir.lets);
          // The AST rule each IR rule of this file came from, by where it starts: its action is what is reported.
          const actions = new Map<number, Span>();
          for (const f of flattenStatements(unit.statements)) if (f.statement.kind === "Rule") actions.set(f.statement.span.start, f.statement.action.span);
          for (const rule of ir.rules) {
            if (rule.layer !== ownLayer) continue;
            const at = irSourceAt(ctx.program, rule.source);
            if (at.file !== ctx.file) continue;
            const copied = new Set<number>();
            for (const v of valuesOf(rule.action)) copiedTags(v, lets, copied);
            copied.delete(ownTag(rule) ?? -1);
            for (const tag of copied) {
              const entry = lookupTag(tag);
              const deciding = decidingRule(ir, { kind: "tag", tag, vrs: entry?.vrs ?? ["UN"] });
              if (!deciding || (deciding.action.kind === "code" && deciding.action.code === "K")) continue;
              const keyword = entry?.keyword ?? `(${tag.toString(16).padStart(8, "0").slice(0, 4)},${tag.toString(16).padStart(8, "0").slice(4)})`;
              const how = describeAction(deciding.action);
              const unitName = ir.profile.layers[deciding.layer]?.name ?? "the profile";
              ctx.report("DEID3031", actions.get(at.span.start) ?? at.span, `this value copies the input's \`${keyword}\`, which the profile does not keep (\`${how}\`): the original ${keyword} reaches the output`, {
                help:
                  deciding.action.kind === "lookup" || deciding.action.kind === "set"
                    ? `values read the input before any rule changed it; to write what \`${keyword}\` becomes, derive it the same way (\`${how}\`), or use \`hash(key, ${keyword}, 8)\``
                    : `values read the input before any rule changed it; derive something that does not identify (\`hash(key, ${keyword}, 8)\`), or keep \`${keyword}\` itself with a reason if it is safe`,
                related: [relatedAtIrSource(ctx.program, deciding.source, `${unitName} rule at line ${deciding.source.line}: ${how}`)],
              });
            }
          }
        }
      },
    },
  };
}
