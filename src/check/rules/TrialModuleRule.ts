// `create` adds attributes an object lacks; the Clinical Trial attributes it
// adds belong to modules (src/check/trial-modules.ts), and a module that is
// present must have all its Type 1 and Type 2 attributes, and its Type 1C
// ones where their condition holds. A profile that creates the sponsor and
// the protocol ID but not the protocol name or the site name writes objects
// that fail validation (dciodvfy: "Missing attribute Type 2 Required
// Element=<ClinicalTrialSiteName>").
//
// An attribute counts as added where the rule that decides it in an object
// that lacks it is a `create` that gives a value: the first rule of the
// whole chain (base profile, options, this file) that selects it, as the
// executor decides; a lookup whose misses add nothing (`else remove`) or an
// earlier rule that applies under a condition stops it; and a Type 1 or 1C
// attribute needs a value that cannot be empty (not `create ""`, not a copy
// of an attribute the object may lack). A module created whole under one
// condition (inside one `when` block) is complete where it is created. The finding goes to this file's first `create` of the
// module; where the file creates none of it, to the profile's header when an
// option (`with`) brings the module in, since an option has no chain to be
// checked against on its own; a base profile's creates are reported in its
// file. Type 2 attributes may be empty, so the fix adds `create ""` for
// those no rule creates; a Type 1 value only the curator knows.

import { listed } from "../../diagnostics/wording";
import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import { selectsAttribute } from "../../ir/explain";
import type { IrAction, IrExpr, IrProgram, IrQuarantineMiss, IrRule } from "../../ir/types";
import { profileIrsHere, relatedAtIrSource } from "../ir-locations";
import { flattenStatements, type FlatStatement } from "../../syntax/blocks";
import type { Rule, Selector, Span } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { TRIAL_MODULES, type TrialModule } from "../trial-modules";

const keywordOf = (tag: number): string => lookupTag(tag)?.keyword ?? tag.toString(16);

/** How the chain creates one attribute in an object that lacks it. */
interface Creation {
  /** the first rule that decides it without a condition is a `create` that gives a value, and no rule before it can stop it */
  always: boolean;
  /** ... and that value is never empty */
  withValue: boolean;
  /** the conditions (as IR JSON) under which a `create` surely adds it, when not always */
  under: Set<string>;
  /** why it is not always added (with a value), for the message, and the rule that says so */
  why: string | null;
  rule: IrRule | null;
  /** the layers of the `create` rules that reach it */
  layers: number[];
}

const isEmptyText = (a: IrAction): boolean => a.kind === "set" && a.value.kind === "str" && a.value.value.trim() === "";

/** Whether an expression's value can never be empty: text with a character in it, a number, a hash, or a sum holding one. */
function surelyNonEmpty(e: IrExpr): boolean {
  switch (e.kind) {
    case "str":
      return e.value.trim() !== "";
    case "num":
      return true;
    case "binary":
      return e.op === "+" && (surelyNonEmpty(e.left) || surelyNonEmpty(e.right));
    case "call":
      return e.fn === "hash" || (e.fn === "format" && e.args[0]?.kind === "str" && e.args[0].value.replace(/\{\}/g, "").trim() !== "");
    default:
      return false;
  }
}

/** Whether an action, on an absent attribute, always yields something to add (or quarantines), and whether that is surely not empty. */
function yields(a: IrAction | IrQuarantineMiss): { value: boolean; nonEmpty: boolean } {
  if (a.kind === "quarantine") return { value: true, nonEmpty: true };
  if (a.kind === "set") return { value: true, nonEmpty: surelyNonEmpty(a.value) };
  // a table's values are checked when it is read: a hit gives what the table holds
  if (a.kind === "lookup") return yields(a.otherwise);
  return { value: false, nonEmpty: false };
}

/** How the chain treats one top-level attribute an object lacks: the rules that would decide it, in precedence order. */
function creationOf(ir: IrProgram, tag: number, ownLayer: number): Creation | null {
  const key = { kind: "tag" as const, tag, vrs: lookupTag(tag)?.vrs ?? ["UN"] };
  const c: Creation = { always: false, withValue: false, under: new Set(), why: null, rule: null, layers: [] };
  let blocked = false;
  let decider: IrRule | null = null;
  for (const r of ir.rules) {
    if (!selectsAttribute(r.selector, key)) continue;
    const creates = createdTag(r) === tag;
    if (creates) c.layers.push(r.layer);
    // Past the deciding rule, only the creates it stops are counted (for the message).
    if (decider !== null) continue;
    const y = creates ? yields(r.action) : { value: false, nonEmpty: false };
    const note = (why: string) => {
      if (c.why === null) {
        c.why = why;
        c.rule = r;
      }
    };
    if (r.when !== null) {
      if (creates && y.value && !blocked) c.under.add(JSON.stringify(r.when));
      else {
        // Where its condition holds, this rule decides, and adds nothing.
        blocked = true;
        note(creates ? "its `create lookup` adds nothing on a miss" : "a rule before its `create` decides it where that rule's condition holds, and adds nothing");
      }
      continue;
    }
    decider = r;
    if (!creates) note("a rule before its `create` decides it, and adds nothing");
    else if (!y.value) note("its `create lookup` adds nothing on a miss");
    else if (!blocked) {
      c.always = true;
      c.withValue = y.nonEmpty;
      if (!y.nonEmpty) note(isEmptyText(r.action) ? "its `create` writes an empty value" : "its `create` value may be empty");
    }
  }
  if (c.layers.length === 0) {
    // No `create` at all; but a rule of this profile that decides it would conflict with one added.
    const own = ir.rules.find((r) => r.layer === ownLayer && selectsAttribute(r.selector, key));
    if (!own) return null;
    c.why = "a rule of this profile decides it, and adds nothing";
    c.rule = own;
    return c;
  }
  if (!c.always && c.under.size > 0) c.why ??= "its `create` has a condition";
  return c;
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

/**
 * The requirements of `module` that the chain's creates leave unmet. The module is brought in
 * wherever a member is surely created: always, or under some conditions; a required attribute is
 * met when it is created wherever that is (always, or under each of those conditions: a module
 * created whole inside one `when` block is complete).
 */
function missingOf(module: TrialModule, created: Map<number, Creation>): Missing[] {
  const where = new Set<string>();
  let always = false;
  for (const t of module.members) {
    const c = created.get(t);
    if (!c) continue;
    if (c.always) always = true;
    for (const u of c.under) where.add(u);
  }
  const has = (tag: number, type1: boolean): boolean => {
    const c = created.get(tag);
    if (c === undefined) return false;
    if (c.always) return !type1 || c.withValue;
    // Under conditions, a Type 1 value is taken as given; only the conditions are compared.
    return !always && where.size > 0 && [...where].every((u) => c.under.has(u));
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
        for (const { unit, ir } of profileIrsHere(ctx)) {
          const flat = flattenStatements(unit.statements).filter((f): f is FlatStatement & { statement: Rule } => f.statement.kind === "Rule" && isCreate(f.statement));
          for (const module of TRIAL_MODULES) {
            const created = new Map<number, Creation>();
            for (const tag of module.members) {
              const c = creationOf(ir, tag, ir.profile.layers.length - 1);
              if (c) created.set(tag, c);
            }
            // Brought in where a member is surely created.
            if (![...created.values()].some((c) => c.always || c.under.size > 0)) continue;
            const withCreate = (t: number): boolean => (created.get(t)?.layers.length ?? 0) > 0;
            const missing = missingOf(module, created);
            if (missing.length === 0) continue;
            const own = flat.filter((f) => f.statement.selectors.some((s) => module.members.includes(namedTag(s) ?? -1)));
            let span: Span | null = null;
            if (own.length > 0) span = own[0]!.statement.selectors.find((s) => module.members.includes(namedTag(s) ?? -1))!.span;
            else if (unit.header && [...created.values()].some((c) => c.layers.some((l) => ir.profile.layers[l]?.kind === "option"))) span = unit.header.name.span;
            if (span === null) continue;
            const named = (m: Missing): string => {
              const text = m.tags.map((t) => `\`${keywordOf(t)}\``).join(" or ");
              const why = m.tags.length === 1 ? created.get(m.tags[0]!)?.why : null;
              return why ? `${text} (${why}${m.type1 && /empty/.test(why) ? ", and it is Type 1" : ""})` : text;
            };
            // What no rule creates needs a rule; what a rule creates only sometimes needs that rule changed.
            const absent = missing.filter((m) => m.tags.every((t) => !created.has(t)));
            const partial = missing.filter((m) => m.tags.some((t) => created.has(t)));
            const type1 = absent.filter((m) => m.type1);
            const type2 = absent.filter((m) => !m.type1);
            const where = [...created.values()].some((c) => c.always) ? "for every object" : "under the same condition as the rest of the module";
            const help = [
              ...(type1.length > 0 ? [`create ${listed(type1.map((m) => m.tags.map((t) => `\`${keywordOf(t)}\``).join(" or ")))} ${where}, with a value (Type 1)`] : []),
              ...(type2.length > 0 ? [`add ${listed(type2.map((m) => `\`${keywordOf(m.tags[0]!)} -> create ""\``))} ${where} (Type 2: present, and empty where unknown)`] : []),
              ...(partial.some((m) => m.tags.some(withCreate))
                ? [
                    `make the \`create\` of ${listed(partial.filter((m) => m.tags.some(withCreate)).map((m) => m.tags.filter(withCreate).map((t) => `\`${keywordOf(t)}\``).join(" or ")))} add a value ${where} (the notes below say why it does not)`,
                  ]
                : []),
              ...(partial.some((m) => !m.tags.some(withCreate))
                ? [`let ${listed(partial.filter((m) => !m.tags.some(withCreate)).map((m) => m.tags.map((t) => `\`${keywordOf(t)}\``).join(" or ")))} be created: the rule named below decides it, and adds nothing`]
                : []),
            ].join("; ");
            const relatedRules = partial.flatMap((m) => m.tags.map((t) => created.get(t)).filter((c): c is Creation => c?.rule != null).map((c) => relatedAtIrSource(ctx.program, c.rule!.source, c.why ?? "")));
            // The fix adds the Type 2 attributes no rule creates, after the module's last `create` outside any block.
            const last = own.filter((f) => f.blockConditions.length === 0).pop()?.statement;
            const fixable = type1.length === 0 && partial.length === 0 && type2.length > 0 && last !== undefined && where === "for every object";
            const source = ctx.file.source.text;
            const lineEnd = last ? source.indexOf("\n", last.span.end) : -1;
            // The file's own line ending: before a CRLF's CR.
            const crlf = lineEnd > 0 && source[lineEnd - 1] === "\r";
            const insertAt = lineEnd < 0 ? source.length : crlf ? lineEnd - 1 : lineEnd;
            const eol = crlf ? "\r\n" : "\n";
            ctx.report("DEID3030", span, `\`create\` adds the ${module.name} module (PS3.3 ${module.section}) to objects that lack it, without ${listed(missing.map(named))}, which the module requires`, {
              help,
              ...(relatedRules.length > 0 ? { related: relatedRules } : {}),
              ...(fixable
                ? { fix: { description: "create the module's Type 2 attributes empty", file: ctx.file.path, span: { start: insertAt, end: insertAt }, text: type2.map((m) => `${eol}${keywordOf(m.tags[0]!)} -> create ""`).join("") } }
                : {}),
            });
          }
        }
      },
    },
  };
}
