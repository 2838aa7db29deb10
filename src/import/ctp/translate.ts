// One CTP element script to .deid rules.
//
// A script is evaluated symbolically. CTP evaluates it per element into one
// string and then reads that string: `@remove()` anywhere removes the
// element, exactly `@keep()` keeps it, `@empty()`, `@blank(n)` or nothing
// empties it, anything else becomes its value. Here each function becomes
// either text, a deidc expression (`hash(key, value, 16)`), a whole deidc
// action (`U`, `shift(...)`, `lookup(...) else ...`), one of CTP's markers,
// or a filter (`@quarantine()`, `@skip()`); `@if`, `@select`, `@value` and
// `@append` split the evaluation into alternatives, each with the conditions
// under which it applies. Each alternative then becomes one rule, the last of
// an element's rules without a condition.
//
// What deidc cannot say is never dropped: the alternative falls back to
// removing (or emptying) the element, which discloses no more than the
// script would have, and a finding names the function and the reason.

import type { ProfileDraft } from "../draft";
import type { ImportCodeValue } from "../codes";
import { LANGUAGE_FEATURES } from "../features";
import { ImportCode } from "../codes";
import { TEXT_VRS } from "../../dicom/vr";
import { escapeRegexText, literalProblem, parameterName, quote, regexLiteral } from "../syntax";
import { type CtpCall, type ScriptSegment, callText, splitScript, unquote } from "./calls";

/** The element a script is written for. */
export interface CtpTarget {
  /** the rule selector, e.g. `PatientName`, `(0029,1010)`, `(0029,"SIEMENS CSA HEADER",10)` */
  selector: string;
  /** the standard tag, or null for a private element addressed by its creator */
  tag: number | null;
  isPrivate: boolean;
  /** the dictionary's VRs for the tag (`UN` when it does not know it) */
  vrs: string[];
  /** how messages name it */
  label: string;
  /** false for a standard tag the data dictionary does not list (its selector is then a one-tag range) */
  listed: boolean;
}

/** An element named in a function argument. */
export type CtpReference = { kind: "this" } | { kind: "attribute"; text: string } | { kind: "private"; text: string };

export interface CtpEnvironment {
  params: ReadonlyMap<string, string>;
  /** an element name from an argument (a keyword, a tag, `gggg[block]ee`), or null when CTP would not know it either */
  resolve(name: string): CtpReference | null;
  draft: ProfileDraft;
  /** the CSV table `@lookup` calls read */
  lookupTable: string;
  /** told each key type a `@lookup` uses */
  usesKeyType(keyType: string): void;
}

export interface Note {
  code: ImportCodeValue;
  message: string;
  help?: string;
}

export interface TranslatedRule {
  /** true: only in the top-level dataset (`@select` true clause) */
  rootOnly: boolean;
  action: string;
  when: string | null;
}

export interface TranslatedFilter {
  outcome: "quarantine" | "skip";
  when: string;
  because: string;
}

export interface ElementTranslation {
  rules: TranslatedRule[];
  filters: TranslatedFilter[];
  notes: Note[];
  /** comment lines written above the rules: what was not reproduced and what was done instead */
  comments: string[];
  /** the script starts with `@always()`: CTP creates the element when it is missing */
  always: boolean;
}

type Part =
  | { kind: "text"; text: string }
  | { kind: "expr"; expr: string }
  | { kind: "action"; action: string }
  | { kind: "unsupported"; fallback: "remove" | "empty"; comment: string }
  | { kind: "filter"; outcome: "quarantine" | "skip"; because: string };

interface Alternative {
  conditions: string[];
  depth: "root" | "nested" | null;
  parts: Part[];
}

/** Functions CTP evaluates (DICOMAnonymizer.makeReplacement). Any other name is written into the element as text. */
const CTP_FUNCTIONS = new Set([
  "contents", "value", "truncate", "date", "dateinterval", "decrypt", "encrypt", "hash", "hashname", "hashptid", "hashuid", "if", "select", "append",
  "always", "hashdate", "incrementdate", "lowercase", "uppercase", "modifydate", "initials", "lookup", "integer", "param", "quarantine", "require",
  "round", "skip", "time", "process", "call", "pathelement",
]);

/** Names CTP writes through as text and then reads back as instructions to the element. */
const CTP_MARKERS = new Set(["remove", "keep", "empty", "blank"]);

/** deidc's `hash` returns at most this many characters. */
const MAX_HASH_LENGTH = 52;

/**
 * Stands for the element's own value while a script is evaluated: `value` in
 * a rule, the attribute itself in a filter (filters run before any element is
 * visited). Never produced by `quote`, which escapes control characters.
 */
const THIS_VALUE = "\u0000this\u0000";

export function translateElement(script: string, target: CtpTarget, env: CtpEnvironment): ElementTranslation {
  const translator = new Translator(target, env);
  const alternatives = translator.evaluate(script);
  return translator.finish(alternatives, /^\s*@\s*always\s*\(/.test(script));
}

class Translator {
  private readonly notes: Note[] = [];
  private readonly comments: string[] = [];
  private readonly noted = new Set<string>();

  constructor(
    private readonly target: CtpTarget,
    private readonly env: CtpEnvironment,
  ) {}

  private note(code: ImportCodeValue, message: string, help?: string): void {
    const key = `${code}\u0000${message}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.notes.push(help ? { code, message, help } : { code, message });
  }

  private unsupported(call: CtpCall, reason: string, fallback: "remove" | "empty" = "remove", code: ImportCodeValue = ImportCode.notExpressible, help?: string): Alternative[] {
    const what = fallback === "remove" ? "removes the element instead" : "empties the element instead";
    this.note(code, `\`${callText(call)}\` ${reason}; the import ${what}`, help);
    return one([{ kind: "unsupported", fallback, comment: `${callText(call)}: ${reason}; ${fallback === "remove" ? "removed" : "emptied"} instead` }]);
  }

  evaluate(script: string): Alternative[] {
    let alternatives: Alternative[] = [{ conditions: [], depth: null, parts: [] }];
    for (const segment of splitScript(script)) {
      alternatives = combine(alternatives, this.segment(segment));
    }
    return alternatives;
  }

  private segment(segment: ScriptSegment): Alternative[] {
    switch (segment.kind) {
      case "text":
        return one([{ kind: "text", text: segment.text }]);
      case "crash":
        this.note(ImportCode.quarantineOnError, "CTP cannot evaluate this script (an `@` with no `(` after it) and quarantines every object that has the element", "escape a literal `@` as `\\@` in the CTP script");
        return one([{ kind: "filter", outcome: "quarantine", because: `CTP cannot evaluate the script for ${this.target.label}` }]);
      case "call":
        return this.call(segment.call);
    }
  }

  /** A reference for the argument, or null (with a finding) when it names nothing CTP knows. */
  private reference(call: CtpCall, name: string): CtpReference | null {
    const trimmed = name.trim();
    if (trimmed === "" || trimmed === "this") return { kind: "this" };
    const found = this.env.resolve(trimmed);
    if (!found) this.note(ImportCode.unknownAttribute, `\`${callText(call)}\` names \`${trimmed}\`, which is neither a keyword nor a tag of the data dictionary`, "use the DICOM keyword or the tag as ggggeeee");
    return found;
  }

  /** The value of an element as a deidc expression; null for a private element other than `this`. */
  private valueOf(ref: CtpReference): string | null {
    if (ref.kind === "this") return THIS_VALUE;
    if (ref.kind === "attribute") return ref.text;
    return null;
  }

  /** A CTP parameter reference (`@NAME` or `$NAME`) resolved, or the argument itself. */
  private param(arg: string): string | null {
    const t = arg.trim();
    if (t.startsWith("@") || t.startsWith("$")) return this.env.params.get(t.slice(1)) ?? null;
    return t;
  }

  private call(call: CtpCall): Alternative[] {
    const name = call.name;
    if (CTP_MARKERS.has(name)) return one([{ kind: "text", text: callText(call) }]);
    if (!CTP_FUNCTIONS.has(name)) {
      this.note(ImportCode.unknownFunction, `CTP does not know \`@${name}\`, so it writes \`${callText(call)}\` into ${this.target.label} as text; the import does the same`, "check the spelling against the CTP DicomAnonymizer functions, or remove the call");
      return one([{ kind: "text", text: callText(call) }]);
    }
    switch (name) {
      case "always":
        return one([]);
      case "require":
      case "process":
        // Both leave an element the object has in place; `@process()` walks into a sequence's items,
        // which deidc's rules do by themselves (K on a sequence applies the profile inside it).
        return one([{ kind: "text", text: "@keep()" }]);
      case "param": {
        const value = this.param(call.args[0] ?? "");
        if (value === null) {
          this.note(ImportCode.noEffect, `\`${callText(call)}\` names a parameter the script does not define; CTP writes \`null\`, and so does the import`, "define the parameter with a `<p>` element");
          return one([{ kind: "text", text: "null" }]);
        }
        return one([{ kind: "text", text: value }]);
      }
      case "contents":
        return this.contents(call);
      case "value":
        return this.valueFn(call);
      case "truncate":
        return this.truncate(call);
      case "date":
      case "time":
        this.note(
          ImportCode.currentTime,
          `\`${callText(call)}\` writes the current ${name}; deidc never writes the time of the run (an output would then depend on when it was made), so the import empties ${this.target.label}`,
          "to keep intervals between dates, shift them: `shift(days(key, PatientID, -365 .. -1))`",
        );
        return one([{ kind: "unsupported", fallback: "empty", comment: `${callText(call)}: the current ${name} is not reproduced; emptied instead` }]);
      case "hash":
        return this.hash(call);
      case "hashname":
        return this.hashname(call);
      case "hashptid":
        return this.hashptid(call);
      case "hashuid":
        return this.hashuid(call);
      case "hashdate":
        return this.hashdate(call);
      case "incrementdate":
        return this.incrementdate(call);
      case "modifydate":
        return this.modifydate(call);
      case "lowercase":
      case "uppercase": {
        const ref = this.reference(call, call.args[0] ?? "");
        const v = ref && this.valueOf(ref);
        if (v === null || v === undefined) return this.unsupported(call, "reads an element a deidc expression cannot read");
        return one([{ kind: "expr", expr: `${name === "lowercase" ? "lower" : "upper"}(${v})` }]);
      }
      case "lookup":
        return this.lookup(call);
      case "quarantine":
        return one([{ kind: "filter", outcome: "quarantine", because: `CTP @quarantine() in the script for ${this.target.label}` }]);
      case "skip":
        // CTP's DicomAnonymizer stage passes a skipped object on as it arrived.
        return one([{ kind: "filter", outcome: "skip", because: `CTP @skip() in the script for ${this.target.label}: passed on unchanged` }]);
      case "if":
        return this.ifFn(call);
      case "select": {
        const root = this.evaluate(call.trueCode).map((a) => ({ ...a, depth: a.depth ?? ("root" as const) }));
        const nested = this.evaluate(call.falseCode).map((a) => ({ ...a, depth: a.depth ?? ("nested" as const) }));
        return [...root.filter((a) => a.depth === "root"), ...nested.filter((a) => a.depth === "nested")];
      }
      case "append": {
        const clause = this.evaluate(call.trueCode);
        const present = `${THIS_VALUE} != ""`;
        return [
          ...clause.map((a) => ({ ...a, conditions: [present, ...a.conditions], parts: [{ kind: "expr", expr: THIS_VALUE } as Part, { kind: "text", text: "\\" } as Part, ...a.parts] })),
          ...clause.map((a) => ({ ...a, conditions: [negate(present), ...a.conditions] })),
        ];
      }
      case "integer":
        return this.integer(call);
      case "initials":
        return this.unsupported(call, "writes a person's initials, which the language has no function for");
      case "round":
        return this.unsupported(call, "rounds an age into bins, which the language has no function for", "remove", ImportCode.notExpressible, "`coarsen(year)` coarsens a birth date instead");
      case "encrypt":
      case "decrypt":
        return this.unsupported(call, "encrypts with a key in the script; deidc does not encrypt (its keyed `hash` is one-way)", "remove", ImportCode.notExpressible, "use `hash(key, value, n)`, or `lookup` when the original must be recoverable");
      case "dateinterval":
        return this.unsupported(call, "needs base dates from CTP's lookup table");
      case "pathelement":
        return this.unsupported(call, "splits a path, which the language has no function for");
      case "call":
        return this.unsupported(call, "calls a CTP plugin");
      default:
        return this.unsupported(call, "has no deidc equivalent");
    }
  }

  private contents(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    if (!ref) return this.unsupported(call, "reads an element CTP cannot find");
    if (call.args.length <= 1) {
      const v = this.valueOf(ref);
      return v === null ? this.unsupported(call, "reads a private element, which a deidc expression cannot read") : one([{ kind: "expr", expr: v }]);
    }
    if (ref.kind !== "this") return this.unsupported(call, "edits another element's value; `replace` edits only the element's own value");
    const pattern = unquote(call.args[1] ?? "");
    const replacement = call.args.length >= 3 ? unquote(call.args[2] ?? "") : "";
    const literal = regexLiteral(pattern, "g");
    if (literal === null) return this.unsupported(call, "uses a Java regular expression JavaScript cannot compile");
    if (!this.isTextTarget()) return this.unsupported(call, `edits text, but ${this.target.label} is ${this.target.vrs.join("/")}`);
    return one([{ kind: "action", action: `replace(${literal}, ${quote(replacement)})` }]);
  }

  private valueFn(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    const v = ref && this.valueOf(ref);
    if (v === null || v === undefined) return this.unsupported(call, "reads an element a deidc expression cannot read");
    const fallback = call.args.length > 1 ? unquote(call.args[1] ?? "") : "";
    const hasValue = `${v} != ""`;
    return [
      { conditions: [hasValue], depth: null, parts: [{ kind: "expr", expr: v }] },
      { conditions: [negate(hasValue)], depth: null, parts: [{ kind: "text", text: fallback }] },
    ];
  }

  private truncate(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    if (!ref) return this.unsupported(call, "reads an element CTP cannot find");
    if (call.args.length < 2) {
      const v = this.valueOf(ref);
      return v === null ? this.unsupported(call, "reads a private element") : one([{ kind: "expr", expr: v }]);
    }
    if (ref.kind !== "this") return this.unsupported(call, "truncates another element's value; `replace` edits only the element's own value");
    const n = /^[+-]?\d+$/.test((call.args[1] ?? "").trim()) ? parseInt((call.args[1] ?? "").trim(), 10) : NaN;
    if (Number.isNaN(n)) return one([{ kind: "expr", expr: THIS_VALUE }]);
    if (!this.isTextTarget()) return this.unsupported(call, `edits text, but ${this.target.label} is ${this.target.vrs.join("/")}`);
    // A regular expression keeps the first n characters, or (n < 0) the last -n of the trimmed value.
    const pattern = n >= 0 ? `^(.{0,${n}}).*$` : `^\\s*.*?(.{0,${-n}})\\s*$`;
    return one([{ kind: "action", action: `replace(${regexLiteral(pattern, "s")}, "$1")` }]);
  }

  private hashLength(argument: string | undefined): { length: number; clamped: boolean } {
    // CTP: no length, or one that does not parse, means the whole MD5 as decimal digits (up to 39).
    const raw = argument === undefined ? "" : (this.param(argument) ?? "");
    const parsed = /^[+-]?\d+$/.test(raw.trim()) ? parseInt(raw.trim(), 10) : Number.MAX_SAFE_INTEGER;
    const wanted = parsed < 1 ? Number.MAX_SAFE_INTEGER : parsed;
    return wanted > MAX_HASH_LENGTH ? { length: MAX_HASH_LENGTH, clamped: true } : { length: wanted, clamped: false };
  }

  private keyedHashNote(call: CtpCall, clamped: boolean): void {
    this.note(
      ImportCode.keyedHash,
      `\`@${call.name}\` is an unkeyed MD5 hash written as decimal digits, which anyone can recompute from a guessed value; deidc's \`hash\` is keyed (HMAC-SHA-256) and written in base 32${clamped ? `, at most ${MAX_HASH_LENGTH} characters` : ""}`,
      "keep the key (DEID_KEY) secret and the same across runs, so that the pseudonyms stay consistent",
    );
  }

  /** Wraps `parts` so that, when `ref` is another element, its absence removes this one (CTP's contentsNull). */
  private requirePresent(ref: CtpReference, parts: Part[]): Alternative[] {
    if (ref.kind !== "attribute") return one(parts);
    const present = `exists(${ref.text})`;
    return [
      { conditions: [present], depth: null, parts },
      { conditions: [negate(present)], depth: null, parts: [{ kind: "text", text: "@remove()" }] },
    ];
  }

  private hash(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    const v = ref && this.valueOf(ref);
    if (!ref || v === null || v === undefined) return this.unsupported(call, "hashes an element a deidc expression cannot read");
    const { length, clamped } = this.hashLength(call.args[1]);
    this.keyedHashNote(call, clamped);
    return this.requirePresent(ref, [{ kind: "expr", expr: `hash(${this.env.draft.key()}, ${v}, ${length})` }]);
  }

  private hashname(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    const v = ref && this.valueOf(ref);
    if (!ref || v === null || v === undefined) return this.unsupported(call, "hashes an element a deidc expression cannot read");
    if (call.args.length > 2) return this.unsupported(call, "hashes only the first words of a name, which the language cannot select");
    const raw = this.param(call.args[1] ?? "") ?? "";
    const length = /^[+-]?\d+$/.test(raw.trim()) ? Math.min(MAX_HASH_LENGTH, Math.max(1, parseInt(raw.trim(), 10))) : 4;
    this.keyedHashNote(call, false);
    this.note(ImportCode.notExpressible, `\`${callText(call)}\` hashes the name after removing spaces, commas, apostrophes and dots; the import hashes the upper-cased name as it is, so names spelled with different punctuation get different pseudonyms`);
    return one([{ kind: "expr", expr: `hash(${this.env.draft.key()}, upper(${v}), ${length})` }]);
  }

  private hashptid(call: CtpCall): Alternative[] {
    if (call.args.length < 2) return one([{ kind: "text", text: `(${call.args.join(",")})` }]);
    const site = (this.param(call.args[0] ?? "") ?? "").trim();
    const ref = this.reference(call, call.args[1] ?? "");
    const v = ref && this.valueOf(ref);
    if (!ref || v === null || v === undefined) return this.unsupported(call, "hashes an element a deidc expression cannot read");
    const { length, clamped } = this.hashLength(call.args[2]);
    this.keyedHashNote(call, clamped);
    return one([{ kind: "expr", expr: `hash(${this.env.draft.key()}, ${quote(`[${site}]`)} + ${v}, ${length})` }]);
  }

  private hashuid(call: CtpCall): Alternative[] {
    if (call.args.length < 2) return one([{ kind: "text", text: `(${call.args.join(",")})` }]);
    const ref = this.reference(call, call.args[1] ?? "");
    if (!ref) return this.unsupported(call, "hashes an element CTP cannot find");
    if (ref.kind !== "this") return this.unsupported(call, "derives this UID from another element's value; deidc's `U` replaces an element's own UID");
    if (!this.target.isPrivate && !this.target.vrs.includes("UI") && !this.target.vrs.includes("SQ")) {
      return this.unsupported(call, `writes a UID into ${this.target.label}, which is not a UID (VR ${this.target.vrs.join("/")})`);
    }
    if (call.args.length > 2) this.note(ImportCode.notExpressible, `\`${callText(call)}\` mixes a third element's replacement into the hash; deidc's \`U\` depends on the UID alone`);
    const root = this.param(call.args[0] ?? "") ?? "";
    this.note(
      ImportCode.keyedUid,
      `\`@hashuid\` appends an unkeyed MD5 of the UID to the root \`${root}\`; deidc's \`U\` writes \`2.25.\` and a keyed HMAC of the UID, consistent across files and runs with the same key`,
      "UIDs still match across a study; they differ from the ones CTP wrote",
    );
    return one([{ kind: "action", action: "U" }]);
  }

  private isTextTarget(): boolean {
    return this.target.isPrivate || this.target.vrs.some((v) => TEXT_VRS.has(v));
  }

  private isDateTarget(): boolean {
    return this.target.vrs.includes("DA") || this.target.vrs.includes("DT");
  }

  private hashdate(call: CtpCall): Alternative[] {
    const dateRef = this.reference(call, call.args[0] ?? "");
    const keyRef = this.reference(call, call.args[1] ?? "");
    if (!dateRef || dateRef.kind !== "this") return this.unsupported(call, "shifts another element's date; `shift` moves the element's own date");
    const keyValue = keyRef && this.valueOf(keyRef);
    if (!keyRef || keyValue === null || keyValue === undefined) return this.unsupported(call, "derives the shift from an element a deidc expression cannot read");
    if (!this.isDateTarget()) return this.unsupported(call, `shifts a date, but ${this.target.label} is ${this.target.vrs.join("/")}; CTP empties it`, "empty");
    this.note(
      ImportCode.keyedHash,
      `\`@hashdate\` derives a shift of up to 10 years back from an unkeyed MD5 of \`${call.args[1]}\`; deidc's \`days\` derives it from a keyed HMAC, in the same range`,
    );
    return one([{ kind: "action", action: `shift(days(${this.env.draft.key()}, ${keyValue}, -3649 .. 0))` }]);
  }

  private incrementdate(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    if (!ref || ref.kind !== "this") return this.unsupported(call, "shifts another element's date; `shift` moves the element's own date");
    const raw = (call.args[1] ?? "").trim();
    const isParam = raw.startsWith("@") || raw.startsWith("$");
    const value = isParam ? this.env.params.get(raw.slice(1)) : raw;
    // CTP parses the increment with Long.parseLong: an optional sign and digits, nothing else (not even spaces).
    if (value === undefined || !/^[+-]?\d+$/.test(value)) {
      const shown = value === undefined ? "is not defined" : `is \`${value}\`, not a whole number`;
      this.note(
        ImportCode.nonNumericParameter,
        `the increment of \`${callText(call)}\` ${shown}; CTP cannot parse it and empties ${this.target.label}, and so does the import`,
        "give the parameter a whole number of days, e.g. `<p t=\"DATEINC\">-365</p>`",
      );
      return one([{ kind: "unsupported", fallback: "empty", comment: `${callText(call)}: the increment is not a number; emptied, as CTP does` }]);
    }
    if (!this.isDateTarget()) return this.unsupported(call, `shifts a date, but ${this.target.label} is ${this.target.vrs.join("/")}; CTP empties it`, "empty");
    const days = parseInt(value, 10);
    if (!isParam) return one([{ kind: "action", action: `shift(${days})` }]);
    const name = this.env.draft.param(parameterName(raw.slice(1)), "number", String(days));
    return one([{ kind: "action", action: `shift(${name})` }]);
  }

  private modifydate(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    if (!ref || ref.kind !== "this") return this.unsupported(call, "changes another element's date");
    const field = (i: number): number | null => {
      const v = (this.param(call.args[i] ?? "") ?? "").trim();
      return /^[+-]?\d+$/.test(v) ? parseInt(v, 10) : null;
    };
    const [year, month, day] = [field(1), field(2), field(3)];
    if (!this.isDateTarget()) return this.unsupported(call, `changes a date, but ${this.target.label} is ${this.target.vrs.join("/")}`, "empty");
    if (year === null && month === 1 && day === 1) return one([{ kind: "action", action: "coarsen(year)" }]);
    if (year === null && month === null && day === 1) return one([{ kind: "action", action: "coarsen(month)" }]);
    if (year === null && month === null && day === null) return one([{ kind: "text", text: "@keep()" }]);
    return this.unsupported(call, "sets date fields to fixed values; deidc coarsens to the year (`*,1,1`) or the month (`*,*,1`) only");
  }

  private integer(call: CtpCall): Alternative[] {
    const ref = this.reference(call, call.args[0] ?? "");
    const v = ref && this.valueOf(ref);
    if (!ref || v === null || v === undefined) return this.unsupported(call, "numbers an element a deidc expression cannot read");
    const width = /^\d+$/.test((call.args[2] ?? "").trim()) ? parseInt((call.args[2] ?? "").trim(), 10) : 0;
    const length = Math.min(MAX_HASH_LENGTH, Math.max(8, width));
    this.note(
      ImportCode.notExpressible,
      `\`${callText(call)}\` numbers values in the order objects arrive, which depends on the order of the run and needs a shared counter; deidc does not number on purpose and writes a keyed hash instead`,
      "use `lookup(\"table.csv\", value) else ...` when the pseudonyms must be sequential numbers",
    );
    return this.requirePresent(ref, [{ kind: "expr", expr: `hash(${this.env.draft.key()}, ${v}, ${length})` }]);
  }

  private lookup(call: CtpCall): Alternative[] {
    const names = (call.args[0] ?? "").split("|");
    // CTP looks up `keytype/value`: the key type is the table's first key column.
    const keyType = arg(call, 1).trim();
    const keys: string[] = [quote(keyType)];
    this.env.usesKeyType(keyType);
    for (const n of names) {
      const ref = this.reference(call, n);
      const v = ref && this.valueOf(ref);
      if (!ref || v === null || v === undefined) return this.unsupported(call, "looks up an element a deidc expression cannot read");
      keys.push(v);
    }
    const table = this.env.lookupTable;
    const lookupOf = (otherwise: string): string => `lookup(${quote(table)}, ${keys.join(", ")}) else ${otherwise}`;
    const onMiss = arg(call, 2);
    const missNote = (): void => {
      if (LANGUAGE_FEATURES.quarantineOnLookupMiss) return;
      this.note(
        ImportCode.lookupMiss,
        `when a key is missing from the lookup table, \`${callText(call)}\` quarantines the object; a deidc \`lookup\` cannot quarantine, so the import removes the element on a miss`,
        "make sure the table holds every key before running (CTP's LookupTableChecker stage does the same check), or add a third argument such as `keep` or `remove` to say what a miss does",
      );
    };
    const onMissDefault = LANGUAGE_FEATURES.quarantineOnLookupMiss ? "quarantine" : "remove";
    switch (onMiss) {
      case "keep":
        return one([{ kind: "action", action: lookupOf("keep") }]);
      case "remove":
        return one([{ kind: "action", action: lookupOf("remove") }]);
      case "empty":
        return one([{ kind: "action", action: lookupOf("empty") }]);
      case "default":
        if (call.args.length > 3) {
          const fallback = arg(call, 3);
          const problem = literalProblem(this.target.vrs, fallback);
          if (problem === null) return one([{ kind: "action", action: lookupOf(quote(fallback)) }]);
        }
        break;
      case "ignore":
        if (call.args.length > 3 && keys.length === 2) {
          const pattern = regexLiteral(`^(?:${arg(call, 3)})$`);
          if (pattern !== null) {
            missNote();
            return [
              { conditions: [`${keys[1]} ~ ${pattern}`], depth: null, parts: [{ kind: "action", action: lookupOf("keep") }] },
              { conditions: [`${keys[1]} !~ ${pattern}`], depth: null, parts: [{ kind: "action", action: lookupOf(onMissDefault) }] },
            ];
          }
        }
        break;
    }
    missNote();
    return one([{ kind: "action", action: lookupOf(onMissDefault) }]);
  }

  private ifFn(call: CtpCall): Alternative[] {
    const condition = this.condition(call);
    const whenTrue = condition === false ? [] : this.evaluate(call.trueCode);
    const whenFalse = condition === true ? [] : this.evaluate(call.falseCode);
    if (condition === true) return whenTrue;
    if (condition === false) return whenFalse;
    if (condition === null) {
      return one([{ kind: "unsupported", fallback: "remove", comment: `${callText(call)}: the condition cannot be expressed; removed instead` }]);
    }
    return [
      ...whenTrue.map((a) => ({ ...a, conditions: [condition, ...a.conditions] })),
      ...whenFalse.map((a) => ({ ...a, conditions: [negate(condition), ...a.conditions] })),
    ];
  }

  /** The condition of an `@if` as a deidc expression; true/false when it is constant; null when it cannot be written. */
  private condition(call: CtpCall): string | boolean | null {
    if (call.args.length < 2) return false;
    const ref = this.reference(call, arg(call, 0));
    if (!ref) return null;
    const test = call.args[1] ?? "";
    const v = this.valueOf(ref);
    const operand = this.param(call.args[2] ?? "") ?? "";
    const third = call.args.length >= 3 ? unquote(operand) : null;
    const cannot = (why: string): null => {
      this.note(ImportCode.notExpressible, `the condition of \`${callText(call)}\` ${why}; the import removes ${this.target.label} instead`);
      return null;
    };
    switch (test) {
      case "exists":
        if (ref.kind === "this") return true;
        if (ref.kind === "private") return cannot("tests a private element, which deidc conditions cannot read");
        return `exists(${ref.text})`;
      case "isblank":
        if (v === null) return cannot("tests a private element, which deidc conditions cannot read");
        return ref.kind === "this" ? `${THIS_VALUE} ~ /^\\s*$/` : `empty(${v})`;
      case "contains":
      case "equals":
      case "matches": {
        if (third === null) return false;
        if (v === null) return cannot("tests a private element, which deidc conditions cannot read");
        if (test === "contains") return third === "" ? true : `lower(${v}) ~ ${regexLiteral(escapeRegexText(third.toLowerCase()))}`;
        if (test === "equals") return `lower(${v}) == ${quote(third.toLowerCase())}`;
        const pattern = regexLiteral(`^(?:${third.trim()})$`);
        return pattern === null ? cannot("uses a Java regular expression JavaScript cannot compile") : `${v} ~ ${pattern}`;
      }
      case "greaterthan":
        return cannot("compares the digits of a value as a number, which the language cannot extract");
      default:
        this.note(ImportCode.noEffect, `\`${test}\` is not a test CTP knows, so CTP always takes the false clause of \`${callText(call)}\`, and so does the import`, "CTP's tests are exists, isblank, contains, equals, matches and greaterthan");
        return false;
    }
  }

  /** Turns the evaluated alternatives into rules and filters. */
  finish(alternatives: Alternative[], always: boolean): ElementTranslation {
    const rules: TranslatedRule[] = [];
    const filters: TranslatedFilter[] = [];
    for (const alternative of alternatives) {
      const outcome = this.outcome(alternative.parts);
      if (outcome.kind === "filter") {
        const filter = this.filterFor(alternative, outcome);
        if (filter) {
          filters.push(filter);
          continue;
        }
        rules.push({ rootOnly: alternative.depth === "root", action: "remove", when: conjunction(alternative.conditions) });
        continue;
      }
      rules.push({ rootOnly: alternative.depth === "root", action: outcome.action, when: conjunction(alternative.conditions) });
    }
    const own = (text: string | null): string | null => (text === null ? null : text.split(THIS_VALUE).join("value"));
    const finished = simplify(rules).map((r) => ({ ...r, action: own(r.action)!, when: own(r.when) }));
    return { rules: finished, filters, notes: this.notes, comments: this.comments, always };
  }

  /**
   * A quarantine or skip as a filter. CTP runs the script only for elements
   * the object has, at the top level unless a sequence is `@process`ed; a
   * filter reads the top-level attributes, so it needs the element present
   * and standard. Otherwise the element is removed (with a finding).
   */
  private filterFor(alternative: Alternative, outcome: { outcome: "quarantine" | "skip"; because: string }): TranslatedFilter | null {
    const verb = outcome.outcome === "quarantine" ? "quarantines" : "skips";
    if (this.target.isPrivate || this.target.tag === null || alternative.depth === "nested") {
      this.note(ImportCode.notExpressible, `CTP ${verb} the object from the script of ${this.target.label}, which a deidc filter cannot test; the import removes the element instead`);
      return null;
    }
    const conditions = [`exists(${this.target.selector})`, ...alternative.conditions.map((c) => c.split(THIS_VALUE).join(this.target.selector))];
    return { outcome: outcome.outcome, when: conjunction(conditions)!, because: outcome.because };
  }

  /** What CTP does with the element for one alternative. */
  private outcome(parts: Part[]): { kind: "action"; action: string } | { kind: "filter"; outcome: "quarantine" | "skip"; because: string } {
    const filter = parts.find((p): p is Extract<Part, { kind: "filter" }> => p.kind === "filter");
    if (filter) return { kind: "filter", outcome: filter.outcome, because: filter.because };
    const unsupported = parts.find((p): p is Extract<Part, { kind: "unsupported" }> => p.kind === "unsupported");
    if (unsupported) {
      if (!this.comments.includes(unsupported.comment)) this.comments.push(unsupported.comment);
      return { kind: "action", action: unsupported.fallback };
    }
    const texts = parts.filter((p): p is Extract<Part, { kind: "text" }> => p.kind === "text").map((p) => p.text);
    if (texts.some((t) => t.includes("@remove()"))) return { kind: "action", action: "remove" };

    // Merge neighbouring texts, then trim the ends as CTP trims the value.
    const merged: Part[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if (p.kind === "text" && last?.kind === "text") merged[merged.length - 1] = { kind: "text", text: last.text + p.text };
      else merged.push(p);
    }
    const first = merged[0];
    if (first?.kind === "text") merged[0] = { kind: "text", text: first.text.replace(/^[\u0000-\u0020]+/, "") };
    const lastIndex = merged.length - 1;
    const last = merged[lastIndex];
    if (last?.kind === "text") merged[lastIndex] = { kind: "text", text: last.text.replace(/[\u0000-\u0020]+$/, "") };
    const meaningful = merged.filter((p) => !(p.kind === "text" && p.text === ""));

    if (meaningful.length === 0) return { kind: "action", action: "empty" };
    const head = meaningful[0]!;
    if (head.kind === "text" && head.text.startsWith("@blank(")) return { kind: "action", action: "empty" };
    if (meaningful.length === 1) {
      if (head.kind === "action") return { kind: "action", action: head.action };
      if (head.kind === "expr") return this.setExpression(head.expr);
      if (head.kind === "text") {
        if (head.text === "@keep()") return { kind: "action", action: "keep" };
        if (head.text === "@empty()") return { kind: "action", action: "empty" };
        return this.setLiteral(head.text);
      }
    }
    if (meaningful.some((p) => p.kind === "action")) {
      const comment = "the script joins a whole-element action (UID, date shift, lookup or regular-expression edit) with other text; removed instead";
      this.note(ImportCode.notExpressible, `the script of ${this.target.label} joins a whole-element action with other text, which deidc cannot combine; the import removes the element instead`);
      if (!this.comments.includes(comment)) this.comments.push(comment);
      return { kind: "action", action: "remove" };
    }
    const pieces = meaningful.map((p) => (p.kind === "text" ? quote(p.text) : p.kind === "expr" ? p.expr : ""));
    return this.setExpression(pieces.join(" + "));
  }

  private setLiteral(text: string): { kind: "action"; action: string } {
    const problem = literalProblem(this.target.isPrivate ? ["UN"] : this.target.vrs, text);
    if (problem === null) return { kind: "action", action: quote(text) };
    const comment = `CTP writes "${text}", which is not a valid value (${problem}); removed instead`;
    this.note(ImportCode.notExpressible, `the script writes \`${text}\` into ${this.target.label}, which is not a valid value (${problem}); the import removes the element instead`);
    if (!this.comments.includes(comment)) this.comments.push(comment);
    return { kind: "action", action: "remove" };
  }

  private setExpression(expr: string): { kind: "action"; action: string } {
    if (this.target.vrs.includes("SQ")) {
      const comment = "the script writes a value into a sequence; removed instead";
      this.note(ImportCode.notExpressible, `the script writes a value into ${this.target.label}, a sequence; the import removes it instead`);
      if (!this.comments.includes(comment)) this.comments.push(comment);
      return { kind: "action", action: "remove" };
    }
    return { kind: "action", action: expr };
  }
}

function one(parts: Part[]): Alternative[] {
  return [{ conditions: [], depth: null, parts }];
}

function arg(call: CtpCall, i: number): string {
  return unquote(call.args[i] ?? "");
}

/** Every pairing of the alternatives so far with those of the next segment (depths must agree). */
function combine(before: Alternative[], next: Alternative[]): Alternative[] {
  const out: Alternative[] = [];
  for (const a of before) {
    for (const b of next) {
      if (a.depth !== null && b.depth !== null && a.depth !== b.depth) continue;
      out.push({ conditions: [...a.conditions, ...b.conditions], depth: a.depth ?? b.depth, parts: [...a.parts, ...b.parts] });
    }
  }
  return out;
}

function negate(condition: string): string {
  return `not (${condition})`;
}

function conjunction(conditions: readonly string[]): string | null {
  if (conditions.length === 0) return null;
  return conditions.map((c) => (/ or /.test(c) && !/^not \(/.test(c) ? `(${c})` : c)).join(" and ");
}

/**
 * The rules of one element, fewest conditions first: alternatives are
 * mutually exclusive, so an alternative with the same action as the last one
 * adds nothing, and the last rule of each depth needs no condition.
 */
function simplify(rules: TranslatedRule[]): TranslatedRule[] {
  const out: TranslatedRule[] = [];
  for (const rootOnly of [true, false]) {
    const group = rules.filter((r) => r.rootOnly === rootOnly);
    if (group.length === 0) continue;
    // The unanchored group decides whatever the anchored one leaves, so its last rule is the fallback;
    // the anchored group has one only when no unanchored rule follows it.
    const hasFallback = !rootOnly || !rules.some((r) => !r.rootOnly);
    if (!hasFallback) {
      out.push(...group);
      continue;
    }
    const last = group[group.length - 1]!;
    const kept = group.filter((r, i) => i === group.length - 1 || r.action !== last.action);
    kept[kept.length - 1] = { ...kept[kept.length - 1]!, when: null };
    out.push(...kept);
  }
  return out;
}
