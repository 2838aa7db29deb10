// `create` adds attributes an object lacks; the Clinical Trial attributes it
// adds belong to modules (src/check/trial-modules.ts), and a module that is
// present must have all its Type 1 and Type 2 attributes, and its Type 1C
// ones where their condition holds. A profile that creates the sponsor and
// the protocol ID but not the protocol name or the site name writes objects
// that fail validation (dciodvfy: "Missing attribute Type 2 Required
// Element=<ClinicalTrialSiteName>").
//
// An attribute counts as added only by a `create` that adds it to every
// object: one without a condition (its own `when` or a block's), whose lookup
// misses still give a value (`else remove` adds nothing); and a Type 1 or 1C
// attribute needs a value, not `create ""`. The whole chain (base profile and
// options) is read. The finding goes to this file's first `create` of the
// module; where the file creates none of it, to the profile's header when an
// option (`with`) brings the module in, since an option has no chain to be
// checked against on its own; a base profile's creates are reported in its
// file. Type 2 attributes may be empty, so the fix adds `create ""` for
// those no rule creates; a Type 1 value only the curator knows.

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import { buildIr } from "../../ir/build";
import type { IrAction, IrProgram, IrQuarantineMiss, IrRule } from "../../ir/types";
import { flattenStatements } from "../../syntax/blocks";
import type { Rule, Selector, Span } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { TRIAL_MODULES, type TrialModule } from "../trial-modules";

const keywordOf = (tag: number): string => lookupTag(tag)?.keyword ?? tag.toString(16);

/** `a`, `a and b`, `a, b and c` */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** How the chain creates one attribute. */
interface Creation {
  /** some `create` adds it to every object that lacks it */
  always: boolean;
  /** ... and with a value that is not empty */
  withValue: boolean;
  /** why no `create` adds it to every object, for the message */
  why: string | null;
  /** the layers of the rules that create it */
  layers: number[];
}

const isEmptyText = (a: IrAction): boolean => a.kind === "set" && a.value.kind === "str" && a.value.value.trim() === "";

/** Whether an action, on an absent attribute, always yields something to add (or quarantines), and whether that may be empty. */
function yields(a: IrAction | IrQuarantineMiss): { value: boolean; empty: boolean } {
  if (a.kind === "quarantine") return { value: true, empty: false };
  if (a.kind === "set") return { value: true, empty: isEmptyText(a) };
  if (a.kind === "lookup") {
    const miss = yields(a.otherwise);
    return { value: miss.value, empty: miss.empty };
  }
  return { value: false, empty: false };
}

function creationsOf(ir: IrProgram): Map<number, Creation> {
  const out = new Map<number, Creation>();
  for (const r of ir.rules) {
    const tag = createdTag(r);
    if (tag === null) continue;
    const c = out.get(tag) ?? { always: false, withValue: false, why: null, layers: [] };
    c.layers.push(r.layer);
    const y = yields(r.action);
    if (r.when !== null) c.why ??= "its `create` has a condition";
    else if (!y.value) c.why ??= "its `create lookup` adds nothing on a miss";
    else {
      c.always = true;
      if (y.empty) c.why ??= "its `create` writes an empty value";
      else c.withValue = true;
    }
    out.set(tag, c);
  }
  return out;
}

function createdTag(r: IrRule): number | null {
  if ((r.action.kind !== "set" && r.action.kind !== "lookup") || r.action.mode !== "create") return null;
  if (r.selector.kind !== "path" || r.selector.steps.length !== 1) return null;
  const step = r.selector.steps[0]!;
  return step.kind === "element" && step.item === null && step.match.kind === "tag" ? parseInt(step.match.tag, 16) : null;
}

/** The tag a one-step selector names by keyword or exact tag. */
function namedTag(sel: Selector): number | null {
  if (sel.kind !== "PathSelector" || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  if (step.kind !== "ElementStep") return null;
  const el = step.element;
  if (el.kind === "KeywordRef") {
    const entry = lookupKeyword(el.keyword);
    return entry && !/X/i.test(entry.tag) ? parseInt(entry.tag, 16) : null;
  }
  return el.kind === "TagRef" && el.mask === 0xffffffff ? el.value : null;
}

const isCreate = (rule: Rule): boolean => (rule.action.kind === "SetAction" || rule.action.kind === "LookupAction") && rule.action.mode === "create";

interface Missing {
  tags: number[];
  type1: boolean;
}

/** The requirements of `module` that the chain's creates leave unmet. */
function missingOf(module: TrialModule, created: Map<number, Creation>): Missing[] {
  const has = (tag: number, type1: boolean): boolean => {
    const c = created.get(tag);
    return c !== undefined && (type1 ? c.withValue : c.always);
  };
  const out: Missing[] = [];
  for (const t of module.type1) if (!has(t, true)) out.push({ tags: [t], type1: true });
  for (const t of module.type2) if (!has(t, false)) out.push({ tags: [t], type1: false });
  for (const group of module.oneOf) if (!group.some((t) => has(t, true))) out.push({ tags: [...group], type1: true });
  for (const r of module.requiredIf) if (created.has(r.present) && !has(r.then, true)) out.push({ tags: [r.then], type1: true });
  return out;
}

export function TrialModuleRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        if (ctx.file.fromStdlib) return;
        for (const unit of ctx.unitsHere) {
          if (unit.kind !== "profile") continue;
          const { ir } = buildIr(ctx.program, unit);
          if (!ir) continue;
          const created = creationsOf(ir);
          const creates = flattenStatements(unit.statements)
            .map((f) => f.statement)
            .filter((s): s is Rule => s.kind === "Rule" && isCreate(s));
          for (const module of TRIAL_MODULES) {
            if (!module.members.some((t) => created.has(t))) continue;
            const missing = missingOf(module, created);
            if (missing.length === 0) continue;
            const ownRules = creates.filter((r) => r.selectors.some((s) => module.members.includes(namedTag(s) ?? -1)));
            let span: Span | null = null;
            if (ownRules.length > 0) span = ownRules[0]!.selectors.find((s) => module.members.includes(namedTag(s) ?? -1))!.span;
            else if (unit.header && module.members.some((t) => created.get(t)?.layers.some((l) => ir.profile.layers[l]?.kind === "option"))) span = unit.header.name.span;
            if (span === null) continue;
            const named = (m: Missing): string => {
              const text = m.tags.map((t) => `\`${keywordOf(t)}\``).join(" or ");
              const why = m.tags.length === 1 ? created.get(m.tags[0]!)?.why : null;
              return why ? `${text} (${why}${why.endsWith("empty value") ? ", and it is Type 1" : ""})` : text;
            };
            const type1 = missing.filter((m) => m.type1);
            const type2 = missing.filter((m) => !m.type1);
            const help = [
              ...(type1.length > 0 ? [`create ${listed(type1.map((m) => m.tags.map((t) => `\`${keywordOf(t)}\``).join(" or ")))} for every object, with a value (Type 1)`] : []),
              ...(type2.length > 0 ? [`add ${listed(type2.map((m) => `\`${keywordOf(m.tags[0]!)} -> create ""\``))} without a condition (Type 2: present, and empty where unknown)`] : []),
            ].join("; ");
            // The fix adds what no rule creates at all, after the module's last `create` here.
            const fixable = type1.length === 0 && type2.every((m) => !created.has(m.tags[0]!)) && ownRules.length > 0;
            const last = ownRules[ownRules.length - 1];
            const lineEnd = last ? ctx.file.source.text.indexOf("\n", last.span.end) : -1;
            const insertAt = lineEnd < 0 ? ctx.file.source.text.length : lineEnd;
            ctx.report("DEID3030", span, `\`create\` adds the ${module.name} module (PS3.3 ${module.section}) to objects that lack it, without ${listed(missing.map(named))}, which the module requires`, {
              help,
              ...(fixable
                ? { fix: { description: "create the module's Type 2 attributes empty", file: ctx.file.path, span: { start: insertAt, end: insertAt }, text: type2.map((m) => `\n${keywordOf(m.tags[0]!)} -> create ""`).join("") } }
                : {}),
            });
          }
        }
      },
    },
  };
}
