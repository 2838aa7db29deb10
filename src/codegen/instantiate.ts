// A live plan module from the source planModuleFunction (in-memory.ts)
// generates. Worker threads call this with the source the main thread sends
// them, so it imports nothing but the runtime (src/codegen/runtime.ts), the
// one thing the generated code needs: a worker loads neither the compiler nor
// the generator.
//
// Why `new Function` is safe here: the body is not user code but code deidc
// generated from a compiled profile's IR. Every piece of profile text in it
// (strings, regular expressions, private creators, rule file paths, reasons,
// titles) is written as a JSON string literal (JSON.stringify
// escapes quotes, backslashes and control characters; a backtick or `${`
// inside double quotes is plain text; U+2028 and U+2029 are valid inside a
// string literal since ES2019), and text that is copied into comments passes
// through commentText, which replaces every line terminator (U+2028 and
// U+2029 included) and breaks `*/`. Numbers are the compiler's numbers. So no
// profile can make the body run anything but the plan generated for it;
// test/codegen/in-memory.test.ts checks a profile made of such text. The body
// runs with the rights of the process, exactly as the same code imported from
// `deidc compile --emit js` output would.

import * as runtime from "./runtime";
import type { ExecutionPlan, Executor, ExecutorEnvironment, IrProgram, RuleDispatch } from "./runtime";

/** What createPlan and createProcessor take: the run's environment, and optionally the run key itself. */
export type PlanModuleEnvironment = ExecutorEnvironment & { runKey?: Uint8Array };

/** The exports of a generated plan module, whichever form it was generated in. */
export interface PlanModule {
  /** profile name */
  PROFILE: string;
  PROFILE_TITLE: string | null;
  /** options switched on, in layer order */
  OPTIONS: readonly string[];
  /** DICOM PS3.15 release of the standard library units */
  STANDARD_RELEASE: string | null;
  /** version of the deidc that generated the module */
  DEIDC_VERSION: string;
  /** SHA-256 of the IR's `deidc compile --emit ir` text */
  IR_HASH: string;
  /** the IR the module was generated from */
  IR: IrProgram;
  /** the generated rule table */
  RULES: RuleDispatch;
  /** the executor's plan for this profile in `env`; throws MissingSecretError when a key is missing */
  createPlan(env: PlanModuleEnvironment): ExecutionPlan;
  /** an Executor running that plan */
  createProcessor(env: PlanModuleEnvironment): Executor;
}

/**
 * Runs a body from planModuleFunction and returns the module's exports. `ir`
 * must be the IR the body was generated from (the body does not spell it
 * out). The parameters' names are the ones the generator binds
 * (RUNTIME_PARAMETER and IR_PARAMETER in module-builder.ts).
 */
export function instantiatePlanModule(body: string, ir: IrProgram): PlanModule {
  const exports: unknown = new Function("runtime", "ir", body)(runtime, ir);
  return exports as PlanModule;
}
