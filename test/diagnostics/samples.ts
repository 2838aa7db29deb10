// Source files and diagnostics shared by the formatter tests. The codes come
// from the syntax range of src/diagnostics/codes.ts, which is registered by
// that module itself; DEID9999 is deliberately absent from the code table.

import type { Diagnostic } from "../../src/diagnostics/diagnostic";
import type { Span } from "../../src/syntax/ast";
import { SourceText } from "../../src/syntax/source";

/** Twelve lines, no closing brace, ending in a newline. */
export const siteText = [
  "deid 1",
  "",
  "// Site profile: what this hospital adds to the basic profile.",
  "profile site based on basic {",
  "  PatientName -> remove",
  "  PatientID remove",
  "",
  "  StudyDate -> shift(days: -10)",
  "",
  "  // Research tags",
  "  (0010,002G) -> replace \"anon\"",
  "  InstitutionName -> keep",
  "",
].join("\n");

/** No version line, no final newline. */
export const baseText = "profile basic {\n  PatientName -> remove\n}";

export const site = new SourceText("rules/site.deid", siteText);
export const base = new SourceText("rules/base.deid", baseText);

export function sourcesOf(...texts: SourceText[]): Map<string, SourceText> {
  return new Map(texts.map((t) => [t.path, t]));
}

/** The span of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
export function spanOf(text: string, needle: string, occurrence = 0): Span {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`\`${needle}\` occurs fewer than ${occurrence + 1} times`);
  }
  return { start: at, end: at + needle.length };
}

/** An empty span just before `needle`. */
export function pointBefore(text: string, needle: string): Span {
  const { start } = spanOf(text, needle);
  return { start, end: start };
}

/** An error on line 11, so the gutter is two digits wide. */
export const badTag: Diagnostic = {
  code: "DEID1003",
  severity: "error",
  file: "rules/site.deid",
  span: spanOf(siteText, "(0010,002G)"),
  message: "malformed tag `(0010,002G)`",
  help: "a tag is two groups of four hexadecimal digits",
};

/** An empty span with an insertion fix. */
export const missingArrow: Diagnostic = {
  code: "DEID1001",
  severity: "error",
  file: "rules/site.deid",
  span: pointBefore(siteText, "remove\n\n"),
  message: "expected `->` between the selector and the action",
  fix: { description: "insert `->`", file: "rules/site.deid", span: pointBefore(siteText, "remove\n\n"), text: "-> " },
};

/** At the very end of a file that ends in a newline, with a related location. */
export const unclosedBlock: Diagnostic = {
  code: "DEID1001",
  severity: "error",
  file: "rules/site.deid",
  span: { start: siteText.length, end: siteText.length },
  message: "expected `}` before the end of the file",
  related: [{ file: "rules/site.deid", span: spanOf(siteText, "{"), message: "the block of profile `site` opens here" }],
  fix: { description: "close the block", file: "rules/site.deid", span: { start: siteText.length, end: siteText.length }, text: "}\n" },
};

/** A warning whose help and related location point into another file. */
export const missingVersion: Diagnostic = {
  code: "DEID1006",
  severity: "warning",
  file: "rules/base.deid",
  span: { start: 0, end: 0 },
  message: "the file has no `deid 1` line",
  help: "start the file with `deid 1`",
  related: [{ file: "rules/site.deid", span: spanOf(siteText, "deid 1"), message: "the version line looks like this" }],
  fix: { description: "add the version line", file: "rules/base.deid", span: { start: 0, end: 0 }, text: "deid 1\n\n" },
};

/** The last line of a file with no final newline. */
export const lastLineInfo: Diagnostic = {
  code: "DEID9999",
  severity: "info",
  file: "rules/base.deid",
  span: spanOf(baseText, "}"),
  message: "the profile `basic` ends here",
};

export const everySample: Diagnostic[] = [badTag, missingArrow, unclosedBlock, missingVersion, lastLineInfo];
