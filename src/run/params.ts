// `--param NAME=value`: typed by the profile's `param` declarations, so a
// mistyped number or date stops the run before any file is read instead of
// surfacing as a wrong value in every object.

import type { IrParam, IrProgram } from "../ir/types";
import { CLI_ADVICE, type SetupAdvice } from "./advice";
import { RunSetupError } from "./errors";

export type ParamValue = string | number | boolean;

const TRUE_WORDS = new Set(["true", "yes", "on", "1"]);
const FALSE_WORDS = new Set(["false", "no", "off", "0"]);

/** "YYYYMMDD" (DICOM DA) or "YYYY-MM-DD", a real calendar date, as "YYYYMMDD". */
function parseDate(text: string): string | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (!m || (text.includes("-") && text.length !== 10)) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${m[1]}${m[2]}${m[3]}`;
}

function parseValue(param: IrParam, text: string, advice: SetupAdvice): ParamValue {
  const wrong = (expected: string): never => {
    throw new RunSetupError(`${advice.param(param.name)}: \`${text}\` is not ${expected} (declared at ${param.source.file}:${param.source.line} as ${param.type})`);
  };
  switch (param.type) {
    case "string":
      return text;
    case "number": {
      const value = text.trim() === "" ? NaN : Number(text);
      return Number.isFinite(value) ? value : wrong("a number");
    }
    case "bool": {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return wrong("true or false");
    }
    case "date":
      return parseDate(text) ?? wrong("a date (YYYYMMDD or YYYY-MM-DD)");
  }
}

/**
 * The run-time parameters: each `NAME=value` typed by its declaration.
 * Parameters left out keep their declared default (the executor evaluates
 * it); a parameter with no default must be given.
 */
export function parseParams(ir: IrProgram, assignments: readonly string[]): Map<string, ParamValue> {
  const given: [name: string, text: string][] = [];
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new RunSetupError(`--param takes NAME=value, not \`${assignment}\``);
    const name = assignment.slice(0, eq);
    if (given.some(([n]) => n === name)) throw new RunSetupError(`--param ${name} is given twice`);
    given.push([name, assignment.slice(eq + 1)]);
  }
  return typedParams(ir, given, CLI_ADVICE);
}

/**
 * The run-time parameters from (name, text) pairs, each typed by its
 * declaration, with `advice` naming them in messages (`--param NAME` on the
 * command line, `params.NAME` in the library). Names are distinct.
 */
export function typedParams(ir: IrProgram, given: readonly (readonly [name: string, text: string])[], advice: SetupAdvice): Map<string, ParamValue> {
  const declared = new Map(ir.params.map((p) => [p.name, p]));
  const names = (): string => (ir.params.length ? ir.params.map((p) => p.name).join(", ") : "none");
  const values = new Map<string, ParamValue>();
  for (const [name, text] of given) {
    const param = declared.get(name);
    if (!param) throw new RunSetupError(`${advice.param(name)}: profile \`${ir.profile.name}\` declares no such parameter (it declares: ${names()})`);
    values.set(name, parseValue(param, text, advice));
  }
  for (const param of ir.params) {
    if (param.default === null && !values.has(param.name)) {
      throw new RunSetupError(`profile \`${ir.profile.name}\` needs ${advice.giveParam(param.name, param.type)} (declared at ${param.source.file}:${param.source.line} without a default)`);
    }
  }
  return values;
}
