// The state of one DicomEdit import: what the statements read so far
// change, in script order, and the helpers every kind of statement uses to
// record a change, a finding or a comment. The translating functions in the
// other modules of this folder take it as their first argument.

import { ImportCode, type ImportCodeValue } from "../codes";
import { ProfileDraft } from "../draft";
import type { Findings, ImportSource } from "../source";
import { attributeText } from "../syntax";
import { type DeSelector, selectorOf } from "./paths";
import type { DeStatement, DeTagPath, DeValue } from "./script";

export interface DicomEditImportOptions {
  name: string;
  title: string;
  /** the CSV table `lookup[...]` calls read: key type, key, value (DicomEdit's table holds `keytype/key = value` lines) */
  lookupTable: string;
}

/** Elements deidc writes into every output itself. */
const WRITTEN_BY_DEIDC = new Set([0x00120062, 0x00120063, 0x00120064, 0x00280303]);

/** One statement's change of a selector. */
export interface Op {
  selector: DeSelector;
  action: string;
  guard: string[];
  origin: string;
  line: number;
  source: ImportSource;
  statement: DeStatement;
  comment?: string;
  /** the rule's `because` */
  because?: string;
}

/** The profile's items in script order; a slot is where a selector's rules go once its last statement is reached. */
export type Timeline =
  | { kind: "comment"; text: string }
  | { kind: "slot"; selector: string; index: number }
  | { kind: "filter"; when: string | null; because: string; origin: string }
  | { kind: "pixels"; when: string | null; because: string; regions: string[]; origin: string };

/** A variable's value, with the top-level tags written before it was set (DicomEdit evaluates the value then). */
export type Variable = { kind: "value"; value: DeValue; written: ReadonlyMap<number, number> } | { kind: "param"; name: string; defaultValue: string | null };

export class Translation {
  readonly draft: ProfileDraft;
  readonly ops = new Map<string, Op[]>();
  readonly timeline: Timeline[] = [];
  readonly variables = new Map<string, Variable>();
  /** top-level tags an earlier statement changed, with the line that did */
  readonly written = new Map<number, number>();
  /** `private * -> remove`, from the last unconditional removeAllPrivateTags or retainPrivateTags (statement and line) */
  privateRule: { action: "remove"; origin: string; statement: string; line: number } | null = null;
  versionSeen = false;
  source!: ImportSource;
  private readonly multiple: boolean;
  /** the lookup table's format is noted once, at the first `lookup[...]` */
  lookupNoted = false;

  constructor(
    readonly options: DicomEditImportOptions,
    readonly findings: Findings,
    sourceCount: number,
  ) {
    this.draft = new ProfileDraft(options.name, options.title);
    this.multiple = sourceCount > 1;
  }

  /** Where a rule came from: the script line, and the comment the script has on that line. */
  origin(s: { line: number; trailing?: string }): string {
    const where = this.multiple ? `dicomedit:${this.source.path}:${s.line}` : `dicomedit:${s.line}`;
    return s.trailing ? `${where} ${s.trailing}` : where;
  }

  /** A finding on the statement of the script being read. */
  note(s: { span: { start: number; end: number } }, code: ImportCodeValue, message: string, help?: string): void {
    this.findings.add(this.source, code, s.span, message, help ? { help } : {});
  }

  /** A comment in the profile at this point of the script. */
  comment(text: string): void {
    this.timeline.push({ kind: "comment", text });
  }

  /** A change of one selector, in script order; the top-level tag it writes is remembered for later reads of it. */
  addOp(sel: DeSelector, action: string, guard: string[], s: DeStatement, comment?: string, because?: string): void {
    const list = this.ops.get(sel.selector) ?? [];
    list.push({ selector: sel, action, guard, origin: this.origin(s), line: s.line, source: this.source, statement: s, ...(comment ? { comment } : {}), ...(because ? { because } : {}) });
    this.ops.set(sel.selector, list);
    this.timeline.push({ kind: "slot", selector: sel.selector, index: list.length - 1 });
    if (sel.topLevelTag !== null) this.written.set(sel.topLevelTag, s.line);
    else if (sel.tag !== null && sel.selector.startsWith("/") && !sel.selector.slice(1).includes("/")) this.written.set(sel.tag, s.line);
  }

  /**
   * A change beneath every earlier one of the selector: what applies where none of them does (they are all
   * conditional). The selector's slots move up one, so its rules are still written at its last statement.
   */
  addBaseOp(sel: DeSelector, action: string, s: DeStatement, because?: string): void {
    const list = this.ops.get(sel.selector) ?? [];
    list.unshift({ selector: sel, action, guard: [], origin: this.origin(s), line: s.line, source: this.source, statement: s, ...(because ? { because } : {}) });
    this.ops.set(sel.selector, list);
    for (const item of this.timeline) if (item.kind === "slot" && item.selector === sel.selector) item.index++;
  }

  /** The selector a statement changes, or null (with a finding and a comment) when the import leaves the statement out. */
  target(path: DeTagPath, s: DeStatement): DeSelector | null {
    const result = selectorOf(path);
    if (!result.ok) {
      this.note(s, ImportCode.notExpressible, `${result.reason}; the statement is not imported`);
      this.comment(`${this.origin(s)} not imported: ${s.text}`);
      return null;
    }
    const sel = result.value;
    if (sel.topLevelTag !== null && WRITTEN_BY_DEIDC.has(sel.topLevelTag)) {
      this.note(s, ImportCode.writtenByDeidc, `deidc writes ${attributeText(sel.topLevelTag)} itself in every output, so \`${s.text}\` is not imported`);
      this.comment(`${this.origin(s)} not imported (deidc writes this element itself): ${s.text}`);
      return null;
    }
    if (sel.tag !== null && sel.tag >>> 16 === 0x0000) {
      this.note(s, ImportCode.commandElement, "group 0000 holds command elements, which stored objects never hold, so this statement is not imported");
      this.comment(`${this.origin(s)} not imported (a command element): ${s.text}`);
      return null;
    }
    if (sel.tag !== null && sel.tag >>> 16 === 0x0002) {
      this.note(s, ImportCode.writtenByDeidc, "deidc writes the File Meta Information (group 0002) itself, so this statement is not imported");
      this.comment(`${this.origin(s)} not imported (File Meta Information): ${s.text}`);
      return null;
    }
    return sel;
  }

  /** A statement the import cannot write: the element is removed where the statement would change it, with a finding and a comment. */
  unsupported(s: DeStatement, guard: string[], reason: string, sel: DeSelector | null): void {
    this.note(s, ImportCode.notExpressible, `\`${s.text}\` ${reason}; ${sel ? "the import removes the element instead" : "it is not imported"}`);
    const comment = `${this.origin(s)} ${s.text}: ${reason}; ${sel ? "removed instead" : "not imported"}`;
    if (sel) this.addOp(sel, "remove", guard, s, comment);
    else this.comment(comment);
  }

  /** Arguments with lists and list variables spread out, as DicomEdit's list functions read them. */
  flatten(values: readonly DeValue[]): DeValue[] {
    const out: DeValue[] = [];
    for (const v of values) {
      const r = this.resolved(v);
      if (r.kind === "list") out.push(...this.flatten(r.items));
      else out.push(r);
    }
    return out;
  }

  /** A variable's value, followed through variables set from variables. */
  resolved(v: DeValue): DeValue {
    const seen = new Set<string>();
    while (v.kind === "variable" && !seen.has(v.name)) {
      seen.add(v.name);
      const b = this.variables.get(v.name);
      if (b?.kind !== "value") break;
      v = b.value;
    }
    return v;
  }

  /** The constant text a value or the variable holding it stands for, or null. */
  literalOf(v: DeValue): string | null {
    if (v.kind === "string" || v.kind === "number") return v.text;
    if (v.kind === "variable") {
      const b = this.variables.get(v.name);
      if (b?.kind === "value") return this.literalOf(b.value);
    }
    return null;
  }
}

/** Conditions joined with `and`, those holding an `or` in parentheses; null for none. */
export function conjoin(conditions: readonly string[]): string | null {
  if (conditions.length === 0) return null;
  return conditions.map((c) => (/ or /.test(c) && !/^not \(/.test(c) ? `(${c})` : c)).join(" and ");
}
