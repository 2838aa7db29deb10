// The run key: what replacement UIDs (action U) and C's default per-patient
// date shift are derived from. A profile that can never take either (one that
// keeps UIDs and dates, say) runs without a key; whether it can is decided
// here from the IR, conservatively: a rule counts unless an earlier
// unconditional rule decides every element it could select. Should a keyed
// action still be reached without a key, the object fails (MissingKeyError),
// it is never written with its identifiers in place.
//
// Bundled into standalone processors: imports nothing of the compiler.

import type { IrAction, IrElementMatch, IrProgram, IrRule, IrSelector } from "../../ir/types";
import type { ExecutorEnvironment } from "./types";

/**
 * This layer serves `deidc run`, processors run as programs and as libraries, and generated modules
 * used directly: the advice names each way of giving a key (the run and the library check keys first,
 * with their own wording: src/run/advice.ts).
 */
const HOW_TO_GIVE_A_KEY = "set DEID_KEY, pass --key-file to deidc run or a processor, or the `key` option to a processor's library";

/** A key the environment does not give; thrown before any object is read. */
export class MissingSecretError extends Error {}

/** A keyed action reached in a run without a key: fails that object. */
export class MissingKeyError extends Error {}

/** The run key, for `what` (a constant: nothing is built on the hot path); fails the object when the run has none. */
export function runKeyFor(plan: { runKey: Uint8Array | null }, what: string): Uint8Array {
  if (plan.runKey !== null) return plan.runKey;
  throw new MissingKeyError(`${what} needs a secret key, and this run was given none: ${HOW_TO_GIVE_A_KEY}`);
}

/** Action codes whose values are derived from the run key. */
const KEYED_CODES: ReadonlySet<string> = new Set(["U", "X/Z/U*", "C"]);

function derivesFromRunKey(action: IrAction): boolean {
  if (action.kind === "code") return KEYED_CODES.has(action.code);
  if (action.kind === "lookup") return action.otherwise.kind !== "quarantine" && derivesFromRunKey(action.otherwise);
  return false;
}

/** The one standard tag a selector names, at every depth; null for any other selector. */
function singleTag(sel: IrSelector): number | null {
  if (sel.kind === "keywords") return sel.matches.length === 1 && sel.matches[0]!.kind === "tag" ? parseInt(sel.matches[0]!.tag, 16) : null;
  if (sel.kind !== "path" || sel.anchored || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  return step.kind === "element" && step.item === null && step.match.kind === "tag" ? parseInt(step.match.tag, 16) : null;
}

/**
 * Whether `rule` decides every element with this tag, wherever it is and whatever its value or VR.
 * A `vr` rule does not count (an element's VR as read can be another, UN say), nor an anchored
 * path (top level only), nor a rule with a condition.
 */
function decidesEveryElement(rule: IrRule, tag: number): boolean {
  if (rule.when !== null) return false;
  const sel = rule.selector;
  const matches = matchesTag(tag);
  if (sel.kind === "all") return true;
  if (sel.kind === "keywords") return sel.matches.some(matches);
  if (sel.kind !== "path" || sel.anchored || sel.steps.length !== 1) return false;
  const step = sel.steps[0]!;
  return step.kind === "element" && step.item === null && matches(step.match);
}

function matchesTag(tag: number): (m: IrElementMatch) => boolean {
  return (m) => {
    if (m.kind === "tag") return parseInt(m.tag, 16) === tag;
    if (m.kind === "mask") return ((tag & parseInt(m.mask, 16)) >>> 0) === parseInt(m.value, 16);
    if (m.kind === "range") return tag >= parseInt(m.from, 16) && tag <= parseInt(m.to, 16);
    return false;
  };
}

/**
 * Whether `rule` may decide the top-level element `tag` for some object: what it selects, ignoring
 * its condition. `vr` and `any where` rules may (their VR or value decides); a path selects at the top
 * level when every step before its last is `**` (zero levels or more); `private *` selects only
 * private elements.
 */
function mayDecideTopLevel(rule: IrRule, tag: number): boolean {
  const sel = rule.selector;
  if (sel.kind === "privateAll") return false;
  if (sel.kind === "keywords") return sel.matches.some(matchesTag(tag));
  if (sel.kind === "path") {
    const last = sel.steps[sel.steps.length - 1]!;
    const leading = sel.steps.slice(0, -1);
    return leading.every((s) => s.kind === "deep") && last.kind === "element" && last.item === null && matchesTag(tag)(last.match);
  }
  return true;
}

/** Whether `rule` decides the top-level element `tag` of every object: unconditional, and an anchored one-step path counts. */
function decidesTopLevel(rule: IrRule, tag: number): boolean {
  if (decidesEveryElement(rule, tag)) return true;
  const sel = rule.selector;
  if (rule.when !== null || sel.kind !== "path" || !sel.anchored || sel.steps.length !== 1) return false;
  const step = sel.steps[0]!;
  return step.kind === "element" && step.item === null && matchesTag(tag)(step.match);
}

const TAG_SOP_INSTANCE_UID = 0x00080018;

/** Codes that leave an object without a SOP Instance UID value (D and the U family give it one). */
const EMPTYING_CODES: ReadonlySet<string> = new Set(["X", "Z", "X/Z"]);

/**
 * The rule that takes every object's SOP Instance UID away, or null. The output of an object without
 * one is named by a keyed UID derived from its content, so without a key every object would fail:
 * a run is refused instead. Only proved when the first rule that may decide the top-level SOP Instance
 * UID decides it unconditionally and removes or empties it; otherwise objects that lose it fail one by one.
 */
export function ruleRemovingInstanceUid(ir: IrProgram): IrRule | null {
  for (const rule of ir.rules) {
    if (!mayDecideTopLevel(rule, TAG_SOP_INSTANCE_UID)) continue;
    const removes = decidesTopLevel(rule, TAG_SOP_INSTANCE_UID) && rule.action.kind === "code" && EMPTYING_CODES.has(rule.action.code);
    return removes ? rule : null;
  }
  return null;
}

/**
 * The first rule that may derive a value from the run key (U, X/Z/U*, C, also as a lookup's
 * fallback), or null when none can: the profile then needs no key. Rules are in precedence order
 * (the first that selects an element decides it), so a rule is out of reach when an earlier one
 * decides every element it could select; that is only proved for rules naming one tag.
 */
export function ruleNeedingRunKey(ir: IrProgram): IrRule | null {
  for (const [at, rule] of ir.rules.entries()) {
    if (!derivesFromRunKey(rule.action)) continue;
    const tag = singleTag(rule.selector);
    if (tag !== null && ir.rules.slice(0, at).some((earlier) => decidesEveryElement(earlier, tag))) continue;
    return rule;
  }
  return null;
}

export interface RunKeys {
  /** null when the environment gives no key and the profile needs none */
  runKey: Uint8Array | null;
  secret(name: string): Uint8Array;
}

/**
 * The run key and secret lookup of a plan: an explicit `runKey`, else the
 * first declared secret, else any secret given; every declared secret must
 * have a value. Without any key, only a profile that needs none
 * (ruleNeedingRunKey) is planned. Throws MissingSecretError.
 */
export function resolveKeys(ir: IrProgram, env: ExecutorEnvironment & { runKey?: Uint8Array }): RunKeys {
  const values = env.secrets;
  const given = env.runKey ?? (ir.secrets[0] ? values.get(ir.secrets[0].name) : undefined) ?? values.values().next().value;
  const runKey = given && given.length > 0 ? given : null;
  if (runKey === null) {
    const rule = ruleNeedingRunKey(ir);
    if (rule) throw new MissingSecretError(`no key: ${keyedRuleText(rule)} derives values from a secret key (${HOW_TO_GIVE_A_KEY})`);
    const removing = ruleRemovingInstanceUid(ir);
    if (removing) {
      throw new MissingSecretError(
        `no key: ${keyedRuleText(removing)} removes SOP Instance UID (0008,0018), and each output is then named by a UID derived from a secret key (${HOW_TO_GIVE_A_KEY}; or keep or replace the UID)`,
      );
    }
  }
  // An empty key is no key: anyone could recompute what an HMAC under it gives.
  const present = (name: string): Uint8Array | null => {
    const value = values.get(name);
    return value && value.length > 0 ? value : null;
  };
  for (const s of ir.secrets) {
    if (!present(s.name)) throw new MissingSecretError(`secret \`${s.name}\` has no value (${s.from === "env" ? `environment variable ${s.ref}` : `file ${s.ref}`})`);
  }
  return {
    runKey,
    secret: (name) => {
      const key = present(name) ?? runKey;
      if (!key) throw new MissingKeyError(`secret \`${name}\` has no value`);
      return key;
    },
  };
}

/** "the rule at site.deid:12 (U)": where a keyed rule is, for messages. */
export function keyedRuleText(rule: IrRule): string {
  const action = rule.action.kind === "code" ? rule.action.code : `${rule.action.kind}, falling back to a keyed action`;
  return `the rule at ${rule.source.file}:${rule.source.line} (${action})`;
}
