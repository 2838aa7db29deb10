// The plan module `deidc run` executes without writing or importing a file:
// the generated JavaScript module as the body of a function of the runtime.
// It is the code `deidc compile --emit js` writes and a processor bundles,
// with the import turned into a parameter and the exports into a returned
// object; instantiatePlanModule (instantiate.ts) runs it, in the main thread
// or in a worker that receives it as a string.

import type { IrProgram } from "../ir/types";
import { generatePlanModule } from "./generate";

/**
 * JavaScript source of the body of `function (runtime) { … }` that builds the
 * plan module for `ir` and returns its exports (see PlanModule in
 * instantiate.ts). Deterministic, like the module it stands for.
 */
export function planModuleFunction(ir: IrProgram, deidcVersion: string): string {
  return generatePlanModule(ir, { form: "function", deidcVersion });
}
