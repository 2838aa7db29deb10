// Turns a draft into the final text: render, parse, format, lint. The output
// is canonical because it is the formatter's own output, and lint-clean
// because it is checked here; a draft that fails either test is a bug in an
// importer, reported as a finding instead of being written. The lint
// findings allowed are those about what the source does: a private element
// named by number where the source names it so (DEID2022), a value that
// copies an attribute the profile replaces (DEID3031), a Clinical Trial
// module created in part (DEID3030) or attribute set only where present
// (DEID3032), each reported as an import finding too.

import { checkProgram } from "../check";
import { buildIr } from "../ir/build";
import { validateIr } from "../ir/validate";
import { entryProfile } from "../program/program";
import { loadProgram } from "../program/parse-and-load";
import { formatDeid } from "../syntax/format";
import { parseDeid } from "../syntax/parse";
import { SourceText } from "../syntax/source";
import { ImportCode } from "./codes";
import type { ProfileDraft } from "./draft";
import type { Findings } from "./source";

/** Lint's code for a private element named by number (src/check/codes.ts), which the import reproduces on purpose. */
const PRIVATE_ELEMENT_NUMBER = "DEID2022";
/** Lint's code for a value that copies an attribute the profile does not keep, which the import reproduces from the source. */
const COPIES_IDENTIFIER = "DEID3031";
/** Lint's warnings about what a source does on its own terms (a trial module created in part, a trial attribute set where present). */
const SOURCE_WARNINGS: ReadonlySet<string> = new Set(["DEID3030", "DEID3032"]);

/** The name the generated text is checked under when it has no output path yet. */
export const UNSAVED_OUTPUT_NAME = "imported.deid";

/** The formatted, lint-clean text of `draft` (DEID2022 aside), or null (with a finding) when it is neither. */
export function finishDraft(draft: ProfileDraft, outputPath: string | undefined, findings: Findings): string | null {
  const path = outputPath ?? UNSAVED_OUTPUT_NAME;
  const raw = draft.render();
  const parsed = parseDeid(raw, path);
  const syntaxErrors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (syntaxErrors.length > 0) {
    findings.addGenerated(path, ImportCode.generatedNotClean, `the generated profile does not parse: ${describe(syntaxErrors, raw, path)}`, "this is a bug in deidc import; please report it with the source file");
    return null;
  }
  const formatted = formatDeid(parsed.file, raw);
  const program = loadProgram(path, [], formatted);
  // A private element the source names by number stays a number: the source tool acts on that
  // number, and so must the import. Lint's DEID2022 about it is the point, not a bug of the import;
  // it becomes a finding, and the profile keeps it until a person writes the creator in.
  const all = checkProgram(program);
  const lint = all.filter((d) => d.code !== PRIVATE_ELEMENT_NUMBER && d.code !== COPIES_IDENTIFIER && !SOURCE_WARNINGS.has(d.code));
  for (const d of all.filter((d) => d.code === PRIVATE_ELEMENT_NUMBER)) {
    const line = program.entry.source.position(d.span.start).line;
    findings.addGenerated(
      path,
      ImportCode.privateElementNumber,
      `\`${program.entry.source.lineText(line).trim()}\` names a private element by number, as the source does; where its creator got another block, the number is another creator's element (lint: DEID2022, line ${line})`,
      "find the creator in the data (the element (gggg,00bb) of block bb) and write the element as `(gggg,\"CREATOR\",ee)`",
    );
  }
  // A value that copies an attribute the profile replaces (the source's own leak, or where DicomEdit read a
  // value an earlier line wrote, DEID6029, one the import reads from the input), and the warnings about what
  // the source does itself, become findings; the profile keeps them for a person to settle.
  for (const d of all.filter((d) => d.code === COPIES_IDENTIFIER || SOURCE_WARNINGS.has(d.code))) {
    const line = program.entry.source.position(d.span.start).line;
    const code = d.code === COPIES_IDENTIFIER ? ImportCode.copiesIdentifier : ImportCode.sourceLintWarning;
    findings.addGenerated(path, code, `\`${program.entry.source.lineText(line).trim()}\`: ${d.message} (lint: ${d.code}, line ${line})`, d.help ?? "");
  }
  if (lint.length > 0) {
    findings.addGenerated(path, ImportCode.generatedNotClean, `the generated profile is not lint-clean: ${describe(lint, formatted, path)}`, "this is a bug in deidc import; please report it with the source file");
    return null;
  }
  // Lint-clean is not quite compilable: the IR has its own schema. Build it as `deidc compile` would.
  const profile = entryProfile(program);
  try {
    if (!profile) throw new Error("the generated file defines no profile");
    validateIr(buildIr(program, profile).ir);
  } catch (error) {
    findings.addGenerated(path, ImportCode.generatedNotClean, `the generated profile does not compile: ${(error as Error).message.split("\n")[0]}`, "this is a bug in deidc import; please report it with the source file");
    return null;
  }
  return formatted;
}

function describe(diagnostics: readonly { code: string; message: string; span: { start: number } }[], text: string, path: string): string {
  const source = new SourceText(path, text);
  const shown = diagnostics.slice(0, 3).map((d) => {
    const line = source.position(d.span.start).line;
    return `${d.code} ${d.message} (line ${line}: \`${source.lineText(line).trim()}\`)`;
  });
  const more = diagnostics.length > 3 ? `, and ${diagnostics.length - 3} more` : "";
  return shown.join("; ") + more;
}
