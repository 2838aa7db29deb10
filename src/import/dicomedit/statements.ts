// A script's statements in order: the dispatch to each kind, variables and
// `describe`d values, and conditional statements and if/elseif/else blocks,
// whose branches become guards on the statements inside them.

import { ImportCode } from "../codes";
import type { ImportSource } from "../source";
import { parameterName, quote } from "../syntax";
import { translateAssignment, translateDeletion } from "./assignment";
import { conditionExpression } from "./conditions";
import { removeAllPrivate, translateProcedure } from "./procedures";
import type { DeStatement } from "./script";
import type { Translation } from "./translation";

/** One script's statements in order; the scripts of one import share the translation, as if run one after another. */
export function translateScript(translation: Translation, source: ImportSource, statements: DeStatement[]): void {
  translation.source = source;
  translation.versionSeen = false;
  const firstStatement = statements.find((s) => s.kind !== "comment");
  for (const s of statements) translateStatement(translation, s, []);
  if (!translation.versionSeen && firstStatement) {
    translation.note(firstStatement, ImportCode.scriptVersion, "the script has no `version \"6.x\"` statement; XNAT reads such a script as DicomEdit 4, whose language differs; the import reads it as DicomEdit 6", 'add `version "6.3"` (or the version the script is written for) as its first statement');
  }
}

function translateStatement(translation: Translation, s: DeStatement, guard: string[]): void {
  switch (s.kind) {
    case "comment":
      translation.comment(s.comment.trim());
      return;
    case "version":
      translation.versionSeen = true;
      if (!/^6(\.\d+)*$/.test(s.version.trim())) {
        translation.note(s, ImportCode.scriptVersion, `\`version "${s.version}"\` is not a DicomEdit 6 version; the import reads the script as DicomEdit 6`);
      }
      return;
    case "echo":
      translation.comment(`${translation.origin(s)} ${s.text}: DicomEdit writes this to its log; it changes nothing`);
      return;
    case "export":
      translation.comment(`${translation.origin(s)} ${s.text}: sets an XNAT session field, not a DICOM attribute; not imported`);
      translation.note(s, ImportCode.noEffect, `\`${s.text}\` gives XNAT a session field and changes no DICOM attribute, so nothing is imported`);
      return;
    case "describe":
      if (s.how === "hidden" || s.how === "const" || s.how === "immutable") return;
      describeVariable(translation, s);
      return;
    case "variable":
      if (guard.length > 0) {
        translation.unsupported(s, guard, "sets a variable only when a condition holds, which a .deid value cannot follow", null);
        return;
      }
      if (!translation.variables.has(s.name) || translation.variables.get(s.name)!.kind === "value") translation.variables.set(s.name, { kind: "value", value: s.value, written: new Map(translation.written) });
      return;
    case "removeAllPrivateTags":
      removeAllPrivate(translation, s, guard);
      return;
    case "assign":
      translateAssignment(translation, s, guard);
      return;
    case "delete":
      translateDeletion(translation, s, guard);
      return;
    case "procedure":
      translateProcedure(translation, s, guard);
      return;
    case "conditional":
      translateConditional(translation, s, guard);
      return;
  }
}

function describeVariable(translation: Translation, s: Extract<DeStatement, { kind: "describe" }>): void {
  const existing = translation.variables.get(s.name);
  const name = parameterName(s.name);
  const defaultValue = existing?.kind === "value" && (existing.value.kind === "string" || existing.value.kind === "number") ? quote(existing.value.text) : null;
  translation.comment(`${translation.origin(s)} ${s.text}: a value XNAT asks for, the parameter ${name}`);
  // Declared where a statement first uses it: an unused parameter is a lint finding.
  translation.variables.set(s.name, { kind: "param", name, defaultValue });
  translation.note(s, ImportCode.runtimeValue, `XNAT asks the user for \`${s.name}\` ("${s.how}") when the script runs; where the script uses it, the import reads \`param ${name}: string\`${defaultValue === null ? ", to be given to `deidc run` with --param" : ""}`, `pass it with \`deidc run --param ${name}=...\``);
}

function translateConditional(translation: Translation, s: Extract<DeStatement, { kind: "conditional" }>, guard: string[]): void {
  // Conditions of the branches before this one, which must all be false for it to run.
  const previous: string[] = [];
  const start = new Map(translation.written);
  const after = new Map(translation.written);
  try {
    translateBranches(translation, s, guard, previous, start, after);
  } finally {
    for (const [k, v] of translation.written) after.set(k, v);
    translation.written.clear();
    for (const [k, v] of after) translation.written.set(k, v);
  }
}

/** Each branch sees what was written before the conditional, not what the other branches write. */
function translateBranches(translation: Translation, s: Extract<DeStatement, { kind: "conditional" }>, guard: string[], previous: string[], start: Map<number, number>, after: Map<number, number>): void {
  const enter = (): void => {
    for (const [k, v] of translation.written) after.set(k, v);
    translation.written.clear();
    for (const [k, v] of start) translation.written.set(k, v);
  };
  for (let b = 0; b < s.branches.length; b++) {
    enter();
    const branch = s.branches[b]!;
    const before = [...guard, ...previous.map((p) => `not (${p})`)];
    if (!branch.condition) {
      for (const inner of branch.body) translateStatement(translation, inner, before);
      return;
    }
    const c = conditionExpression(translation, branch.condition, s, true);
    if (c === null) {
      // This branch, and the ones after it (which run only when it does not), cannot be written.
      for (const rest of s.branches.slice(b)) {
        for (const inner of rest.body) if (inner.kind !== "comment") translation.unsupported(inner, guard, `depends on \`${branch.condition.text}\`, a condition the import cannot write`, null);
      }
      return;
    }
    if (c === "false") continue;
    if (c === "true") {
      for (const inner of branch.body) translateStatement(translation, inner, before);
      return;
    }
    for (const inner of branch.body) translateStatement(translation, inner, [...before, c]);
    previous.push(c);
  }
}
