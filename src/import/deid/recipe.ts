// Reading a pydicom/deid recipe, line by line, as deid's load_deid does:
// `FORMAT dicom`; sections `%header`, `%filter NAME`, `%values NAME`,
// `%fields NAME`, `%labels`; header actions `ACTION FIELD [VALUE]`; filter
// labels (`LABEL name` followed by criteria and coordinates, up to the next
// LABEL or section); `FIELD` and `SPLIT` lines of value and field groups.
// Lines starting with `#` are comments; a `#` later on a line ends an
// action's value. Each entry keeps its 1-based line number.

export type HeaderActionName = "ADD" | "BLANK" | "JITTER" | "KEEP" | "REPLACE" | "REMOVE";

export interface HeaderAction {
  kind: "action";
  line: number;
  action: HeaderActionName;
  field: string;
  /** the value after the field, `#` comment removed; null when the line has none */
  value: string | null;
}

/** One test of a filter criterion: `contains Modality CT`. */
export interface FilterTest {
  test: string;
  field: string;
  /** deid pairs values with tests by position within a line; null when the line has fewer values */
  value: string | null;
}

/** One criterion line of a label: tests joined by the line's inner operators, joined to the lines before by `operator`. */
export interface FilterCriterion {
  line: number;
  /** `and` for a leading `+`, `or` for a leading `||`, null for none (deid then ANDs it) */
  operator: "and" | "or" | null;
  tests: FilterTest[];
  inner: ("and" | "or")[];
  /** a later test on the line has a value but an earlier one has none, so deid pairs them wrongly */
  misaligned: boolean;
}

export interface FilterRegion {
  line: number;
  kind: "coordinates" | "ctpcoordinates" | "keepcoordinates" | "ctpkeepcoordinates";
  text: string;
}

export interface FilterLabel {
  kind: "label";
  line: number;
  group: string;
  name: string;
  criteria: FilterCriterion[];
  regions: FilterRegion[];
  /** lines of the label deid does not understand, with the reason */
  skipped: { line: number; text: string; reason: string }[];
}

export interface GroupItem {
  kind: "group-item";
  line: number;
  section: "values" | "fields";
  group: string;
  action: "FIELD" | "SPLIT";
  field: string;
  value: string | null;
}

export type RecipeEntry =
  | { kind: "comment"; line: number; text: string }
  | { kind: "format"; line: number; format: string }
  | { kind: "section"; line: number; section: string; name: string | null }
  | { kind: "label-metadata"; line: number; text: string }
  | { kind: "ignored"; line: number; text: string; reason: string }
  | HeaderAction
  | FilterLabel
  | GroupItem;

const HEADER_ACTIONS: readonly HeaderActionName[] = ["ADD", "BLANK", "JITTER", "KEEP", "REPLACE", "REMOVE"];
/** deid's filter tests (deid.config.standards.filters). */
export const FILTER_TESTS = ["contains", "notcontains", "equals", "notequals", "missing", "present", "empty"] as const;
const SECTIONS = new Set(["header", "labels", "filter", "values", "fields"]);

export function readRecipe(text: string): RecipeEntry[] {
  const lines = text.split(/\r\n|\r|\n/).map((raw, i) => ({ line: i + 1, text: raw.trim() })).filter((l) => l.text !== "");
  const entries: RecipeEntry[] = [];
  let section: string | null = null;
  let sectionName: string | null = null;
  let i = 0;
  while (i < lines.length) {
    const { line, text: t } = lines[i++]!;
    if (t.startsWith("#")) {
      entries.push({ kind: "comment", line, text: t.slice(1).trim() });
      continue;
    }
    if (/^format/i.test(t)) {
      entries.push({ kind: "format", line, format: t.replace(/FORMAT|\s+/g, "").toLowerCase() });
      continue;
    }
    if (t.startsWith("%")) {
      const withoutComment = t.split("#", 1)[0]!.trim();
      const parts = withoutComment.split(" ");
      section = parts[0]!.replace(/[%\s]/g, "").toLowerCase();
      sectionName = parts.length > 1 ? parts.slice(1).join(" ") : null;
      entries.push({ kind: "section", line, section, name: sectionName });
      continue;
    }
    if (section === "labels") {
      entries.push({ kind: "label-metadata", line, text: t });
      continue;
    }
    const upper = t.toUpperCase();
    if (section === "filter" && upper.startsWith("LABEL")) {
      const members: { line: number; text: string }[] = [];
      while (i < lines.length && !lines[i]!.text.toUpperCase().startsWith("LABEL") && !lines[i]!.text.startsWith("%")) members.push(lines[i++]!);
      entries.push(readLabel(line, t, sectionName ?? "", members));
      continue;
    }
    if ((section === "values" || section === "fields") && (upper.startsWith("FIELD") || upper.startsWith("SPLIT"))) {
      const parts = t.split(" ");
      const action = parts[0]!.toUpperCase() === "SPLIT" ? "SPLIT" : "FIELD";
      entries.push({ kind: "group-item", line, section, group: sectionName ?? "", action, field: parts[1] ?? "", value: parts.length > 2 ? parts.slice(2).join(" ").split("#", 1)[0]!.trim() : null });
      continue;
    }
    if (section !== null && SECTIONS.has(section) && HEADER_ACTIONS.some((a) => upper.startsWith(a))) {
      entries.push(readAction(line, t));
      continue;
    }
    entries.push({ kind: "ignored", line, text: t, reason: section === null ? "it comes before any section" : "deid does not recognise it" });
  }
  return entries;
}

/** A private tag named by its creator, which holds spaces: `(0033,"MITRA OBJECT UTF8 ATTRIBUTES 1.0",1E)`. */
const CREATOR_FIELD = /^\(?[0-9A-Fa-f]{4},"[^"]*",[0-9A-Fa-f]{2}\)?(?= |$)/;

function readAction(line: number, text: string): RecipeEntry {
  const space = text.indexOf(" ");
  const creatorField = space > 0 ? CREATOR_FIELD.exec(text.slice(space + 1)) : null;
  // deid reads a creator-named field whole (deid 0.4: private creator syntax); any other field ends at a space.
  const parts = creatorField ? [text.slice(0, space), creatorField[0], ...text.slice(space + 1 + creatorField[0].length).split(" ").filter((p, i) => i > 0 || p !== "")] : text.split(" ");
  const action = parts.shift()!.replace(/ /g, "");
  const field = parts.shift();
  // deid compares the action case-sensitively: `remove X` passes its first test and then matches no branch.
  if (!(HEADER_ACTIONS as readonly string[]).includes(action)) return { kind: "ignored", line, text, reason: `deid recognises only the upper-case action \`${action.toUpperCase()}\`` };
  if (field === undefined || field === "") return { kind: "ignored", line, text, reason: `${action} needs a field` };
  const rest = parts.length > 0 ? parts.join(" ").split("#", 1)[0]!.replace(/\s+$/, "") : null;
  const name = action as HeaderActionName;
  if ((name === "ADD" || name === "REPLACE" || name === "JITTER") && (rest === null || rest === "")) return { kind: "ignored", line, text, reason: `${action} needs a value` };
  return { kind: "action", line, action: name, field, value: name === "BLANK" || name === "KEEP" ? null : rest === "" ? null : rest };
}

function readLabel(line: number, text: string, group: string, members: { line: number; text: string }[]): FilterLabel {
  const name = text.replace(/^label/i, "").split("#", 1)[0]!.trim();
  const label: FilterLabel = { kind: "label", line, group, name, criteria: [], regions: [], skipped: [] };
  for (const m of members) {
    let member = m.text.trim();
    const lower = member.toLowerCase();
    const region = (["ctpkeepcoordinates", "keepcoordinates", "ctpcoordinates", "coordinates"] as const).find((k) => lower.startsWith(k));
    if (region) {
      label.regions.push({ line: m.line, kind: region, text: lower.slice(region.length).trim() });
      continue;
    }
    let operator: "and" | "or" | null = null;
    if (member.startsWith("+")) {
      operator = "and";
      member = member.slice(1).trim();
    } else if (member.startsWith("||")) {
      operator = "or";
      member = member.slice(2).trim();
    }
    if (!FILTER_TESTS.some((f) => member.toLowerCase().startsWith(f))) {
      label.skipped.push({ line: m.line, text: m.text, reason: member.startsWith("#") ? "a comment" : "not a filter test" });
      continue;
    }
    const criterion = readCriterion(m.line, member, operator);
    if (typeof criterion === "string") label.skipped.push({ line: m.line, text: m.text, reason: criterion });
    else label.criteria.push(criterion);
  }
  return label;
}

/** deid's parse_member: split on the first `||` or `+` while the rest holds another test. */
function readCriterion(line: number, text: string, operator: "and" | "or" | null): FilterCriterion | string {
  const tests: { test: string; field: string; value: string | null }[] = [];
  const inner: ("and" | "or")[] = [];
  const queue = [text];
  while (queue.length > 0) {
    let member = queue.shift()!.trim();
    const orAt = member.indexOf("||");
    const andAt = member.indexOf("+");
    let split: "||" | "+" | null = orAt >= 0 ? "||" : null;
    if (andAt >= 0 && (orAt < 0 || orAt >= andAt)) split = "+";
    if (split !== null) {
      const at = member.indexOf(split);
      const head = member.slice(0, at);
      const rest = member.slice(at + split.length);
      if (FILTER_TESTS.some((f) => rest.includes(f))) {
        queue.push(rest.trim());
        inner.push(split === "||" ? "or" : "and");
        member = head;
      }
    }
    const space = member.indexOf(" ");
    if (space < 0) return `\`${member}\` has no field`;
    const test = member.slice(0, space).toLowerCase().trim();
    const args = member.slice(space + 1);
    if (test === "contains" || test === "notcontains" || test === "equals" || test === "notequals") {
      const s = args.indexOf(" ");
      if (s < 0) return `${test} needs a field and a value`;
      tests.push({ test, field: args.slice(0, s).trim(), value: args.slice(s + 1).trim() });
    } else if (test === "missing" || test === "empty" || test === "present") {
      tests.push({ test, field: args.trim(), value: null });
    } else {
      return `\`${test}\` is not a filter test`;
    }
  }
  // deid keeps the values in their own list and pairs the n-th test with the n-th value.
  const values = tests.filter((t) => t.value !== null).map((t) => t.value!);
  const misaligned = tests.some((t, n) => t.value !== null && values[n] !== t.value);
  return { line, operator, tests: tests.map((t, n) => ({ test: t.test, field: t.field, value: values[n] ?? null })), inner, misaligned };
}
