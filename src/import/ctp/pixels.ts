// CTP's DicomPixelAnonymizer script: free text (titles and notes), and
// signatures, each a match expression in braces followed by the regions to
// blank, `(x,y,w,h)` in pixels from the top left:
//
//   GE Logiq US
//     { [0008,1090].containsIgnoreCase("LOGIQ9") }
//     (0,0,640,40)
//
// CTP blanks the regions of the first signature that matches an image and
// no other, which is `pixels apply first` in .deid. A signature becomes
// `pixels when <expr> because "<title>" { blank (x, y, w, h) ... }`.

import { ImportCode } from "../codes";
import type { ProfileDraft } from "../draft";
import type { Findings, ImportSource } from "../source";
import { translateMatch } from "./match";

/** Does this text look like a pixel anonymizer script (a `{ ... }` signature followed by a region)? */
export function isPixelScript(text: string): boolean {
  return /\{[^{}]*\}\s*\(\s*\d+\s*,/.test(text);
}

export function importPixelScript(source: ImportSource, draft: ProfileDraft, findings: Findings, origin: (line: number) => string): void {
  const text = source.text;
  let pos = 0;
  let count = 0;
  // A signature under the same heading as the one before it has no title of its own.
  let lastTitle = "";
  for (;;) {
    const open = text.indexOf("{", pos);
    if (open === -1) break;
    const close = text.indexOf("}", open);
    if (close === -1) {
      findings.add(source, ImportCode.ignoredLine, source.lineSpan(source.lineOf(open)), "a signature's `{` is not closed, so CTP reads no signature from here on; nothing after it is imported");
      draft.comment(`${origin(source.lineOf(open))} an unclosed signature: CTP reads nothing from here on`);
      break;
    }
    const free = freeText(text.slice(pos, open));
    const title = free.pop() ?? lastTitle;
    lastTitle = title;
    // The script's notes stay as comments; the last line before a signature is its title.
    for (const note of free) draft.comment(note);
    const line = source.lineOf(open);
    // The regions: `(x,y,w,h)` groups up to the next text.
    const regions: string[] = [];
    const bad: string[] = [];
    const regionPattern = /^\s*\(([^()]*)\)/;
    let at = close + 1;
    for (;;) {
      const m = regionPattern.exec(text.slice(at));
      if (!m) break;
      const numbers = m[1]!.split(",").map((n) => n.trim());
      if (numbers.length === 4 && numbers.every((n) => /^\d+$/.test(n)) && parseInt(numbers[2]!, 10) > 0 && parseInt(numbers[3]!, 10) > 0) regions.push(`blank (${numbers.join(", ")})`);
      else bad.push(`(${m[1]})`);
      at += m[0].length;
    }
    pos = at;
    count++;
    const condition = translateMatch(text.slice(open + 1, close));
    for (const b of bad) {
      findings.add(source, ImportCode.ignoredLine, source.lineSpan(line), `the region \`${b}\` is not four whole numbers x, y, width, height, so CTP does not blank it, and neither does the import`);
    }
    if (!condition.ok) {
      findings.add(source, ImportCode.notExpressible, { start: open + 1 + condition.offset, end: close }, `the signature's condition cannot be written: ${condition.reason}; its regions are not blanked`, {
        help: "write the condition with keywords or standard [gggg,eeee] tags and CTP's string methods",
      });
      draft.comment(`${origin(line)} not imported (the condition cannot be written): ${title || "a signature"}`);
      continue;
    }
    if (regions.length === 0) {
      findings.add(source, ImportCode.noEffect, source.lineSpan(line), "the signature has no region, so CTP blanks nothing when it matches (and no later signature applies); the import writes no block for it");
      draft.comment(`${origin(line)} a signature with no region: ${title || "untitled"}`);
      continue;
    }
    draft.pixels({ when: condition.expr === "true" ? null : condition.expr, because: title || "CTP pixel anonymizer signature", regions, origin: origin(line) });
  }
  if (count > 1) draft.pixelsApplyFirst = true;
}

/** The non-empty lines of the free text before a signature, decoration (`****`) removed. */
function freeText(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/[*]{3,}/g, "").trim())
    .filter((l) => l !== "")
    .map((l) => l.slice(0, 200));
}
