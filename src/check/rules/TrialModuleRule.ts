// `create` adds attributes an object lacks; the Clinical Trial attributes it
// adds belong to modules (PS3.3 C.7.1.3 Clinical Trial Subject, C.7.2.3
// Clinical Trial Study, C.7.3.2 Clinical Trial Series), and a module that is
// present must have all its Type 1 and Type 2 attributes. A profile that
// creates the sponsor and the protocol ID but not the protocol name or the
// site name writes objects that fail validation (dciodvfy: "Missing
// attribute Type 2 Required Element=<ClinicalTrialSiteName>"). The check
// reads the whole chain (base profile and options) for what is created, and
// reports at each file's first `create` of the module. Type 2 attributes
// may be empty, so the fix adds `create ""` for them; a Type 1 value only the
// curator knows.

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import { buildIr } from "../../ir/build";
import type { IrProgram } from "../../ir/types";
import { flattenStatements } from "../../syntax/blocks";
import type { Rule, Selector } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

interface TrialModule {
  name: string;
  section: string;
  members: readonly number[];
  type1: readonly number[];
  type2: readonly number[];
  /** Type 1C pairs of which one must be present */
  oneOf: readonly (readonly number[])[];
}

const MODULES: readonly TrialModule[] = [
  {
    name: "Clinical Trial Subject",
    section: "C.7.1.3",
    members: [0x00120010, 0x00120020, 0x00120021, 0x00120022, 0x00120030, 0x00120031, 0x00120032, 0x00120040, 0x00120041, 0x00120042, 0x00120043, 0x00120081, 0x00120082],
    type1: [0x00120010, 0x00120020],
    type2: [0x00120021, 0x00120030, 0x00120031],
    oneOf: [[0x00120040, 0x00120042]],
  },
  { name: "Clinical Trial Study", section: "C.7.2.3", members: [0x00120050, 0x00120051, 0x00120052], type1: [], type2: [0x00120050], oneOf: [] },
  { name: "Clinical Trial Series", section: "C.7.3.2", members: [0x00120060, 0x00120071, 0x00120072, 0x00120073], type1: [], type2: [0x00120060], oneOf: [] },
];

const keywordOf = (tag: number): string => lookupTag(tag)?.keyword ?? tag.toString(16);

/** `a`, `a and b`, `a, b and c` */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The top-level attributes the profile's chain may create. */
function createdTags(ir: IrProgram): Set<number> {
  const tags = new Set<number>();
  for (const r of ir.rules) {
    if ((r.action.kind !== "set" && r.action.kind !== "lookup") || r.action.mode !== "create") continue;
    if (r.selector.kind !== "path" || r.selector.steps.length !== 1) continue;
    const step = r.selector.steps[0]!;
    if (step.kind === "element" && step.item === null && step.match.kind === "tag") tags.add(parseInt(step.match.tag, 16));
  }
  return tags;
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

function isCreate(rule: Rule): boolean {
  return (rule.action.kind === "SetAction" || rule.action.kind === "LookupAction") && rule.action.mode === "create";
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
          const created = createdTags(ir);
          const creates = flattenStatements(unit.statements)
            .map((f) => f.statement)
            .filter((s): s is Rule => s.kind === "Rule" && isCreate(s));
          for (const module of MODULES) {
            if (!module.members.some((t) => created.has(t))) continue;
            const missing1 = module.type1.filter((t) => !created.has(t));
            const missing2 = module.type2.filter((t) => !created.has(t));
            const missingOneOf = module.oneOf.filter((pair) => !pair.some((t) => created.has(t)));
            if (missing1.length + missing2.length + missingOneOf.length === 0) continue;
            // At this file's first `create` of the module; a file that creates none of it leaves it to the base.
            let at: { rule: Rule; selector: Selector } | null = null;
            for (const rule of creates) {
              const selector = rule.selectors.find((s) => {
                const tag = namedTag(s);
                return tag !== null && module.members.includes(tag);
              });
              if (selector) {
                at = { rule, selector };
                break;
              }
            }
            if (!at) continue;
            const names = [...missing1, ...missing2].map(keywordOf).map((n) => `\`${n}\``);
            for (const pair of missingOneOf) names.push(pair.map(keywordOf).map((n) => `\`${n}\``).join(" or "));
            const last = creates.filter((r) => r.selectors.some((s) => module.members.includes(namedTag(s) ?? -1))).pop() ?? at.rule;
            const lineEnd = ctx.file.source.text.indexOf("\n", last.span.end);
            const insertAt = lineEnd < 0 ? ctx.file.source.text.length : lineEnd;
            const fixable = missing1.length === 0 && missingOneOf.length === 0;
            const type1 = [...missing1.map((t) => `\`${keywordOf(t)}\``), ...missingOneOf.map((p) => p.map((t) => `\`${keywordOf(t)}\``).join(" or "))];
            const help = [
              ...(type1.length > 0 ? [`create ${listed(type1)} with a value (Type 1)`] : []),
              ...(missing2.length > 0 ? [`add ${listed(missing2.map((t) => `\`${keywordOf(t)} -> create ""\``))} (Type 2: present, and empty where unknown)`] : []),
            ].join("; ");
            ctx.report("DEID3030", at.selector.span, `\`create\` adds the ${module.name} module (PS3.3 ${module.section}) to objects that lack it, without ${listed(names)}, which the module requires`, {
              help,
              ...(fixable
                ? { fix: { description: "create the module's Type 2 attributes empty", file: ctx.file.path, span: { start: insertAt, end: insertAt }, text: missing2.map((t) => `\n${keywordOf(t)} -> create ""`).join("") } }
                : {}),
            });
          }
        }
      },
    },
  };
}
