// `deidc import`: CTP DicomAnonymizer scripts, pydicom/deid recipes and XNAT
// DicomEdit 6 scripts to a
// .deid profile that does what they do. The entry point the command line and
// the tests call; it reads nothing from disk (the caller passes the texts),
// so it is a pure function of its inputs.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { sortDiagnostics } from "../diagnostics/diagnostic";
import { importCtpScripts } from "./ctp";
import { importDeidRecipes } from "./deid";
import { importDicomEditScripts } from "./dicomedit";
import type { ProfileDraft } from "./draft";
import { finishDraft } from "./finish";
import { Findings, ImportSource } from "./source";
import { isQualifiedName, namePartFromFile } from "./syntax";

import { DEFAULT_LOOKUP_TABLE, type ImportTool } from "./tools";

export { DEFAULT_LOOKUP_TABLE, IMPORT_TOOLS, type ImportTool } from "./tools";

export interface ImportInput {
  /** the path as the user gave it */
  path: string;
  text: string;
}

export interface ImportOptions {
  /** profile name; default `imported.<first file's name>` */
  name?: string;
  /** the lookup table `@lookup` calls read; default lookup-table.csv */
  lookupTable?: string;
  /** where the profile will be written (its name is used when checking it) */
  outputPath?: string;
  /** CTP's lookup table (LookupTable.properties), converted into the CSV table `lookupTable` */
  ctpLookupTable?: ImportInput;
}

export interface ImportResult {
  /** the formatted, lint-clean profile; null when the sources could not be imported */
  text: string | null;
  /** findings about the sources (and, for a bug, about the generated text), sorted */
  findings: Diagnostic[];
  sources: ImportSource[];
  /** tables the profile reads, converted from the source tool's (path as the profile names it) */
  tables: { path: string; text: string }[];
}

export function defaultProfileName(paths: readonly string[]): string {
  return `imported.${namePartFromFile(paths[0] ?? "profile")}`;
}

export function importProfile(tool: ImportTool, inputs: readonly ImportInput[], options: ImportOptions = {}): ImportResult {
  const sources = inputs.map((i) => new ImportSource(i.path, i.text));
  const findings = new Findings();
  const name = options.name ?? defaultProfileName(inputs.map((i) => i.path));
  if (!isQualifiedName(name)) throw new Error(`\`${name}\` is not a profile name (letters, digits and _, parts joined by . or -)`);
  const title = `Imported from ${inputs.map((i) => i.path).join(", ")}`;
  let draft: ProfileDraft | null;
  const tables: { path: string; text: string }[] = [];
  const allSources = [...sources];
  if (tool === "ctp") {
    const lookupSource = options.ctpLookupTable ? new ImportSource(options.ctpLookupTable.path, options.ctpLookupTable.text) : undefined;
    if (lookupSource) allSources.push(lookupSource);
    draft = importCtpScripts(
      sources,
      { name, title, lookupTable: options.lookupTable ?? DEFAULT_LOOKUP_TABLE, lookupTableNamed: options.lookupTable !== undefined, ...(lookupSource ? { lookupSource } : {}), tables },
      findings,
    );
  } else if (tool === "dicomedit") {
    draft = importDicomEditScripts(sources, { name, title, lookupTable: options.lookupTable ?? DEFAULT_LOOKUP_TABLE }, findings);
  } else {
    draft = importDeidRecipes(sources, { name, title }, findings);
  }
  const text = draft ? finishDraft(draft, options.outputPath, findings) : null;
  return { text, findings: sortDiagnostics([...findings.list]), sources: allSources, tables: text === null ? [] : tables };
}
