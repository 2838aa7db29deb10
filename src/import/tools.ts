// What `deidc import` reads, in a module of its own: the command line lists
// the tools in its help without loading the translators.

export type ImportTool = "ctp" | "deid" | "dicomedit";

export const IMPORT_TOOLS: readonly ImportTool[] = ["ctp", "deid", "dicomedit"];

/** The CSV table CTP `@lookup` calls read, unless --lookup names another. */
export const DEFAULT_LOOKUP_TABLE = "lookup-table.csv";
