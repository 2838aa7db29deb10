// A value for an attribute of the Clinical Trial modules (group 0012: Sponsor
// Name, Protocol ID, Site ID, Subject ID, Time Point ID, ...) written without
// `create` changes only the objects that already have it, and images from a
// hospital almost never do: the sponsor's IDs are added when the data enter
// the trial. So `ClinicalTrialSiteID -> "01"` usually does nothing at all,
// silently. Either verb says what was meant: `create` adds the attribute,
// `set` changes only the objects that have it. Only the modules' top-level
// attributes count (src/check/trial-modules.ts): not those deidc writes
// itself (Patient Identity Removed, De-identification Method), nor those that
// live in sequence items (Distribution Type). The fix, `create`, is offered
// only where it adds a value to every object that lacks the attribute: not
// for a value that reads the attribute itself (`"XYZ-" + value`, a lookup
// keyed on it), which an absent attribute does not have, nor for a lookup
// whose `else` gives no value (`else dummy`).

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import { TEXT_VRS } from "../../dicom/vr";
import type { Action, AnyNode, Selector } from "../../syntax/ast";
import { childrenOf, type Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { isTrialModuleAttribute } from "../trial-modules";
import { missWithoutValue } from "./CreateAppendRule";

/** The Clinical Trial module attribute a selector names at the top level (a keyword or exact tag, one step), or null. */
function trialAttribute(sel: Selector): { keyword: string; tag: number } | null {
  if (sel.kind !== "PathSelector" || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  if (step.kind !== "ElementStep" || step.item !== null) return null;
  const el = step.element;
  const entry = el.kind === "KeywordRef" ? lookupKeyword(el.keyword) : el.kind === "TagRef" && el.mask === 0xffffffff ? lookupTag(el.value) : undefined;
  if (!entry || /X/i.test(entry.tag)) return null;
  const tag = parseInt(entry.tag, 16);
  // `create` writes text (or an IS or DS): a module's sequences and binary values are not for it.
  if (!isTrialModuleAttribute(tag) || entry.vrs.includes("SQ") || !entry.vrs.some((vr) => TEXT_VRS.has(vr) || vr === "IS" || vr === "DS")) return null;
  return { keyword: entry.keyword, tag };
}

/** Whether the action reads the element's own value (`value`, or the attribute itself), which an absent attribute does not have. */
function readsItself(node: AnyNode, keyword: string, tag: number): boolean {
  if (node.kind === "Ident" && (node.name === "value" || node.name === keyword)) return true;
  if (node.kind === "TagRef" && node.mask === 0xffffffff && node.value === tag) return true;
  return childrenOf(node).some((c) => readsItself(c, keyword, tag));
}

/** Whether `create` in front of the action is a safe fix: it adds a value to every object without the attribute. */
function createFits(a: Action, keyword: string, tag: number): boolean {
  if (readsItself(a, keyword, tag)) return false;
  return a.kind !== "LookupAction" || missWithoutValue(a) === null;
}

export function TrialAttributeCreateRule(ctx: CheckContext): Visitor {
  return {
    Rule(node) {
      if (ctx.file.fromStdlib) return;
      const a = node.action;
      // No verb written: a SetAction whose span starts at its value, a LookupAction with no mode.
      const unstated = (a.kind === "SetAction" && a.mode === undefined && a.span.start === a.value.span.start) || (a.kind === "LookupAction" && a.mode === undefined);
      if (!unstated) return;
      for (const sel of node.selectors) {
        const attribute = trialAttribute(sel);
        if (attribute === null) continue;
        const { keyword, tag } = attribute;
        // `create` applies to every selector of the rule, and adds only a top-level attribute: one selector, or no fix.
        const fits = node.selectors.length === 1 && createFits(a, keyword, tag);
        ctx.report("DEID3032", sel.span, `\`${keyword}\` gets a value only in objects that have it, and images from a hospital seldom carry the Clinical Trial attributes`, {
          help: fits
            ? `write \`create\` before the value to add it where it is missing (\`${keyword} -> create ...\`), or \`set\` to say that only objects that have it change`
            : node.selectors.length > 1
              ? `write \`set\` to say that only objects that have it change; to add it where it is missing, give \`${keyword}\` a rule of its own with \`create\` (\`create\` adds every attribute its rule names)`
              : `write \`set\` to say that only objects that have it change; to add it where it is missing, \`create\` needs a value that does not read \`${keyword}\` itself (an absent attribute has none)${a.kind === "LookupAction" ? " and an `else` that gives one" : ""}`,
          ...(fits ? { fix: { description: "add the attribute where it is missing (`create`)", file: ctx.file.path, span: { start: a.span.start, end: a.span.start }, text: "create " } } : {}),
        });
        return;
      }
    },
  };
}
