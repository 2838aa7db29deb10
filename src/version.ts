// deidc's version, in a module of its own: the CLI prints it before it loads
// any command, and a compiled processor states the version it was built by.

export const COMPILER_VERSION = "0.1.0";
