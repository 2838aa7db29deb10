// `deidc import dicomedit`: XNAT DicomEdit 6 scripts to a .deid profile.
//
// DicomEdit runs a script's statements one after another on each object: a
// later assignment replaces an earlier one, and a conditional statement
// applies only when its condition holds. A .deid profile instead gives each
// element the action of its first matching rule. The import therefore
// collects, per selector, the statements that change it, and writes them
// last first: a conditional statement becomes a rule with `when`, and the
// last unconditional one ends the list (the statements before it are
// replaced, as in DicomEdit; a note names them).
//
//   (gggg,eeee) := v      -> /Keyword -> create v (DicomEdit adds a missing element)
//   (gggg,eeee) ?= v      -> /Keyword -> v
//   -(gggg,eeee)          -> /Keyword -> remove
//   c ? a : b, if/else    -> rules `when c`, `when not (c)`
//   removeAllPrivateTags  -> private * -> remove
//   retainPrivateTags[..] -> the listed private elements kept, the others removed
//   alterPixels[...]      -> pixels { blank from (l, t) to (r, b) }
//   blankValues[a, ...]   -> any where value == a -> empty (each element holding that value;
//                            a variable set to collectValues[b, ...] stands for b, ...)
//   shiftDateTimeSequenceByIncrement[seconds, "path", ...] -> path -> shift(days), for whole days
//   mapReferencedUIDs["prefix", "path", ...]               -> path -> U
//
// DicomEdit keeps what the script does not name, private elements included;
// the import says so (`private * -> keep` with a warning, `* -> keep`).

import { ImportCode } from "../codes";
import type { ProfileDraft } from "../draft";
import type { Findings, ImportSource } from "../source";
import { emitProfile } from "./emit";
import { readDicomEditScript } from "./script";
import { translateScript } from "./statements";
import { type DicomEditImportOptions, Translation } from "./translation";

export type { DicomEditImportOptions } from "./translation";

export function importDicomEditScripts(sources: readonly ImportSource[], options: DicomEditImportOptions, findings: Findings): ProfileDraft | null {
  const translation = new Translation(options, findings, sources.length);
  translation.draft.preamble.push(`Imported by \`deidc import dicomedit\` from ${sources.map((s) => s.path).join(", ")}.`);
  translation.draft.preamble.push("DicomEdit runs statements in order; each selector's rules here are its statements, last first. docs/migrating.md lists what deidc does differently on purpose.");
  for (const source of sources) {
    const read = readDicomEditScript(source.text, (offset) => source.lineOf(offset));
    if (!read.ok) {
      const line = source.lineOf(read.offset);
      findings.add(source, ImportCode.unreadableSource, { start: read.offset, end: Math.max(read.offset, source.lineSpan(line).end) }, `not a DicomEdit 6 script: ${read.message}`, {
        help: "the import reads DicomEdit 6 scripts (XNAT 1.7 and later): statements such as `(0010,0010) := \"ANON\"` and `-(0010,1030)`",
      });
      return null;
    }
    translateScript(translation, source, read.statements);
  }
  return emitProfile(translation);
}
