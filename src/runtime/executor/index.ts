// createExecutor: plans an IR once (dispatch tables, compiled conditions and
// values) and returns an executor that processes objects one at a time.
// `deidc run`, the compiled bundle and the tests all go through here, so
// there is one semantics.

import { planPixelRules, type PixelRulePlan } from "../pixels";
import type { IrFilter, IrProgram, IrSource } from "../../ir/types";
import { compileExpr, type Compiled, type Value } from "./expr";
import { createdTagsOf, itemTagsOf, methodDescriptionOf, wantedTagsOf } from "./setup";
import { imageOptionsOf, type ImageOptions } from "../../ir/image-options";
import { RulePlan } from "./plan";
import { contentItemPlanOf, type ContentItemPlan } from "./content-items";
import { MissingSecretError, resolveKeys } from "./keys";
import { processObject, processObjectParts } from "./process";
import type { CrosswalkSink, Executor, ExecutorEnvironment } from "./types";

export type { Executor, ExecutorEnvironment, ObjectParts, ObjectRecord, ObjectResult, Outcome, TouchedElement, CrosswalkSink } from "./types";

/** deidc's implementation class UID (under the 2.25 UUID arc) and version name, written into every File Meta. */
export const IMPLEMENTATION_CLASS_UID = "2.25.302398374935240916530574416359012876557";
export const IMPLEMENTATION_VERSION_NAME = "DEIDC_0_1_0";

export interface ExecutionPlan {
  rules: RulePlan;
  /** in source order; the first whose condition holds decides (IrFilter) */
  filters: { outcome: IrFilter["outcome"]; when: Compiled | null; reason: string; source: IrSource }[];
  lets: Map<string, Compiled>;
  params: Map<string, Value>;
  wantedTags: ReadonlySet<number>;
  /** attributes `item.X` reads (itemTagsOf): each item is scanned for them; null: items are not scanned */
  itemTags: ReadonlySet<number> | null;
  /** Table E.3.4-1 resolved for the profile when it switches the Clean Structured Content Option on (content-items.ts), else null */
  contentItems: ContentItemPlan | null;
  /** the Clean Pixel Data and Clean Recognizable Visual Features Options, where switched on: what each output must say NO in */
  imageOptions: ImageOptions;
  /** top-level attributes `create` rules may add when an object lacks them, in tag order (createdTagsOf) */
  createTags: readonly number[];
  /** the profile's `pixels` blocks, planned (conditions compiled) */
  pixels: PixelRulePlan;
  tables: ExecutorEnvironment["tables"];
  crosswalk: CrosswalkSink | undefined;
  /** key for UID replacement and the default date shift; null when none was given and the profile needs none (src/runtime/executor/keys.ts) */
  runKey: Uint8Array | null;
  secret(name: string): Uint8Array;
  defaultDateShift: { from: number; to: number };
  methodDescription: string[];
  methodCodes: { value: string; scheme: string; meaning: string }[];
  implementationClassUid: string;
  implementationVersionName: string;
}

export { MissingSecretError };

/** The default per-patient shift for C on dates when the profile defines no `let dateShift`. */
export const DEFAULT_DATE_SHIFT = { from: -3650, to: -1 };

export function createExecutor(ir: IrProgram, env: ExecutorEnvironment & { runKey?: Uint8Array }): Executor {
  const keys = resolveKeys(ir, env);

  const wanted = wantedTagsOf(ir);
  const lets = new Map<string, Compiled>();
  for (const l of ir.lets) lets.set(l.name, compileExpr(l.value));
  const params = new Map<string, Value>();
  for (const p of ir.params) {
    const given = env.params.get(p.name);
    params.set(p.name, given !== undefined ? given : p.default ? compileExpr(p.default)({} as never) : undefined);
  }
  const pixels = planPixelRules(ir.pixels, ir.pixelApply);
  const methodDescription = methodDescriptionOf(ir);

  const plan: ExecutionPlan = {
    rules: new RulePlan(ir),
    filters: ir.filters.map((f) => ({ outcome: f.outcome, when: f.when ? compileExpr(f.when) : null, reason: f.reason, source: f.source })),
    lets,
    params,
    wantedTags: wanted,
    itemTags: itemTagsOf(ir),
    contentItems: contentItemPlanOf(ir),
    imageOptions: imageOptionsOf(ir),
    createTags: createdTagsOf(ir),
    pixels,
    tables: env.tables,
    crosswalk: env.crosswalk,
    runKey: keys.runKey,
    secret: keys.secret,
    defaultDateShift: DEFAULT_DATE_SHIFT,
    methodDescription,
    methodCodes: ir.profile.methodCodes.map((c) => ({ value: c.value, scheme: c.scheme, meaning: c.meaning })),
    implementationClassUid: IMPLEMENTATION_CLASS_UID,
    implementationVersionName: IMPLEMENTATION_VERSION_NAME,
  };
  return { process: (bytes, inputPath) => processObject(plan, bytes, inputPath), processParts: (bytes, inputPath) => processObjectParts(plan, bytes, inputPath) };
}
