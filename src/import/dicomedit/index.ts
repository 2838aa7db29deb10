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

import { ImportCode, type ImportCodeValue } from "../codes";
import { ProfileDraft } from "../draft";
import { LANGUAGE_FEATURES } from "../features";
import type { Findings, ImportSource } from "../source";
import { attributeText, escapeRegexText, literalProblem, parameterName, quote, readsAsNumber, regexLiteral } from "../syntax";
import { type DeSelector, readableTag, selectorOf } from "./paths";
import { type DeCondition, type DeStatement, type DeTagPath, type DeValue, readDicomEditScript } from "./script";

export interface DicomEditImportOptions {
  name: string;
  title: string;
  /** the CSV table `lookup[...]` calls read: key type, key, value (DicomEdit's table holds `keytype/key = value` lines) */
  lookupTable: string;
}

/** Elements deidc writes into every output itself. */
const WRITTEN_BY_DEIDC = new Set([0x00120062, 0x00120063, 0x00120064, 0x00280303]);

/** Functions that throw when their attribute argument is absent (the object then fails in DicomEdit). */
const FAILS_ON_ABSENT = new Set(["lowercase", "uppercase", "shiftDateByIncrement", "shiftDateTimeByIncrement"]);

interface Op {
  selector: DeSelector;
  action: string;
  guard: string[];
  origin: string;
  line: number;
  source: ImportSource;
  statement: DeStatement;
  comment?: string;
}

type Timeline =
  | { kind: "comment"; text: string }
  | { kind: "slot"; selector: string; index: number }
  | { kind: "filter"; when: string | null; because: string; origin: string }
  | { kind: "pixels"; when: string | null; because: string; regions: string[]; origin: string };

/** A variable's value, with the top-level tags written before it was set (DicomEdit evaluates the value then). */
type Variable = { kind: "value"; value: DeValue; written: ReadonlyMap<number, number> } | { kind: "param"; name: string; defaultValue: string | null };

type Expr = { ok: true; text: string; reads: number[] } | { ok: false; reason: string };

interface Context {
  guard: string[];
  /** the rule's element is at the top level, where a keyword in a condition names the top-level attribute */
  atRoot: boolean;
}

class DicomEditTranslator {
  readonly draft: ProfileDraft;
  private readonly ops = new Map<string, Op[]>();
  private readonly timeline: Timeline[] = [];
  private readonly variables = new Map<string, Variable>();
  /** top-level tags an earlier statement changed, with the line that did */
  private readonly written = new Map<number, number>();
  private privateRule: { action: "remove"; origin: string } | null = null;
  private versionSeen = false;
  private source!: ImportSource;
  private multiple: boolean;

  private lookupNoted = false;

  constructor(
    private readonly options: DicomEditImportOptions,
    private readonly findings: Findings,
    sourceCount: number,
  ) {
    this.draft = new ProfileDraft(options.name, options.title);
    this.multiple = sourceCount > 1;
  }

  run(source: ImportSource, statements: DeStatement[]): void {
    this.source = source;
    this.versionSeen = false;
    const firstStatement = statements.find((s) => s.kind !== "comment");
    for (const s of statements) this.statement(s, []);
    if (!this.versionSeen && firstStatement) {
      this.note(firstStatement, ImportCode.scriptVersion, "the script has no `version \"6.x\"` statement; XNAT reads such a script as DicomEdit 4, whose language differs; the import reads it as DicomEdit 6", 'add `version "6.3"` (or the version the script is written for) as its first statement');
    }
  }

  /** Where a rule came from: the script line, and the comment the script has on that line. */
  private origin(s: { line: number; trailing?: string }): string {
    const where = this.multiple ? `dicomedit:${this.source.path}:${s.line}` : `dicomedit:${s.line}`;
    return s.trailing ? `${where} ${s.trailing}` : where;
  }

  private note(s: { span: { start: number; end: number } }, code: ImportCodeValue, message: string, help?: string): void {
    this.findings.add(this.source, code, s.span, message, help ? { help } : {});
  }

  private comment(text: string): void {
    this.timeline.push({ kind: "comment", text });
  }

  private statement(s: DeStatement, guard: string[]): void {
    switch (s.kind) {
      case "comment":
        this.comment(s.comment.trim());
        return;
      case "version":
        this.versionSeen = true;
        if (!/^6(\.\d+)*$/.test(s.version.trim())) {
          this.note(s, ImportCode.scriptVersion, `\`version "${s.version}"\` is not a DicomEdit 6 version; the import reads the script as DicomEdit 6`);
        }
        return;
      case "echo":
        this.comment(`${this.origin(s)} ${s.text}: DicomEdit writes this to its log; it changes nothing`);
        return;
      case "export":
        this.comment(`${this.origin(s)} ${s.text}: sets an XNAT session field, not a DICOM attribute; not imported`);
        this.note(s, ImportCode.noEffect, `\`${s.text}\` gives XNAT a session field and changes no DICOM attribute, so nothing is imported`);
        return;
      case "describe":
        if (s.how === "hidden" || s.how === "const" || s.how === "immutable") return;
        this.describeVariable(s);
        return;
      case "variable":
        if (guard.length > 0) {
          this.unsupported(s, guard, "sets a variable only when a condition holds, which a .deid value cannot follow", null);
          return;
        }
        if (!this.variables.has(s.name) || this.variables.get(s.name)!.kind === "value") this.variables.set(s.name, { kind: "value", value: s.value, written: new Map(this.written) });
        return;
      case "removeAllPrivateTags":
        this.removeAllPrivate(s, guard);
        return;
      case "assign":
        this.assign(s, guard);
        return;
      case "delete":
        this.remove(s, guard);
        return;
      case "procedure":
        this.procedure(s, guard);
        return;
      case "conditional":
        this.conditional(s, guard);
        return;
    }
  }

  private describeVariable(s: Extract<DeStatement, { kind: "describe" }>): void {
    const existing = this.variables.get(s.name);
    const name = parameterName(s.name);
    const defaultValue = existing?.kind === "value" && (existing.value.kind === "string" || existing.value.kind === "number") ? quote(existing.value.text) : null;
    this.comment(`${this.origin(s)} ${s.text}: a value XNAT asks for, the parameter ${name}`);
    // Declared where a statement first uses it: an unused parameter is a lint finding.
    this.variables.set(s.name, { kind: "param", name, defaultValue });
    this.note(s, ImportCode.runtimeValue, `XNAT asks the user for \`${s.name}\` ("${s.how}") when the script runs; where the script uses it, the import reads \`param ${name}: string\`${defaultValue === null ? ", to be given to `deidc run` with --param" : ""}`, `pass it with \`deidc run --param ${name}=...\``);
  }

  private conditional(s: Extract<DeStatement, { kind: "conditional" }>, guard: string[]): void {
    // Conditions of the branches before this one, which must all be false for it to run.
    const previous: string[] = [];
    const start = new Map(this.written);
    const after = new Map(this.written);
    try {
      this.branches(s, guard, previous, start, after);
    } finally {
      for (const [k, v] of this.written) after.set(k, v);
      this.written.clear();
      for (const [k, v] of after) this.written.set(k, v);
    }
  }

  /** Each branch sees what was written before the conditional, not what the other branches write. */
  private branches(s: Extract<DeStatement, { kind: "conditional" }>, guard: string[], previous: string[], start: Map<number, number>, after: Map<number, number>): void {
    const enter = (): void => {
      for (const [k, v] of this.written) after.set(k, v);
      this.written.clear();
      for (const [k, v] of start) this.written.set(k, v);
    };
    for (let b = 0; b < s.branches.length; b++) {
      enter();
      const branch = s.branches[b]!;
      const before = [...guard, ...previous.map((p) => `not (${p})`)];
      if (!branch.condition) {
        for (const inner of branch.body) this.statement(inner, before);
        return;
      }
      const c = this.condition(branch.condition, s, true);
      if (c === null) {
        // This branch, and the ones after it (which run only when it does not), cannot be written.
        for (const rest of s.branches.slice(b)) {
          for (const inner of rest.body) if (inner.kind !== "comment") this.unsupported(inner, guard, `depends on \`${branch.condition.text}\`, a condition the import cannot write`, null);
        }
        return;
      }
      if (c === "false") continue;
      if (c === "true") {
        for (const inner of branch.body) this.statement(inner, before);
        return;
      }
      for (const inner of branch.body) this.statement(inner, [...before, c]);
      previous.push(c);
    }
  }

  /** A DicomEdit condition as a .deid expression; "true"/"false" when constant; null (with a finding) when it cannot be written. */
  private condition(c: DeCondition, s: DeStatement, atRoot: boolean): string | null {
    if (c.op === null || c.right === null) return this.functionCondition(c, s);
    const left = this.expression(c.left, s, { guard: [], atRoot }, "condition");
    const right = this.expression(c.right, s, { guard: [], atRoot }, "condition");
    if (!left.ok || !right.ok) {
      const reason = !left.ok ? left.reason : (right as { reason: string }).reason;
      this.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` ${reason}; the statements it guards are not imported`);
      return null;
    }
    const constant = (v: DeValue): string | null => {
      if (v.kind === "string" || v.kind === "number") return v.text;
      if (v.kind === "variable") {
        const b = this.variables.get(v.name);
        if (b?.kind === "value" && (b.value.kind === "string" || b.value.kind === "number")) return b.value.text;
      }
      return null;
    };
    const l = constant(c.left);
    const r = constant(c.right);
    if (l !== null && r !== null) {
      const value = c.op === "=" ? l === r : c.op === "!=" ? l !== r : new RegExp(`^(?:${r})$`).test(l) === (c.op === "~");
      return value ? "true" : "false";
    }
    // deidc reads numeric attributes as numbers, DicomEdit reads every value as text.
    const leftValue = this.resolved(c.left);
    const numericTag = leftValue.kind === "tag" ? readableTag(leftValue.path) : null;
    const numeric = numericTag !== null && readsAsNumber(numericTag);
    if (c.op === "=" || c.op === "!=") {
      if (numeric && r !== null) {
        if (/^[+-]?\d+(\.\d+)?$/.test(r.trim())) return `${left.text} ${c.op === "=" ? "==" : "!="} ${r.trim()}`;
        // Text that is not a number never equals a number.
        return c.op === "=" ? "false" : "true";
      }
      return `${left.text} ${c.op === "=" ? "==" : "!="} ${right.text}`;
    }
    // DicomEdit's `~` is Java's String.matches: the whole value must match.
    const pattern = r === null ? null : regexLiteral(`^(?:${r})$`);
    if (pattern === null) {
      this.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` needs a constant regular expression JavaScript can compile; the statements it guards are not imported`);
      return null;
    }
    return `${numeric ? `lower(${left.text})` : left.text} ${c.op} ${pattern}`;
  }

  /** A function that is a condition by itself: `true[]`, `false[]`, `isPresent[tag]`. */
  private functionCondition(c: DeCondition, s: DeStatement): string | null {
    const call = c.left.kind === "call" ? c.left : null;
    if (call?.name === "true" && call.args.length === 0) return "true";
    if (call?.name === "false" && call.args.length === 0) return "false";
    if (call?.name === "isPresent" && call.args.length > 0) {
      const names: string[] = [];
      for (const a of call.args) {
        const tag = a.kind === "tag" ? readableTag(a.path) : null;
        if (tag === null) {
          this.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` tests an element a .deid condition cannot read; the statements it guards are not imported`);
          return null;
        }
        names.push(`exists(${attributeText(tag)})`);
      }
      return names.join(" and ");
    }
    this.note(s, ImportCode.notExpressible, `the condition \`${c.text}\` is a function the import cannot write as a condition; the statements it guards are not imported`);
    return null;
  }

  /** A value as a .deid expression. */
  private expression(v: DeValue, s: DeStatement, ctx: Context, use: "condition" | "value", written: ReadonlyMap<number, number> = this.written): Expr {
    switch (v.kind) {
      case "string":
      case "number":
        return { ok: true, text: quote(v.text), reads: [] };
      case "variable": {
        let b = this.variables.get(v.name);
        if (!b) {
          // XNAT gives a script the labels of the upload (project, subject, session, ...) as variables.
          b = { kind: "param", name: parameterName(v.name), defaultValue: null };
          this.variables.set(v.name, b);
          this.note(s, ImportCode.runtimeValue, `the script never sets \`${v.name}\`, so its value comes from XNAT when the script runs (XNAT sets project, subject and session, among others); the import declares it as \`param ${b.name}: string\``, `pass it with \`deidc run --param ${b.name}=...\``);
        }
        if (b.kind === "param") return { ok: true, text: this.draft.param(b.name, "string", b.defaultValue), reads: [] };
        return this.expression(b.value, s, ctx, use, b.written);
      }
      case "tag": {
        const tag = readableTag(v.path);
        if (tag === null) return { ok: false, reason: `reads \`${v.path.text}\`, which is not one standard attribute of the top-level dataset (the only kind a .deid ${use} reads from the top level)` };
        const line = written.get(tag);
        if (line !== undefined) {
          this.note(s, ImportCode.readsWrittenValue, `\`${v.path.text}\` here is the value line ${line} wrote in DicomEdit; deidc reads the value the object arrived with`, "check that the script does not depend on reading its own changes");
        }
        const name = attributeText(tag);
        if (!ctx.atRoot && !LANGUAGE_FEATURES.rootQualified) return { ok: false, reason: `reads the top-level ${name} for an element inside a sequence, which needs \`root.${name}\`` };
        return { ok: true, text: ctx.atRoot ? name : `root.${name}`, reads: [tag] };
      }
      case "call":
        return this.valueCall(v, s, ctx, use, written);
      case "list":
        return { ok: false, reason: "uses a list of values, which a .deid value cannot hold" };
    }
  }

  private valueCall(v: Extract<DeValue, { kind: "call" }>, s: DeStatement, ctx: Context, use: "condition" | "value", written: ReadonlyMap<number, number>): Expr {
    const args = (): Expr[] => v.args.map((a) => this.expression(a, s, ctx, use, written));
    const failed = (list: Expr[]): Expr | null => list.find((a) => !a.ok) ?? null;
    switch (v.name) {
      case "lowercase":
      case "uppercase": {
        const list = args();
        if (list.length !== 1) return { ok: false, reason: `calls ${v.name} with ${list.length} arguments (DicomEdit fails on it)` };
        const bad = failed(list);
        if (bad) return bad;
        const a = list[0] as Extract<Expr, { ok: true }>;
        return { ok: true, text: `${v.name === "lowercase" ? "lower" : "upper"}(${a.text})`, reads: a.reads };
      }
      case "concatenate": {
        const list = args();
        const bad = failed(list);
        if (bad) return bad;
        const ok = list as Extract<Expr, { ok: true }>[];
        return { ok: true, text: ok.map((a) => a.text).join(" + ") || '""', reads: ok.flatMap((a) => a.reads) };
      }
      case "format": {
        if (v.args[0]?.kind !== "string") return { ok: false, reason: "formats with a pattern that is not a constant string" };
        const list = v.args.slice(1).map((a) => this.expression(a, s, ctx, use, written));
        const bad = failed(list);
        if (bad) return bad;
        const ok = list as Extract<Expr, { ok: true }>[];
        const pieces = messageFormatPieces(v.args[0].text);
        if (pieces === null) return { ok: false, reason: "uses a MessageFormat pattern with a format type (`{0,number}` and the like), which .deid does not have" };
        const parts: string[] = [];
        for (const p of pieces) {
          if (typeof p === "string") {
            if (p !== "") parts.push(quote(p));
          } else {
            const arg = ok[p];
            // MessageFormat leaves a placeholder without an argument as it is.
            parts.push(arg ? arg.text : quote(`{${p}}`));
          }
        }
        return { ok: true, text: parts.join(" + ") || '""', reads: ok.flatMap((a) => a.reads) };
      }
      default:
        return { ok: false, reason: `calls \`${v.name}\`, which has no .deid counterpart inside an expression` };
    }
  }

  private target(path: DeTagPath, s: DeStatement): DeSelector | null {
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

  private addOp(sel: DeSelector, action: string, guard: string[], s: DeStatement, comment?: string): void {
    const list = this.ops.get(sel.selector) ?? [];
    list.push({ selector: sel, action, guard, origin: this.origin(s), line: s.line, source: this.source, statement: s, ...(comment ? { comment } : {}) });
    this.ops.set(sel.selector, list);
    this.timeline.push({ kind: "slot", selector: sel.selector, index: list.length - 1 });
    if (sel.topLevelTag !== null) this.written.set(sel.topLevelTag, s.line);
    else if (sel.tag !== null && sel.selector.startsWith("/") && !sel.selector.slice(1).includes("/")) this.written.set(sel.tag, s.line);
  }

  /** A statement the import cannot write: the element is removed where the statement would change it, with a finding and a comment. */
  private unsupported(s: DeStatement, guard: string[], reason: string, sel: DeSelector | null): void {
    this.note(s, ImportCode.notExpressible, `\`${s.text}\` ${reason}; ${sel ? "the import removes the element instead" : "it is not imported"}`);
    const comment = `${this.origin(s)} ${s.text}: ${reason}; ${sel ? "removed instead" : "not imported"}`;
    if (sel) this.addOp(sel, "remove", guard, s, comment);
    else this.comment(comment);
  }

  private remove(s: Extract<DeStatement, { kind: "delete" }>, guard: string[]): void {
    const sel = this.target(s.target, s);
    if (!sel) return;
    this.addOp(sel, "remove", guard, s);
  }

  private assign(s: Extract<DeStatement, { kind: "assign" }>, guard: string[]): void {
    const sel = this.target(s.target, s);
    if (!sel) return;
    const ctx: Context = { guard, atRoot: sel.selector.startsWith("/") && !sel.selector.slice(1).includes("/") };
    const creates = LANGUAGE_FEATURES.create && !s.ifExists && sel.topLevelTag !== null;
    const value = s.value;
    const readsItself = (v: DeValue): boolean =>
      v.kind === "call" ? v.args.some(readsItself) : v.kind === "tag" && selectorOf(v.path).ok && (selectorOf(v.path) as { value: DeSelector }).value.selector === sel.selector;
    const noteCreate = (): void => {
      if (s.ifExists || creates || sel.wildcard || readsItself(value)) return;
      const why = LANGUAGE_FEATURES.create ? "deidc creates only top-level standard attributes" : "this deidc release creates no attributes";
      this.note(s, ImportCode.cannotCreate, `DicomEdit adds ${sel.selector} when the object lacks it; ${why}, so the import changes it only where it exists`);
    };
    if (value.kind === "call") {
      const own = this.ownValueAction(value, sel, s, guard);
      if (own !== undefined) {
        if (own !== null) this.addOp(sel, own, guard, s);
        return;
      }
    }
    if (value.kind === "string" || value.kind === "number" || (value.kind === "variable" && this.literalOf(value) !== null)) {
      const text = value.kind === "variable" ? this.literalOf(value)! : value.text;
      const problem = literalProblem(sel.isPrivate ? ["UN"] : sel.vrs, text);
      if (problem !== null) {
        this.unsupported(s, guard, `writes a value the attribute cannot hold (${problem})`, sel);
        return;
      }
      noteCreate();
      this.addOp(sel, `${creates ? "create " : ""}${quote(text)}`, guard, s);
      return;
    }
    const expr = this.expression(value, s, ctx, "value");
    if (!expr.ok) {
      this.unsupported(s, guard, expr.reason, sel);
      return;
    }
    if (sel.vrs.includes("SQ")) {
      this.unsupported(s, guard, "writes a value into a sequence", sel);
      return;
    }
    this.failsOnAbsent(value, s, guard);
    noteCreate();
    // A value computed from the element itself needs the element: there is nothing to create.
    this.addOp(sel, `${creates && !readsItself(value) ? "create " : "set "}${expr.text}`, guard, s);
  }

  /** Arguments with lists and list variables spread out, as DicomEdit's list functions read them. */
  private flatten(values: readonly DeValue[]): DeValue[] {
    const out: DeValue[] = [];
    for (const v of values) {
      const r = this.resolved(v);
      if (r.kind === "list") out.push(...this.flatten(r.items));
      else out.push(r);
    }
    return out;
  }

  /**
   * The values blankValues blanks: lists and variables opened, and `collectValues[a, ...]` (DicomEdit 6.6's list of
   * its arguments' values, taken when the variable holding it is set) opened into its arguments, each with the
   * top-level tags written before its value was taken.
   */
  private blankedValues(values: readonly DeValue[], written: ReadonlyMap<number, number>): { value: DeValue; written: ReadonlyMap<number, number> }[] {
    const out: { value: DeValue; written: ReadonlyMap<number, number> }[] = [];
    for (const v of values) {
      const bound = v.kind === "variable" ? this.variables.get(v.name) : undefined;
      if (bound?.kind === "value") out.push(...this.blankedValues([bound.value], bound.written));
      else if (v.kind === "list") out.push(...this.blankedValues(v.items, written));
      else if (v.kind === "call" && v.name === "collectValues") out.push(...this.blankedValues(v.args, written));
      else out.push({ value: v, written });
    }
    return out;
  }

  /** A variable's value, followed through variables set from variables. */
  private resolved(v: DeValue): DeValue {
    const seen = new Set<string>();
    while (v.kind === "variable" && !seen.has(v.name)) {
      seen.add(v.name);
      const b = this.variables.get(v.name);
      if (b?.kind !== "value") break;
      v = b.value;
    }
    return v;
  }

  private literalOf(v: DeValue): string | null {
    if (v.kind === "string" || v.kind === "number") return v.text;
    if (v.kind === "variable") {
      const b = this.variables.get(v.name);
      if (b?.kind === "value") return this.literalOf(b.value);
    }
    return null;
  }

  /**
   * Functions that act on the element's own value and map onto a whole-element
   * action: `x := hashUID[x]` is `U`, `x := shiftDateByIncrement[x, n]` is
   * `shift(n)`. Returns the action, null when the statement was handled
   * otherwise (a finding made), or undefined when the call is an ordinary value.
   */
  private ownValueAction(call: Extract<DeValue, { kind: "call" }>, sel: DeSelector, s: DeStatement, guard: string[]): string | null | undefined {
    const isOwn = (a: DeValue | undefined): boolean => a?.kind === "tag" && selectorOf(a.path).ok && (selectorOf(a.path) as { value: DeSelector }).value.selector === sel.selector;
    const number = (a: DeValue | undefined): number | null => {
      const t = a ? this.literalOf(a) : null;
      return t !== null && /^[+-]?\d+$/.test(t.trim()) ? parseInt(t.trim(), 10) : null;
    };
    switch (call.name) {
      case "hashUID":
        if (!isOwn(call.args[0])) {
          this.unsupported(s, guard, "hashes another element's value into a UID; deidc's `U` hashes the element's own UID", sel);
          return null;
        }
        this.note(s, ImportCode.keyedUid, "DicomEdit's hashUID is an unkeyed name-based UUID under 2.25; the import writes `U`, deidc's keyed 2.25 UID, the same for the same UID in every file");
        return "U";
      case "new UID":
      case "newUID":
        this.note(s, ImportCode.keyedUid, "a new random UID for each object breaks the links between objects; the import writes `U`, deidc's keyed 2.25 UID of the element's own UID");
        return "U";
      case "shiftDateByIncrement":
      case "shiftDateTimeByIncrement": {
        if (!isOwn(call.args[0])) {
          this.unsupported(s, guard, "shifts another element's date; deidc's `shift` moves the element's own date", sel);
          return null;
        }
        const n = number(call.args[1]);
        if (n === null) {
          this.note(s, ImportCode.nonNumericParameter, `the increment of \`${call.text}\` is not a whole number, so DicomEdit fails on every object that has the element; the import quarantines them`);
          this.timeline.push({ kind: "filter", when: conjoin([...guard, `exists(${sel.selector})`]), because: `DicomEdit cannot shift ${sel.selector} by a non-number`, origin: this.origin(s) });
          return null;
        }
        // shiftDateByIncrement accepts only a DA attribute (and shiftDateTimeByIncrement DA or DT); on any other it fails.
        const accepted = call.name === "shiftDateByIncrement" ? ["DA"] : ["DA", "DT"];
        if (sel.tag !== null && !sel.vrs.some((vr) => accepted.includes(vr))) {
          this.note(s, ImportCode.objectFails, `\`${call.name}\` fails in DicomEdit on an attribute whose VR is not ${accepted.join(" or ")}, as ${sel.selector} is (${sel.vrs.join("/")}), so XNAT rejects every object it runs on; the import quarantines them`);
          this.timeline.push({ kind: "filter", when: conjoin(guard), because: `DicomEdit's ${call.name} fails on ${sel.selector}`, origin: this.origin(s) });
          return null;
        }
        const unit = call.name === "shiftDateByIncrement" ? "days" : (this.literalOf(call.args[2] ?? { kind: "string", text: "seconds" }) ?? "seconds").toLowerCase();
        let days: number | null = null;
        if (unit === "days" || unit === "day") days = n;
        else if ((unit === "seconds" || unit === "second") && n % 86400 === 0) days = n / 86400;
        else if ((unit === "hours" || unit === "hour") && n % 24 === 0) days = n / 24;
        if (days === null) {
          this.unsupported(s, guard, `moves the date by ${n} ${unit}, not a whole number of days, which deidc's \`shift\` cannot do`, sel);
          return null;
        }
        this.failsOnAbsent(call, s, guard);
        return `shift(${days})`;
      }
      case "replace": {
        if (!isOwn(call.args[0])) return undefined;
        const from = call.args[1] ? this.literalOf(call.args[1]) : null;
        const to = call.args[2] ? this.literalOf(call.args[2]) : null;
        if (from === null || to === null || from === "") return undefined;
        return `replace(${regexLiteral(escapeRegexText(from), "g")}, ${quote(to.replace(/\$/g, "$$$$"))})`;
      }
      case "substring": {
        if (!isOwn(call.args[0])) return undefined;
        const a = number(call.args[1]);
        const b = number(call.args[2]);
        if (a === null || b === null || a < 0 || b < a) return undefined;
        // Java's substring fails on an absent value or one shorter than the end index; DicomEdit then fails the object.
        const tag = call.args[0]?.kind === "tag" ? readableTag(call.args[0].path) : null;
        if (tag !== null) {
          const name = attributeText(tag);
          this.timeline.push({ kind: "filter", when: conjoin([...guard, `not (${name} ~ /^[\\s\\S]{${b}}/)`]), because: `DicomEdit's substring fails on ${name} absent or shorter than ${b} characters`, origin: this.origin(s) });
          this.note(s, ImportCode.objectFails, `\`${call.text}\` fails in DicomEdit when the value is absent or shorter than ${b} characters, and XNAT then rejects the object; the import quarantines such objects`);
        }
        return `replace(/^[\\s\\S]{${a}}([\\s\\S]{${b - a}})[\\s\\S]*$/, "$1")`;
      }
      case "getURL":
        this.unsupported(s, guard, "writes a value DicomEdit fetches from a web service while it runs", sel);
        return null;
      case "lookup": {
        const keyType = call.args[0] ? this.literalOf(call.args[0]) : null;
        const key = call.args[1] && call.args.length === 2 ? this.expression(call.args[1], s, { guard, atRoot: sel.selector.startsWith("/") && !sel.selector.slice(1).includes("/") }, "value") : null;
        if (keyType === null || !key?.ok) return undefined;
        if (!this.lookupNoted) {
          this.lookupNoted = true;
          this.note(s, ImportCode.lookupTableFormat, `DicomEdit's lookup table holds \`keytype/key = value\` lines; deidc reads \`${this.options.lookupTable}\`, a CSV file of \`keytype,key,value\` rows`, "write one `keytype,key,value` row per line of the DicomEdit table");
        }
        // DicomEdit writes the table's value, or no value (an empty element) when the key is missing.
        return `lookup(${quote(this.options.lookupTable)}, ${quote(keyType)}, ${key.text}) else empty`;
      }
      case "match":
      case "ismatch":
      case "alterPN":
      case "collectValues":
        return undefined;
      case "lowercase":
      case "uppercase":
      case "format":
      case "concatenate":
        return undefined;
      default:
        this.unknownFunction(call, s, guard);
        return null;
    }
  }

  private unknownFunction(call: Extract<DeValue, { kind: "call" }>, s: DeStatement, guard: string[]): void {
    this.note(s, ImportCode.unknownFunction, `DicomEdit has no function \`${call.name}\`, so it fails on every object this statement runs on; the import quarantines them`, "check the function's name against the DicomEdit 6 language reference");
    this.timeline.push({ kind: "filter", when: conjoin(guard), because: `DicomEdit has no function ${call.name}`, origin: this.origin(s) });
  }

  /** DicomEdit functions that throw on an absent attribute fail the object: quarantine it when the attribute is absent. */
  private failsOnAbsent(value: DeValue, s: DeStatement, guard: string[]): void {
    if (value.kind !== "call") return;
    for (const a of value.args) this.failsOnAbsent(a, s, guard);
    if (!FAILS_ON_ABSENT.has(value.name)) return;
    const arg = value.args[0];
    if (arg?.kind !== "tag") return;
    const tag = readableTag(arg.path);
    if (tag === null) return;
    const name = attributeText(tag);
    // The date shifters cannot parse an empty value either; the case functions fail only on a missing one.
    const shifts = value.name.startsWith("shift");
    const test = shifts ? `empty(${name})` : `not exists(${name})`;
    const what = shifts ? "absent or empty" : "absent";
    this.timeline.push({ kind: "filter", when: conjoin([...guard, test]), because: `DicomEdit's ${value.name} fails on an object whose ${name} is ${what}`, origin: this.origin(s) });
    this.note(s, ImportCode.objectFails, `\`${value.name}\` fails in DicomEdit when ${arg.path.text} is ${what}, and XNAT then rejects the object; the import quarantines such objects`);
  }

  private removeAllPrivate(s: DeStatement, guard: string[]): void {
    if (guard.length > 0) {
      this.unsupported(s, guard, "removes private elements only when a condition holds; `private *` takes no condition in this import", null);
      return;
    }
    // Private elements an earlier statement set are removed too.
    for (const [selector, list] of this.ops) {
      if (!list[0]!.selector.isPrivate) continue;
      for (const op of list) {
        this.findings.add(op.source, ImportCode.overridden, op.statement.span, `removeAllPrivateTags (line ${s.line}) removes ${selector} afterwards, as in DicomEdit`);
        this.comment(`${op.origin} replaced by ${this.origin(s)} (every private element removed): ${op.statement.text}`);
      }
      this.ops.delete(selector);
    }
    this.privateRule = { action: "remove", origin: this.origin(s) };
  }

  private procedure(s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
    switch (s.name) {
      case "retainPrivateTags": {
        if (guard.length > 0) {
          this.unsupported(s, guard, "keeps private elements only when a condition holds; `private *` takes no condition in this import", null);
          return;
        }
        this.removeAllPrivate(s, guard);
        for (const a of s.args) {
          const text = a.kind === "string" ? a.text : null;
          const parsed = text === null ? null : readDicomEditScript(`${text} := ""`, () => s.line);
          const path = parsed?.ok && parsed.statements[0]?.kind === "assign" ? parsed.statements[0].target : null;
          const sel = path ? selectorOf(path) : null;
          if (!sel?.ok || !sel.value.isPrivate) {
            this.note(s, ImportCode.notExpressible, `retainPrivateTags: \`${text ?? "?"}\` is not a private tag path; it is not kept`);
            continue;
          }
          this.addOp(sel.value, "keep", [], s);
        }
        return;
      }
      case "removeAllPrivateTags":
        this.removeAllPrivate(s, guard);
        return;
      case "set": {
        const path = s.args[0]?.kind === "string" ? readDicomEditScript(`${s.args[0].text} := ""`, () => s.line) : null;
        if (!path?.ok || path.statements[0]?.kind !== "assign" || !s.args[1]) {
          this.unsupported(s, guard, "calls set with arguments the import cannot read", null);
          return;
        }
        this.assign({ ...s, kind: "assign", target: path.statements[0].target, value: s.args[1], ifExists: false }, guard);
        return;
      }
      case "alterPixels":
        this.alterPixels(s, guard);
        return;
      case "delete": {
        // delete["(gggg,eeee)/..."]: a deletion whose path is a string.
        for (const a of s.args) {
          const parsed = a.kind === "string" ? readDicomEditScript(`-${a.text}`, () => s.line) : null;
          const statement = parsed?.ok ? parsed.statements[0] : undefined;
          if (statement?.kind !== "delete") {
            this.unsupported(s, guard, "deletes an argument that is not a tag path string", null);
            continue;
          }
          const sel = this.target(statement.target, s);
          if (sel) this.addOp(sel, "remove", guard, s);
        }
        return;
      }
      case "hashUIDList":
        // DicomEdit 6.6: hashUID of each listed element, in place (lists and list variables flattened).
        for (const a of this.flatten(s.args)) {
          const sel = a.kind === "tag" ? this.target(a.path, s) : null;
          if (!sel) {
            if (a.kind !== "tag") this.unsupported(s, guard, "lists an argument that is not a tag path", null);
            continue;
          }
          this.addOp(sel, "U", guard, s);
        }
        this.note(s, ImportCode.keyedUid, "DicomEdit's hashUID is an unkeyed name-based UUID under 2.25; the import writes `U`, deidc's keyed 2.25 UID, the same for the same UID in every file");
        return;
      case "blankValues": {
        // DicomEdit 6.6 blanks every element, at any depth and private ones too, whose value equals one of the
        // arguments' values (an attribute stands for its value), keeping the element and its VR; a value no element
        // holds changes nothing. `any where value == ...` says the same of the elements no more specific rule names.
        for (const { value: a, written } of this.blankedValues(s.args, this.written)) {
          const value = this.expression(a, s, { guard, atRoot: true }, "value", written);
          if (!value.ok) {
            this.unsupported(s, guard, `(blankValues) ${value.reason}`, null);
            continue;
          }
          const selector: DeSelector = { selector: `any where value == ${value.text}`, topLevelTag: null, tag: null, isPrivate: false, wildcard: true, vrs: [] };
          this.addOp(selector, "empty", guard, s);
        }
        return;
      }
      case "shiftDateTimeSequenceByIncrement":
        this.shiftDateTimeSequence(s, guard);
        return;
      case "mapReferencedUIDs":
        this.mapReferencedUids(s, guard);
        return;
      default: {
        const known = ["lowercase", "uppercase", "format", "concatenate", "hashUID", "replace", "substring", "getURL", "lookup", "match", "ismatch", "shiftDateByIncrement", "shiftDateTimeByIncrement", "isPresent", "alterPN", "collectValues"];
        if (known.includes(s.name)) {
          this.comment(`${this.origin(s)} ${s.text}: a function whose value nothing uses; it changes nothing`);
          this.note(s, ImportCode.noEffect, `\`${s.text}\` computes a value that no statement uses, so it changes nothing in DicomEdit, and nothing is imported`);
          return;
        }
        this.unknownFunction({ kind: "call", name: s.name, args: s.args, text: s.text }, s, guard);
      }
    }
  }

  /** The tag path a string argument holds (DicomEdit reads it as a DicomEdit 6 path), or null. */
  private pathArgument(a: DeValue, s: DeStatement): DeTagPath | null {
    const text = this.literalOf(a);
    const parsed = text === null ? null : readDicomEditScript(`-${text}`, () => s.line);
    const statement = parsed?.ok ? parsed.statements[0] : undefined;
    return statement?.kind === "delete" ? statement.target : null;
  }

  /**
   * shiftDateTimeSequenceByIncrement[seconds, "path", ...]: DicomEdit visits every element, at any depth, that
   * one of the path strings matches and moves its value, read as a DT, by the increment in seconds (there is no
   * unit argument). A whole number of days is deidc's `shift` on each path.
   */
  private shiftDateTimeSequence(s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
    const [increment, ...paths] = this.flatten(s.args);
    const text = increment ? this.literalOf(increment) : null;
    if (text === null || !/^[+-]?\d+$/.test(text.trim()) || paths.length === 0) {
      this.unsupported(s, guard, "(shiftDateTimeSequenceByIncrement) takes an increment in whole seconds and one or more tag path strings, which these arguments are not", null);
      return;
    }
    const seconds = parseInt(text.trim(), 10);
    // Where the shift is not whole days, the element is removed rather than kept with its real date-time.
    const notWholeDays = seconds % 86400 !== 0 ? `(shiftDateTimeSequenceByIncrement) moves date-times by ${seconds} seconds, not a whole number of days (86400 seconds), and deidc's \`shift\` moves dates by whole days` : null;
    for (const a of paths) {
      const path = this.pathArgument(a, s);
      if (!path) {
        this.unsupported(s, guard, `(shiftDateTimeSequenceByIncrement) has the argument \`${a.kind === "string" ? a.text : "?"}\`, which is not a tag path string`, null);
        continue;
      }
      const sel = this.target(path, s);
      if (!sel) continue;
      if (notWholeDays) {
        this.unsupported(s, guard, notWholeDays, sel);
        continue;
      }
      // DicomEdit reads whatever value the path matches as a DT; a TM or a text value is no date-time to it.
      if (sel.tag !== null && !sel.vrs.some((vr) => vr === "DA" || vr === "DT")) {
        this.unsupported(s, guard, `(shiftDateTimeSequenceByIncrement) shifts ${sel.selector}, whose VR is ${sel.vrs.join("/")}, reading its value as a date-time; deidc shifts only DA and DT values`, sel);
        continue;
      }
      this.addOp(sel, `shift(${seconds / 86400})`, guard, s);
    }
  }

  /**
   * mapReferencedUIDs["prefix", "path", ...]: DicomEdit replaces the UID in every element one of the path strings
   * matches by a new random UID under the prefix, the same new UID for the same old one while XNAT runs. deidc's
   * `U` on each path keeps those links too, in every file and every run with the same key.
   */
  private mapReferencedUids(s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
    const [prefix, ...paths] = this.flatten(s.args);
    if (!prefix || this.literalOf(prefix) === null || paths.length === 0) {
      this.unsupported(s, guard, "(mapReferencedUIDs) takes a UID prefix and one or more tag path strings, which these arguments are not", null);
      return;
    }
    let mapped = false;
    for (const a of paths) {
      const path = this.pathArgument(a, s);
      if (!path) {
        this.unsupported(s, guard, `(mapReferencedUIDs) has the argument \`${a.kind === "string" ? a.text : "?"}\`, which is not a tag path string`, null);
        continue;
      }
      const sel = this.target(path, s);
      if (!sel) continue;
      this.addOp(sel, "U", guard, s);
      mapped = true;
    }
    if (mapped) {
      this.note(s, ImportCode.keyedUid, `DicomEdit's mapReferencedUIDs writes a new random UID under the prefix \`${this.literalOf(prefix)}\`, the same for the same UID only while XNAT runs; the import writes \`U\`, deidc's keyed 2.25 UID, the same for the same UID in every file and run with the same key (the prefix is not kept)`);
    }
  }

  /** alterPixels["rectangle", "l=x0, t=y0, r=x1, b=y1", "solid", "v=n"]: fill a rectangle. */
  private alterPixels(s: Extract<DeStatement, { kind: "procedure" }>, guard: string[]): void {
    const [shape, bounds, fill, fillValue] = s.args.map((a) => this.literalOf(a));
    const coords = new Map<string, number>();
    for (const part of (bounds ?? "").split(",")) {
      const m = /^\s*([ltrb])\s*=\s*(\d+)\s*$/i.exec(part);
      if (m) coords.set(m[1]!.toLowerCase(), parseInt(m[2]!, 10));
    }
    const value = /^\s*v\s*=\s*(\d+)\s*$/i.exec(fillValue ?? "v=0");
    const [l, t, r, b] = ["l", "t", "r", "b"].map((k) => coords.get(k));
    if (shape?.toLowerCase() !== "rectangle" || (fill ?? "solid").toLowerCase() !== "solid" || l === undefined || t === undefined || r === undefined || b === undefined || r <= l || b <= t || !value) {
      this.unsupported(s, guard, "alters pixels in a way other than a solid rectangle with l, t, r, b bounds", null);
      return;
    }
    const fillText = value[1] === "0" ? "" : ` fill ${value[1]}`;
    // DicomEdit's l, t, r, b are the rectangle's corners, as `from ... to` writes them.
    this.timeline.push({ kind: "pixels", when: conjoin(guard), because: "imported from DicomEdit alterPixels", regions: [`blank from (${l}, ${t}) to (${r}, ${b})${fillText}`], origin: this.origin(s) });
  }

  /** Writes the collected statements into the draft. */
  finish(): ProfileDraft {
    const draft = this.draft;
    const emitted = new Set<string>();
    // Filters first in source order: deidc runs them before any rule, as the failures they stand for happen before DicomEdit writes anything.
    for (const item of this.timeline) {
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
          const list = this.ops.get(item.selector);
          if (!list || item.index !== list.length - 1 || emitted.has(item.selector)) break;
          emitted.add(item.selector);
          this.emitSelector(list);
          break;
        }
      }
    }
    draft.blank();
    if (this.privateRule) {
      draft.rule({ selector: "private *", action: "remove", origin: this.privateRule.origin });
    } else {
      draft.rule({ selector: "private *", action: "keep", because: "DicomEdit keeps private elements the script does not remove" });
    }
    draft.rule({ selector: "*", action: "keep", because: "DicomEdit keeps the elements the script does not name" });
    return draft;
  }

  /** One selector's statements, last first, down to the last unconditional one. */
  private emitSelector(list: Op[]): void {
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
      this.findings.add(op.source, ImportCode.overridden, op.statement.span, `line ${later.line} replaces this statement's change of ${op.selector.selector}, as in DicomEdit`);
      this.draft.comment(`${op.origin} replaced by ${later.origin}: ${op.statement.text}`);
    }
    const seen = new Set<string>();
    for (let i = list.length - 1; i >= Math.max(0, decisive); i--) {
      const op = list[i]!;
      if (op.comment) this.draft.comment(op.comment);
      const when = conjoin(op.guard);
      const key = `${op.action}\u0000${when}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.draft.rule({ selector: op.selector.selector, action: op.action, ...(when ? { when } : {}), origin: op.origin });
    }
  }
}

function conjoin(conditions: readonly string[]): string | null {
  if (conditions.length === 0) return null;
  return conditions.map((c) => (/ or /.test(c) && !/^not \(/.test(c) ? `(${c})` : c)).join(" and ");
}

/**
 * A java.text.MessageFormat pattern as literal pieces and argument indexes,
 * or null when it uses format types. A quote starts literal text, `''` is a
 * quote.
 */
function messageFormatPieces(pattern: string): (string | number)[] | null {
  const out: (string | number)[] = [];
  let text = "";
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        text += "'";
        i++;
      } else quoted = !quoted;
      continue;
    }
    if (!quoted && c === "{") {
      const close = pattern.indexOf("}", i);
      if (close === -1) return null;
      const inner = pattern.slice(i + 1, close).trim();
      if (!/^\d+$/.test(inner)) return null;
      out.push(text);
      text = "";
      out.push(parseInt(inner, 10));
      i = close;
      continue;
    }
    text += c;
  }
  out.push(text);
  return out;
}

export function importDicomEditScripts(sources: readonly ImportSource[], options: DicomEditImportOptions, findings: Findings): ProfileDraft | null {
  const translator = new DicomEditTranslator(options, findings, sources.length);
  translator.draft.preamble.push(`Imported by \`deidc import dicomedit\` from ${sources.map((s) => s.path).join(", ")}.`);
  translator.draft.preamble.push("DicomEdit runs statements in order; each selector's rules here are its statements, last first. docs/migrating.md lists what deidc does differently on purpose.");
  for (const source of sources) {
    const read = readDicomEditScript(source.text, (offset) => source.lineOf(offset));
    if (!read.ok) {
      const line = source.lineOf(read.offset);
      findings.add(source, ImportCode.unreadableSource, { start: read.offset, end: Math.max(read.offset, source.lineSpan(line).end) }, `not a DicomEdit 6 script: ${read.message}`, {
        help: "the import reads DicomEdit 6 scripts (XNAT 1.7 and later): statements such as `(0010,0010) := \"ANON\"` and `-(0010,1030)`",
      });
      return null;
    }
    translator.run(source, read.statements);
  }
  return translator.finish();
}
