import { describe, expect, test } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic";
import { layoutLine, renderPretty } from "../../src/diagnostics/render";
import { SourceText } from "../../src/syntax/source";
import {
  badTag,
  base,
  everySample,
  lastLineInfo,
  missingArrow,
  missingVersion,
  site,
  siteText,
  sourcesOf,
  spanOf,
  unclosedBlock,
} from "./samples";

const plain = { color: false };
const lines = (...text: string[]) => text.join("\n") + "\n";
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

function oneError(file: string, span: { start: number; end: number }, message = "something is wrong here"): Diagnostic {
  return { code: "DEID1001", severity: "error", file, span, message };
}

describe("renderPretty without colour", () => {
  test("renders every part of a diagnostic and a summary", () => {
    expect(renderPretty(everySample, sourcesOf(site, base), plain)).toBe(
      lines(
        "error[DEID1003]: malformed tag `(0010,002G)`",
        "  --> rules/site.deid:11:3",
        "   |",
        '11 |   (0010,002G) -> replace "anon"',
        "   |   ^^^^^^^^^^^",
        "   = help: a tag is two groups of four hexadecimal digits",
        "",
        "error[DEID1001]: expected `->` between the selector and the action",
        " --> rules/site.deid:6:13",
        "  |",
        "6 |   PatientID remove",
        "  |             ^",
        "  = fix: insert `->` (`deidc lint --fix` applies it)",
        "",
        "error[DEID1001]: expected `}` before the end of the file",
        "  --> rules/site.deid:13:1",
        "   |",
        "13 |",
        "   | ^",
        "   = note: rules/site.deid:4:29: the block of profile `site` opens here",
        "   = fix: close the block (`deidc lint --fix` applies it)",
        "",
        "warning[DEID1006]: the file has no `deid 1` line",
        " --> rules/base.deid:1:1",
        "  |",
        "1 | profile basic {",
        "  | ^",
        "  = help: start the file with `deid 1`",
        "  = note: rules/site.deid:1:1: the version line looks like this",
        "  = fix: add the version line (`deidc lint --fix` applies it)",
        "",
        "info[DEID9999]: the profile `basic` ends here",
        " --> rules/base.deid:3:1",
        "  |",
        "3 | }",
        "  | ^",
        "",
        "3 errors, 1 warning, 1 info",
      ),
    );
  });

  test("an empty list renders as nothing", () => {
    expect(renderPretty([], sourcesOf(site), plain)).toBe("");
    expect(renderPretty([], sourcesOf(site), { color: true })).toBe("");
  });

  test.each([
    { diagnostics: [badTag], summary: "1 error" },
    { diagnostics: [badTag, missingArrow], summary: "2 errors" },
    { diagnostics: [missingVersion], summary: "1 warning" },
    { diagnostics: [missingVersion, missingVersion], summary: "2 warnings" },
    { diagnostics: [lastLineInfo, lastLineInfo], summary: "2 infos" },
    { diagnostics: [badTag, missingVersion, missingVersion, lastLineInfo], summary: "1 error, 2 warnings, 1 info" },
  ])("summary line `$summary`", ({ diagnostics, summary }) => {
    const output = renderPretty(diagnostics, sourcesOf(site, base), plain);
    expect(output.endsWith(`\n\n${summary}\n`)).toBe(true);
  });

  test("a span over several lines is underlined to the end of its first line", () => {
    const span = { start: spanOf(siteText, "PatientName").start, end: spanOf(siteText, "StudyDate").end };
    expect(renderPretty([oneError("rules/site.deid", span)], sourcesOf(site), plain)).toContain(
      lines("5 |   PatientName -> remove", "  |   ^^^^^^^^^^^^^^^^^^^^^"),
    );
  });

  test("a span that starts on a line break gets one caret after the line's text", () => {
    const lineEnd = spanOf(siteText, "remove\n").end - 1;
    expect(renderPretty([oneError("rules/site.deid", { start: lineEnd, end: lineEnd + 3 })], sourcesOf(site), plain)).toContain(
      lines(" --> rules/site.deid:5:24", "  |", "5 |   PatientName -> remove", `  | ${" ".repeat(23)}^`),
    );
  });

  test("the last line of a file without a final newline", () => {
    const text = "deid 1\nprofile p {}";
    const source = new SourceText("p.deid", text);
    const atEnd = { start: text.length, end: text.length };
    expect(renderPretty([oneError("p.deid", atEnd)], sourcesOf(source), plain)).toBe(
      lines(
        "error[DEID1001]: something is wrong here",
        " --> p.deid:2:13",
        "  |",
        "2 | profile p {}",
        "  |             ^",
        "",
        "1 error",
      ),
    );
  });

  test("an empty file", () => {
    const source = new SourceText("empty.deid", "");
    expect(renderPretty([oneError("empty.deid", { start: 0, end: 0 })], sourcesOf(source), plain)).toContain(
      lines(" --> empty.deid:1:1", "  |", "1 |", "  | ^"),
    );
  });

  test("CRLF line breaks are not shown and do not shift columns", () => {
    const text = "deid 1\r\nprofile p {\r\n  PatientsName -> remove\r\n}\r\n";
    const source = new SourceText("crlf.deid", text);
    const output = renderPretty([oneError("crlf.deid", spanOf(text, "PatientsName"))], sourcesOf(source), plain);
    expect(output).toContain(lines(" --> crlf.deid:3:3", "  |", "3 |   PatientsName -> remove", "  |   ^^^^^^^^^^^^"));
    expect(output).not.toContain("\r");
  });

  test("a byte order mark is not shown and does not shift the columns of line 1", () => {
    const text = "\uFEFFPatientName keep\n";
    const source = new SourceText("bom.deid", text);
    const output = renderPretty([oneError("bom.deid", spanOf(text, "keep"))], sourcesOf(source), plain);
    expect(output).toContain(lines(" --> bom.deid:1:13", "  |", "1 | PatientName keep", `  | ${" ".repeat(12)}^^^^`));
    expect(output).not.toContain("\uFEFF");
    expect(source.position(0)).toEqual({ line: 1, column: 1 });
    expect(source.offsetOf(1, 13)).toBe(text.indexOf("keep"));
  });

  test("a span that covers a CRLF line break is underlined to the end of the text", () => {
    const text = "a -> remove\r\nb -> keep\r\n";
    const source = new SourceText("crlf.deid", text);
    const span = { start: text.indexOf("remove"), end: text.indexOf("b") };
    expect(renderPretty([oneError("crlf.deid", span)], sourcesOf(source), plain)).toContain(
      lines("1 | a -> remove", "  |      ^^^^^^"),
    );
  });

  test("tabs are expanded to tab stops, and the caret stays under the span", () => {
    const text = "\tPatientsName\t-> remove\n";
    const source = new SourceText("tabs.deid", text);
    const keyword = renderPretty([oneError("tabs.deid", spanOf(text, "PatientsName"))], sourcesOf(source), plain);
    expect(keyword).toContain(lines(" --> tabs.deid:1:2", "  |", "1 |     PatientsName    -> remove", "  |     ^^^^^^^^^^^^"));
    const arrow = renderPretty([oneError("tabs.deid", spanOf(text, "->"))], sourcesOf(source), plain);
    expect(arrow).toContain(lines("1 |     PatientsName    -> remove", "  |                     ^^"));
    const tab = renderPretty([oneError("tabs.deid", spanOf(text, "\t", 1))], sourcesOf(source), plain);
    expect(tab).toContain(lines("1 |     PatientsName    -> remove", `  | ${" ".repeat(16)}^^^^`));
  });

  test("wide characters take two cells and astral characters one caret", () => {
    const text = 'PatientName == "山田^太郎" -> remove\nX == "😀" -> keep\n';
    const source = new SourceText("wide.deid", text);
    const wide = renderPretty([oneError("wide.deid", spanOf(text, "-> remove"))], sourcesOf(source), plain);
    expect(wide).toContain(lines('1 | PatientName == "山田^太郎" -> remove', "  |                            ^^^^^^^^^"));
    const emoji = renderPretty([oneError("wide.deid", spanOf(text, "😀"))], sourcesOf(source), plain);
    expect(emoji).toContain(lines(" --> wide.deid:2:7", "  |", '2 | X == "😀" -> keep', "  |       ^^"));
  });

  test("control characters in the source and the message cannot reach the terminal", () => {
    const text = 'X == "\x1b[31m" -> remove\n';
    const source = new SourceText("ctl.deid", text);
    const diagnostic = oneError("ctl.deid", spanOf(text, "-> remove"), "unexpected `\x1b`\ninside a string");
    const output = renderPretty([diagnostic], sourcesOf(source), plain);
    expect(output).not.toContain("\x1b");
    expect(output).toContain("error[DEID1001]: unexpected `\u241b`\u240ainside a string\n");
    expect(output).toContain(lines('1 | X == "\u241b[31m" -> remove', "  |              ^^^^^^^^^"));
  });

  test("a file missing from the sources is named without a snippet", () => {
    const output = renderPretty([unclosedBlock, missingVersion], sourcesOf(base), plain);
    expect(output).toBe(
      lines(
        "error[DEID1001]: expected `}` before the end of the file",
        " --> rules/site.deid",
        "  = note: rules/site.deid: the block of profile `site` opens here",
        "  = fix: close the block (`deidc lint --fix` applies it)",
        "",
        "warning[DEID1006]: the file has no `deid 1` line",
        " --> rules/base.deid:1:1",
        "  |",
        "1 | profile basic {",
        "  | ^",
        "  = help: start the file with `deid 1`",
        "  = note: rules/site.deid: the version line looks like this",
        "  = fix: add the version line (`deidc lint --fix` applies it)",
        "",
        "1 error, 1 warning",
      ),
    );
    expect(renderPretty([badTag], new Map(), plain)).toContain(" --> rules/site.deid\n  = help:");
  });

  test("spans outside the text are drawn at its edges instead of throwing", () => {
    const sources = sourcesOf(base);
    const pastEnd = renderPretty([oneError("rules/base.deid", { start: 500, end: 900 })], sources, plain);
    expect(pastEnd).toContain(lines(" --> rules/base.deid:3:2", "  |", "3 | }", "  |  ^"));
    const backwards = renderPretty([oneError("rules/base.deid", { start: 10, end: -4 })], sources, plain);
    expect(backwards).toContain(lines(" --> rules/base.deid:1:11", "  |", "1 | profile basic {", "  |           ^"));
  });
});

describe("renderPretty with colour", () => {
  test("paints severity, gutter and carets with ANSI escapes", () => {
    const esc = (codes: string, text: string) => `\x1b[${codes}m${text}\x1b[0m`;
    const gutter = (text: string) => esc("1;34", text);
    expect(renderPretty([missingArrow], sourcesOf(site), { color: true })).toBe(
      lines(
        `${esc("1;31", "error[DEID1001]")}${esc("1", ": expected `->` between the selector and the action")}`,
        ` ${gutter("-->")} rules/site.deid:6:13`,
        `  ${gutter("|")}`,
        `${gutter("6")} ${gutter("|")}   PatientID remove`,
        `  ${gutter("|")}             ${esc("1;31", "^")}`,
        `  ${gutter("=")} ${esc("1", "fix:")} insert \`->\` (\`deidc lint --fix\` applies it)`,
        "",
        esc("1;31", "1 error"),
      ),
    );
  });

  test("warnings and infos have their own colours", () => {
    const output = renderPretty([missingVersion, lastLineInfo], sourcesOf(site, base), { color: true });
    expect(output).toContain("\x1b[1;33mwarning[DEID1006]\x1b[0m");
    expect(output).toContain("\x1b[1;36minfo[DEID9999]\x1b[0m");
    expect(output.endsWith("\x1b[1;33m1 warning\x1b[0m, \x1b[1;36m1 info\x1b[0m\n")).toBe(true);
  });

  test("is the plain output once the escapes are removed", () => {
    const sources = sourcesOf(site, base);
    expect(stripAnsi(renderPretty(everySample, sources, { color: true }))).toBe(renderPretty(everySample, sources, plain));
  });

  test("plain output holds no escape at all", () => {
    expect(renderPretty(everySample, sourcesOf(site, base), plain)).not.toContain("\x1b");
  });
});

describe("layoutLine", () => {
  test("maps UTF-16 ranges to terminal cells", () => {
    expect(layoutLine("ab\tc", 3, 4)).toEqual({ text: "ab  c", caretStart: 4, caretWidth: 1 });
    expect(layoutLine("日本", 1, 2)).toEqual({ text: "日本", caretStart: 2, caretWidth: 2 });
    expect(layoutLine("e\u0301x", 0, 2)).toEqual({ text: "e\u0301x", caretStart: 0, caretWidth: 1 });
  });

  test("an empty range or one past the text still gets a caret", () => {
    expect(layoutLine("abc", 1, 1)).toEqual({ text: "abc", caretStart: 1, caretWidth: 1 });
    expect(layoutLine("abc", 3, 3)).toEqual({ text: "abc", caretStart: 3, caretWidth: 1 });
    expect(layoutLine("", 0, 0)).toEqual({ text: "", caretStart: 0, caretWidth: 1 });
  });

  test("a lone surrogate is shown as a replacement character", () => {
    expect(layoutLine("a\ud800b", 1, 2)).toEqual({ text: "a\ufffdb", caretStart: 1, caretWidth: 1 });
  });
});
