// How a setup message tells its reader what to change. The checks of
// src/run/keys.ts and params.ts serve two callers: `deidc run` (and a
// processor run as a program), whose reader is at a terminal and changes
// command-line flags, and a processor's library API (src/codegen/bundle/
// library.ts), whose reader is a program and changes the options it passes.
// Each check says what is wrong in the same words and takes the remedy from
// here.

export interface SetupAdvice {
  /** what to pass to give one key for every secret: "`--key-file <file>`" */
  keyOption: string;
  /** how a message names parameter `name`: "--param NAME" */
  param(name: string): string;
  /** how to give parameter `name` of `type`: "--param NAME=<type>" */
  giveParam(name: string, type: string): string;
}

/** Advice for `deidc run` and a processor run as a program. */
export const CLI_ADVICE: SetupAdvice = {
  keyOption: "--key-file <file>",
  param: (name) => `--param ${name}`,
  giveParam: (name, type) => `--param ${name}=<${type}>`,
};

/** Advice for a processor's library API: its DeidentifyOptions. */
export const LIBRARY_ADVICE: SetupAdvice = {
  keyOption: "the `key` option",
  param: (name) => `params.${name}`,
  giveParam: (name, type) => `\`params: { ${name}: <${type}> }\``,
};
