// The collected statements written into the profile draft: each selector's
// rules last first, down to its last unconditional statement, and the
// closing `private *` and `*` rules saying what DicomEdit keeps.

import { ImportCode } from "../codes";
import type { ProfileDraft } from "../draft";
import { conjoin, type Op, type Translation } from "./translation";

/** Writes the collected statements into the draft. */
export function emitProfile(translation: Translation): ProfileDraft {
  const draft = translation.draft;
  const emitted = new Set<string>();
  // Filters first in source order: deidc runs them before any rule, as the failures they stand for happen before DicomEdit writes anything.
  for (const item of translation.timeline) {
    switch (item.kind) {
      case "comment":
        draft.comment(item.text);
        break;
      case "filter":
        draft.filter({ outcome: "quarantine", when: item.when, because: item.because, origin: item.origin });
        break;
      case "pixels":
        draft.pixels({ when: item.when, because: item.because, regions: item.regions, origin: item.origin });
        break;
      case "slot": {
        const list = translation.ops.get(item.selector);
        if (!list || item.index !== list.length - 1 || emitted.has(item.selector)) break;
        emitted.add(item.selector);
        emitSelector(translation, list);
        break;
      }
    }
  }
  draft.blank();
  if (translation.privateRule) {
    draft.rule({ selector: "private *", action: "remove", origin: translation.privateRule.origin });
  } else {
    draft.rule({ selector: "private *", action: "keep", because: "DicomEdit keeps private elements the script does not remove" });
  }
  draft.rule({ selector: "*", action: "keep", because: "DicomEdit keeps the elements the script does not name" });
  return draft;
}

/** One selector's statements, last first, down to the last unconditional one. */
function emitSelector(translation: Translation, list: Op[]): void {
  let decisive = -1;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]!.guard.length === 0) {
      decisive = i;
      break;
    }
  }
  for (let i = 0; i < decisive; i++) {
    const op = list[i]!;
    const later = list[decisive]!;
    translation.findings.add(op.source, ImportCode.overridden, op.statement.span, `line ${later.line} replaces this statement's change of ${op.selector.selector}, as in DicomEdit`);
    translation.draft.comment(`${op.origin} replaced by ${later.origin}: ${op.statement.text}`);
  }
  const seen = new Set<string>();
  for (let i = list.length - 1; i >= Math.max(0, decisive); i--) {
    const op = list[i]!;
    if (op.comment) translation.draft.comment(op.comment);
    const when = conjoin(op.guard);
    const key = `${op.action}\u0000${when}`;
    if (seen.has(key)) continue;
    seen.add(key);
    translation.draft.rule({ selector: op.selector.selector, action: op.action, ...(when ? { when } : {}), ...(op.because ? { because: op.because } : {}), origin: op.origin });
  }
}
