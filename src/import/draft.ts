// The profile an importer builds, as a list of items in source order, and
// its rendering to .deid text. The text is then parsed and formatted (see
// finish.ts), so this file only has to produce text the grammar accepts; the
// layout is the formatter's.

import { commentText, quote } from "./syntax";

export interface DraftRule {
  kind: "rule";
  /** selector text, e.g. `PatientName`, `/StudyID`, `(0029,0000)..(0029,FFFF)`, `private *` */
  selector: string;
  /** action text, e.g. `remove`, `"ANON"`, `hash(key, value, 16)` */
  action: string;
  when?: string;
  because?: string;
  /** where the rule came from, written as a trailing comment: `ctp:12`, `deid:30` */
  origin?: string;
}

export interface DraftFilter {
  kind: "filter";
  outcome: "reject" | "quarantine" | "skip";
  /** null for a filter that applies to every object */
  when: string | null;
  because: string;
  origin?: string;
}

export interface DraftPixels {
  kind: "pixels";
  /** null for a block that applies to every image */
  when: string | null;
  because: string;
  /** `blank (x, y, w, h)` lines */
  regions: string[];
  origin?: string;
}

export type DraftItem = DraftRule | DraftFilter | DraftPixels | { kind: "comment"; text: string } | { kind: "blank" };

/** The name of the secret every keyed function of an imported profile uses. */
export const IMPORT_KEY_NAME = "key";
/** The environment variable that holds it, as `deidc run` expects by default. */
export const IMPORT_KEY_VARIABLE = "DEID_KEY";

export class ProfileDraft {
  readonly name: string;
  readonly title: string;
  /** options switched on with `with`, in order */
  readonly options: string[] = [];
  /** comments above the profile header: what was imported and how */
  readonly preamble: string[] = [];
  readonly items: DraftItem[] = [];
  /** only the first pixel block whose condition holds applies (`pixels apply first`), as in CTP's pixel anonymizer */
  pixelsApplyFirst = false;
  private usesKey = false;
  private readonly unconditional = new Set<string>();
  private readonly params = new Map<string, { type: "string" | "number" | "date" | "bool"; value: string | null }>();

  constructor(name: string, title: string) {
    this.name = name;
    this.title = title;
  }

  /** The secret for keyed functions, declared on first use. */
  key(): string {
    this.usesKey = true;
    return IMPORT_KEY_NAME;
  }

  /** Declares a parameter (once; the first declaration's default stays) and returns its name. */
  param(name: string, type: "string" | "number" | "date" | "bool", defaultValue: string | null): string {
    if (!this.params.has(name)) this.params.set(name, { type, value: defaultValue });
    return name;
  }

  withOption(name: string): void {
    if (!this.options.includes(name)) this.options.push(name);
  }

  comment(text: string): void {
    for (const line of text.split(/\r\n|\r|\n/)) this.items.push({ kind: "comment", text: line });
  }

  blank(): void {
    if (this.items.length > 0 && this.items[this.items.length - 1]!.kind !== "blank") this.items.push({ kind: "blank" });
  }

  /**
   * Adds a rule, unless the same unconditional rule is already there (two
   * source lines that say the same thing, such as a group kept twice): the
   * linter reports duplicates, and the second adds nothing. Returns whether
   * the rule was added.
   */
  rule(rule: Omit<DraftRule, "kind">): boolean {
    if (!rule.when) {
      const key = `${rule.selector}\u0000${rule.action}`;
      if (this.unconditional.has(key)) return false;
      this.unconditional.add(key);
    }
    this.items.push({ kind: "rule", ...rule });
    return true;
  }

  filter(filter: Omit<DraftFilter, "kind">): void {
    this.items.push({ kind: "filter", ...filter });
  }

  pixels(pixels: Omit<DraftPixels, "kind">): void {
    this.items.push({ kind: "pixels", ...pixels });
  }

  /** The .deid text, before formatting. */
  render(): string {
    const out: string[] = ["deid 1", ""];
    for (const line of this.preamble) out.push(comment(line));
    if (this.preamble.length > 0) out.push("");
    out.push(`profile ${this.name} ${quote(this.title)}`);
    if (this.options.length > 0) out.push(`  with ${this.options.join(", ")}`);
    const declarations: string[] = [];
    if (this.usesKey) declarations.push(`secret ${IMPORT_KEY_NAME} from env ${IMPORT_KEY_VARIABLE}`);
    for (const [name, p] of this.params) declarations.push(`param ${name}: ${p.type}${p.value === null ? "" : ` = ${p.value}`}`);
    if (this.pixelsApplyFirst) declarations.push("pixels apply first");
    if (declarations.length > 0) out.push("", ...declarations);
    out.push("");
    for (const item of this.items) out.push(...renderItem(item));
    return out.join("\n") + "\n";
  }
}

function comment(text: string): string {
  const body = commentText(text);
  return body === "" ? "//" : `// ${body}`;
}

function trailing(origin: string | undefined): string {
  return origin ? ` ${comment(origin)}` : "";
}

function renderItem(item: DraftItem): string[] {
  switch (item.kind) {
    case "comment":
      return [comment(item.text)];
    case "blank":
      return [""];
    case "rule": {
      const when = item.when ? ` when ${item.when}` : "";
      const because = item.because ? ` because ${quote(item.because)}` : "";
      return [`${item.selector} -> ${item.action}${when}${because}${trailing(item.origin)}`];
    }
    case "filter":
      return [`${item.outcome}${item.when === null ? "" : ` when ${item.when}`} because ${quote(item.because)}${trailing(item.origin)}`];
    case "pixels":
      return [`pixels${item.when === null ? "" : ` when ${item.when}`} because ${quote(item.because)} {${trailing(item.origin)}`, ...item.regions.map((r) => `  ${r}`), "}"];
  }
}
