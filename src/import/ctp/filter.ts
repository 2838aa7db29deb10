// CTP's DicomFilter script: one match expression (see match.ts). The
// DicomFilter stage passes the objects that match it and quarantines the
// others, which is `quarantine when not (<expr>)`.

import { ImportCode } from "../codes";
import type { ProfileDraft } from "../draft";
import type { Findings, ImportSource } from "../source";
import { translateMatch } from "./match";

/** Does this text look like a filter script: calls such as `Modality.equals("CT")`, or nothing but comments? */
export function isFilterScript(text: string): boolean {
  const body = text.replace(/(?:\/\/|#).*$/gm, "").trim();
  return body === "" || /^(?:!|\(|\[|[A-Za-z]+\s*\.|true|false)/.test(body) && /\.\s*[A-Za-z]+\s*\(\s*"/.test(body);
}

export function importFilterScript(source: ImportSource, draft: ProfileDraft, findings: Findings, origin: (line: number) => string): void {
  const match = translateMatch(source.text);
  // The expression's first line, after the comments above it (which the profile keeps).
  const lines = source.text.split(/\r\n|\r|\n/);
  let firstLine = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === "") continue;
    const comment = /^(?:\/\/|#)\s?(.*)$/.exec(t);
    if (!comment) {
      firstLine = i + 1;
      break;
    }
    draft.comment(comment[1]!);
  }
  const because = `CTP DicomFilter (${source.path.replace(/^.*[\\/]/, "")}): the object does not match the filter`;
  if (!match.ok) {
    const line = source.lineOf(match.offset);
    findings.add(source, ImportCode.notExpressible, source.lineSpan(line), `the filter cannot be written: ${match.reason}; the import quarantines every object instead, which is what a filter nothing passes does`, {
      help: "write the condition with keywords or standard [gggg,eeee] tags and CTP's string methods",
    });
    draft.comment(`${origin(line)} the filter cannot be written; every object is quarantined`);
    draft.filter({ outcome: "quarantine", when: null, because, origin: origin(line) });
    return;
  }
  if (match.expr === "true") {
    draft.comment(`${origin(firstLine)} an empty filter passes every object`);
    return;
  }
  draft.filter({ outcome: "quarantine", when: `not (${match.expr})`, because, origin: origin(firstLine) });
}
