/** A profile or one of its units cannot be found or read (the CLI's exit 2). Its own module so the CLI can test for it without loading the compiler. */
export class LoadError extends Error {}
