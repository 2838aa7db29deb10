// DicomEdit functions inside an assignment's value: those that map onto a
// whole-element action (hashUID, the date shifts, replace, substring,
// lookup, ...), and the object failures DicomEdit's functions cause, which
// the import turns into quarantine filters.

import { ImportCode } from "../codes";
import { attributeText, escapeRegexText, quote, regexLiteral } from "../syntax";
import { valueExpression } from "./expressions";
import { type DeSelector, readableTag, selectorOf } from "./paths";
import type { DeStatement, DeValue } from "./script";
import { conjoin, type Translation } from "./translation";

/** Functions that throw when their attribute argument is absent (the object then fails in DicomEdit). */
const FAILS_ON_ABSENT = new Set(["lowercase", "uppercase", "shiftDateByIncrement", "shiftDateTimeByIncrement"]);

/**
 * Functions that act on the element's own value and map onto a whole-element
 * action: `x := hashUID[x]` is `U`, `x := shiftDateByIncrement[x, n]` is
 * `shift(n)`. Returns the action, null when the statement was handled
 * otherwise (a finding made), or undefined when the call is an ordinary value.
 */
export function ownValueAction(translation: Translation, call: Extract<DeValue, { kind: "call" }>, sel: DeSelector, s: DeStatement, guard: string[]): string | null | undefined {
  const isOwn = (a: DeValue | undefined): boolean => a?.kind === "tag" && selectorOf(a.path).ok && (selectorOf(a.path) as { value: DeSelector }).value.selector === sel.selector;
  const number = (a: DeValue | undefined): number | null => {
    const t = a ? translation.literalOf(a) : null;
    return t !== null && /^[+-]?\d+$/.test(t.trim()) ? parseInt(t.trim(), 10) : null;
  };
  switch (call.name) {
    case "hashUID":
      if (!isOwn(call.args[0])) {
        translation.unsupported(s, guard, "hashes another element's value into a UID; deidc's `U` hashes the element's own UID", sel);
        return null;
      }
      translation.note(s, ImportCode.keyedUid, "DicomEdit's hashUID is an unkeyed name-based UUID under 2.25; the import writes `U`, deidc's keyed 2.25 UID, the same for the same UID in every file");
      return "U";
    case "new UID":
    case "newUID":
      translation.note(s, ImportCode.keyedUid, "a new random UID for each object breaks the links between objects; the import writes `U`, deidc's keyed 2.25 UID of the element's own UID");
      return "U";
    case "shiftDateByIncrement":
    case "shiftDateTimeByIncrement": {
      if (!isOwn(call.args[0])) {
        translation.unsupported(s, guard, "shifts another element's date; deidc's `shift` moves the element's own date", sel);
        return null;
      }
      const n = number(call.args[1]);
      if (n === null) {
        translation.note(s, ImportCode.nonNumericParameter, `the increment of \`${call.text}\` is not a whole number, so DicomEdit fails on every object that has the element; the import quarantines them`);
        translation.timeline.push({ kind: "filter", when: conjoin([...guard, `exists(${sel.selector})`]), because: `DicomEdit cannot shift ${sel.selector} by a non-number`, origin: translation.origin(s) });
        return null;
      }
      // shiftDateByIncrement accepts only a DA attribute (and shiftDateTimeByIncrement DA or DT); on any other it fails.
      const accepted = call.name === "shiftDateByIncrement" ? ["DA"] : ["DA", "DT"];
      if (sel.tag !== null && !sel.vrs.some((vr) => accepted.includes(vr))) {
        translation.note(s, ImportCode.objectFails, `\`${call.name}\` fails in DicomEdit on an attribute whose VR is not ${accepted.join(" or ")}, as ${sel.selector} is (${sel.vrs.join("/")}), so XNAT rejects every object it runs on; the import quarantines them`);
        translation.timeline.push({ kind: "filter", when: conjoin(guard), because: `DicomEdit's ${call.name} fails on ${sel.selector}`, origin: translation.origin(s) });
        return null;
      }
      const unit = call.name === "shiftDateByIncrement" ? "days" : (translation.literalOf(call.args[2] ?? { kind: "string", text: "seconds" }) ?? "seconds").toLowerCase();
      let days: number | null = null;
      if (unit === "days" || unit === "day") days = n;
      else if ((unit === "seconds" || unit === "second") && n % 86400 === 0) days = n / 86400;
      else if ((unit === "hours" || unit === "hour") && n % 24 === 0) days = n / 24;
      if (days === null) {
        translation.unsupported(s, guard, `moves the date by ${n} ${unit}, not a whole number of days, which deidc's \`shift\` cannot do`, sel);
        return null;
      }
      quarantineAbsentArguments(translation, call, s, guard);
      return `shift(${days})`;
    }
    case "replace": {
      if (!isOwn(call.args[0])) return undefined;
      const from = call.args[1] ? translation.literalOf(call.args[1]) : null;
      const to = call.args[2] ? translation.literalOf(call.args[2]) : null;
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
        translation.timeline.push({ kind: "filter", when: conjoin([...guard, `not (${name} ~ /^[\\s\\S]{${b}}/)`]), because: `DicomEdit's substring fails on ${name} absent or shorter than ${b} characters`, origin: translation.origin(s) });
        translation.note(s, ImportCode.objectFails, `\`${call.text}\` fails in DicomEdit when the value is absent or shorter than ${b} characters, and XNAT then rejects the object; the import quarantines such objects`);
      }
      return `replace(/^[\\s\\S]{${a}}([\\s\\S]{${b - a}})[\\s\\S]*$/, "$1")`;
    }
    case "getURL":
      translation.unsupported(s, guard, "writes a value DicomEdit fetches from a web service while it runs", sel);
      return null;
    case "lookup": {
      const keyType = call.args[0] ? translation.literalOf(call.args[0]) : null;
      const key = call.args[1] && call.args.length === 2 ? valueExpression(translation, call.args[1], s, { guard, atRoot: sel.selector.startsWith("/") && !sel.selector.slice(1).includes("/") }, "value") : null;
      if (keyType === null || !key?.ok) return undefined;
      if (!translation.lookupNoted) {
        translation.lookupNoted = true;
        translation.note(s, ImportCode.lookupTableFormat, `DicomEdit's lookup table holds \`keytype/key = value\` lines; deidc reads \`${translation.options.lookupTable}\`, a CSV file of \`keytype,key,value\` rows`, "write one `keytype,key,value` row per line of the DicomEdit table");
      }
      // DicomEdit writes the table's value, or no value (an empty element) when the key is missing.
      return `lookup(${quote(translation.options.lookupTable)}, ${quote(keyType)}, ${key.text}) else empty`;
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
      quarantineUnknownFunction(translation, call, s, guard);
      return null;
  }
}

export function quarantineUnknownFunction(translation: Translation, call: Extract<DeValue, { kind: "call" }>, s: DeStatement, guard: string[]): void {
  translation.note(s, ImportCode.unknownFunction, `DicomEdit has no function \`${call.name}\`, so it fails on every object this statement runs on; the import quarantines them`, "check the function's name against the DicomEdit 6 language reference");
  translation.timeline.push({ kind: "filter", when: conjoin(guard), because: `DicomEdit has no function ${call.name}`, origin: translation.origin(s) });
}

/** DicomEdit functions that throw on an absent attribute fail the object: quarantine it when the attribute is absent. */
export function quarantineAbsentArguments(translation: Translation, value: DeValue, s: DeStatement, guard: string[]): void {
  if (value.kind !== "call") return;
  for (const a of value.args) quarantineAbsentArguments(translation, a, s, guard);
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
  translation.timeline.push({ kind: "filter", when: conjoin([...guard, test]), because: `DicomEdit's ${value.name} fails on an object whose ${name} is ${what}`, origin: translation.origin(s) });
  translation.note(s, ImportCode.objectFails, `\`${value.name}\` fails in DicomEdit when ${arg.path.text} is ${what}, and XNAT then rejects the object; the import quarantines such objects`);
}
