// deid `%filter` labels as deidc conditions.
//
// deid evaluates a label's criteria left to right: the tests on one line are
// joined by their `+` (and) and `||` (or), then each line is joined to the
// result so far by its leading operator (none means and), with no precedence
// between and and or. The import writes that left fold with explicit
// parentheses. Each test lower-cases and trims the element's value and the
// test's value (deid's filter.py):
//
//   contains F v     a regular-expression search of v        lower(F) ~ /v/
//   notcontains F v  the negation                             lower(F) !~ /v/
//   equals F v       string equality                          lower(F) == "v"
//   notequals F v    the negation                             lower(F) != "v"
//   missing F        F is absent                              not exists(F)
//   present F        F is present                             exists(F)
//   empty F          F is present with an empty value        exists(F) and empty(F)
//
// deid reads F with pydicom's Dataset.get, which knows keywords only: any
// other name reads as absent, which makes the test a constant.

import type { FilterLabel, FilterTest } from "./recipe";
import { filterField } from "./fields";
import { quote, regexLiteral } from "../syntax";

type Condition = { kind: "const"; value: boolean } | { kind: "expr"; text: string; compound: boolean };

export interface LabelCondition {
  /** the condition, or a constant when it does not depend on the object */
  condition: Condition;
  /** problems to report: unknown fields, misaligned values */
  notes: { line: number; message: string; unknownField: boolean }[];
  /** why the label cannot be imported, or null */
  failure: { line: number; reason: string } | null;
}

const TRUE: Condition = { kind: "const", value: true };
const FALSE: Condition = { kind: "const", value: false };

function expr(text: string, compound = false): Condition {
  return { kind: "expr", text, compound };
}

function wrap(c: Extract<Condition, { kind: "expr" }>): string {
  return c.compound ? `(${c.text})` : c.text;
}

function and(a: Condition, b: Condition): Condition {
  if (a.kind === "const") return a.value ? b : FALSE;
  if (b.kind === "const") return b.value ? a : FALSE;
  return expr(`${wrap(a)} and ${wrap(b)}`, true);
}

function or(a: Condition, b: Condition): Condition {
  if (a.kind === "const") return a.value ? TRUE : b;
  if (b.kind === "const") return b.value ? TRUE : a;
  return expr(`${wrap(a)} or ${wrap(b)}`, true);
}

function not(a: Condition): Condition {
  if (a.kind === "const") return { kind: "const", value: !a.value };
  return expr(`not ${a.compound ? `(${a.text})` : a.text}`);
}

export function conditionText(c: Condition): string {
  return c.kind === "const" ? String(c.value) : c.text;
}

export function labelCondition(label: FilterLabel): LabelCondition {
  const notes: LabelCondition["notes"] = [];
  let result: Condition | null = null;
  for (const criterion of label.criteria) {
    if (criterion.misaligned) {
      notes.push({ line: criterion.line, message: "deid pairs this line's values with its tests by position, so a test after one without a value gets the wrong value (or none, which deid reads as `none`); the import does the same", unknownField: false });
    }
    let line: Condition | null = null;
    for (let n = 0; n < criterion.tests.length; n++) {
      const test = testCondition(criterion.tests[n]!, criterion.line, notes);
      if ("reason" in test) return { condition: FALSE, notes, failure: { line: criterion.line, reason: test.reason } };
      line = line === null ? test : criterion.inner[n - 1] === "or" ? or(line, test) : and(line, test);
    }
    if (line === null) continue;
    result = result === null ? line : criterion.operator === "or" ? or(result, line) : and(result, line);
  }
  return { condition: result ?? FALSE, notes, failure: null };
}

function testCondition(test: FilterTest, line: number, notes: LabelCondition["notes"]): Condition | { reason: string } {
  const target = filterField(test.field);
  // deid passes a missing value on as None, which the tests read as the text "none".
  const value = (test.value ?? "none").toLowerCase().trim();
  if (target === null) {
    notes.push({ line, message: `\`${test.field}\` is not a keyword, so deid reads it as absent and \`${test.test}\` is always ${constantFor(test.test)}`, unknownField: true });
    return { kind: "const", value: constantFor(test.test) };
  }
  const f = target.selector;
  switch (test.test) {
    case "contains":
    case "notcontains": {
      const literal = regexLiteral(value);
      if (literal === null) return { reason: `\`${test.value}\` is a regular expression JavaScript cannot compile` };
      // deid skips an absent element; lower() of an absent one is "", which only an empty-matching pattern matches.
      const matchesEmpty = new RegExp(value).test("");
      const found = matchesEmpty ? and(expr(`exists(${f})`), expr(`lower(${f}) ~ ${literal}`)) : expr(`lower(${f}) ~ ${literal}`);
      return test.test === "contains" ? found : matchesEmpty ? not(found) : expr(`lower(${f}) !~ ${literal}`);
    }
    case "equals":
      return expr(`lower(${f}) == ${quote(value)}`);
    case "notequals":
      return expr(`lower(${f}) != ${quote(value)}`);
    case "missing":
      return expr(`not exists(${f})`);
    case "present":
      return expr(`exists(${f})`);
    case "empty":
      return and(expr(`exists(${f})`), expr(`empty(${f})`));
    default:
      return { reason: `\`${test.test}\` is not a filter test` };
  }
}

/** What a test says about an element deid cannot read (always absent). */
function constantFor(test: string): boolean {
  return test === "missing" || test === "notcontains" || test === "notequals";
}

/**
 * A label's regions as the lines of a pixel block, and the ones that cannot
 * be imported. deid's `coordinates` are xmin, ymin, xmax, ymax and
 * `ctpcoordinates` x, y, width, height; `keep...` forms blank everything
 * outside the region; `all` is the whole image; `from:SequenceOfUltrasoundRegions`
 * takes the regions of the Sequence of Ultrasound Regions.
 */
export function labelRegions(label: FilterLabel): { regions: { line: number; text: string }[]; problems: { line: number; message: string }[] } {
  const regions: { line: number; text: string }[] = [];
  const problems: { line: number; message: string }[] = [];
  for (const r of label.regions) {
    const keep = r.kind === "keepcoordinates" || r.kind === "ctpkeepcoordinates";
    const verb = keep ? "keep" : "blank";
    const value = r.text.trim();
    if (/^all$/i.test(value)) {
      if (keep) problems.push({ line: r.line, message: `\`${r.kind} all\` keeps the whole image, so deid blanks nothing, and neither does the import` });
      else regions.push({ line: r.line, text: "blank all" });
      continue;
    }
    if (/^from:\s*SequenceOfUltrasoundRegions$/i.test(value)) {
      regions.push({ line: r.line, text: `${verb} ultrasound regions` });
      continue;
    }
    const numbers = value.split(",").map((n) => n.trim());
    if (numbers.length !== 4 || numbers.some((n) => !/^-?\d+$/.test(n))) {
      problems.push({ line: r.line, message: `\`${r.kind} ${r.text}\` is not four whole numbers (nor \`all\` or \`from:SequenceOfUltrasoundRegions\`); the region is not imported` });
      continue;
    }
    const [a, b, c, d] = numbers.map((n) => parseInt(n, 10)) as [number, number, number, number];
    const ctp = r.kind === "ctpcoordinates" || r.kind === "ctpkeepcoordinates";
    const region = ctp ? { x: a, y: b, width: c, height: d } : { x: a, y: b, width: c - a, height: d - b };
    if (region.width <= 0 || region.height <= 0 || region.x < 0 || region.y < 0) {
      const form = ctp ? "x, y, width, height" : "xmin, ymin, xmax, ymax";
      problems.push({ line: r.line, message: `\`${r.kind} ${r.text}\` (${form}) is an empty region, so deid blanks nothing there, and neither does the import` });
      continue;
    }
    regions.push({ line: r.line, text: `${verb} (${region.x}, ${region.y}, ${region.width}, ${region.height})` });
  }
  return { regions, problems };
}
