// The pure functions of the expression language (src/check/types.ts FUNCTIONS
// lists their signatures): text tests for conditions and value builders for
// actions. The interpreter (expr.ts) and generated plans (src/codegen) call
// these same functions, so `deidc run` and a compiled bundle cannot disagree.
//
// Like every operator, they never throw: an absent attribute (undefined)
// makes a test false and a value empty.

import type { Value } from "./expr";

function text(v: Value): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map((x) => text(x) ?? "").join("\\");
  return undefined;
}

function whole(v: Value): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v.trim()) : NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** `startsWith(a, b)`: false when either side is absent. */
export function startsWith(a: Value, b: Value): boolean {
  const s = text(a);
  const t = text(b);
  return s !== undefined && t !== undefined && s.startsWith(t);
}

export function endsWith(a: Value, b: Value): boolean {
  const s = text(a);
  const t = text(b);
  return s !== undefined && t !== undefined && s.endsWith(t);
}

/** `includes(a, b)`: `b` is a substring of `a`. */
export function includes(a: Value, b: Value): boolean {
  const s = text(a);
  const t = text(b);
  return s !== undefined && t !== undefined && s.includes(t);
}

export function equalsIgnoreCase(a: Value, b: Value): boolean {
  const s = text(a);
  const t = text(b);
  return s !== undefined && t !== undefined && s.toUpperCase() === t.toUpperCase();
}

/** The anchored twin of each pattern, built once: `matches` runs per object. */
const anchored = new WeakMap<RegExp, RegExp>();

/** `matches(a, /re/)`: the whole value matches (`~` is the partial match). */
export function matchesWhole(a: Value, re: Value): boolean {
  const s = text(a);
  if (s === undefined || !(re instanceof RegExp)) return false;
  let full = anchored.get(re);
  if (full === undefined) {
    full = new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gym]/g, ""));
    anchored.set(re, full);
  }
  return full.test(s);
}

/** `truncate(v, n)`: the first n characters (code points, so a surrogate pair is never split). */
export function truncate(v: Value, n: Value): string {
  const s = text(v) ?? "";
  const count = Math.max(0, whole(n) ?? 0);
  if (s.length <= count) return s;
  return Array.from(s).slice(0, count).join("");
}

/**
 * `initials(v)`: the first letter of each component of a person name, upper
 * case: "DOE^JOHN^Q" -> "DJQ". Only the alphabetic group is read (the text
 * before the first `=`); each value of a multi-valued name gives its own initials.
 */
export function initials(v: Value): string {
  const s = text(v);
  if (s === undefined) return "";
  return s
    .split("\\")
    .map((name) => {
      let out = "";
      for (const component of (name.split("=")[0] ?? "").split("^")) {
        const first = Array.from(component.trim())[0];
        if (first !== undefined) out += first.toUpperCase();
      }
      return out;
    })
    .join("\\");
}

/** `format("{}-{}", a, b)`: each `{}` replaced by the next argument's text (absent: empty). */
export function format(template: Value, ...args: Value[]): string {
  const t = text(template) ?? "";
  let next = 0;
  return t.replace(/\{\}/g, () => text(args[next++]) ?? "");
}

const AGE = /^\s*(\d{1,3})\s*([DWMY])\s*$/;
const DAYS_PER_UNIT: Readonly<Record<string, number>> = { D: 1, W: 7, M: 365.25 / 12, Y: 365.25 };

function ageText(n: number, unit: string): string {
  return `${String(n).padStart(3, "0")}${unit}`;
}

/**
 * `ageBand(v, width)`: an AS age to the lower bound of its band of `width`,
 * in the age's own unit: ageBand("047Y", 5) is "045Y". A value that is not an
 * AS age becomes empty, so nothing unparsed passes through; a width below 1
 * leaves the age as it is.
 */
export function ageBand(v: Value, width: Value): string {
  const s = text(v);
  if (s === undefined) return "";
  const m = AGE.exec(s);
  if (m === null) return "";
  const w = whole(width) ?? 0;
  const n = Number(m[1]);
  return ageText(w >= 1 ? Math.floor(n / w) * w : n, m[2]!);
}

/**
 * `capAge(v, limit)`: an AS age above `limit` years becomes limit + 1 years
 * (HIPAA's "90 or older": capAge(age, 89) turns "093Y" into "090Y"); other
 * ages stay as they are, in their own unit. Not an AS age: empty.
 */
export function capAge(v: Value, limit: Value): string {
  const s = text(v);
  if (s === undefined) return "";
  const m = AGE.exec(s);
  if (m === null) return "";
  const n = Number(m[1]);
  const unit = m[2]!;
  const cap = whole(limit);
  if (cap === undefined) return ageText(n, unit);
  const years = (n * DAYS_PER_UNIT[unit]!) / DAYS_PER_UNIT.Y!;
  return years > cap ? ageText(Math.min(cap + 1, 999), "Y") : ageText(n, unit);
}

/** Every pure function by its name in the language. */
export const PURE_FUNCTIONS = {
  startsWith,
  endsWith,
  includes,
  matches: matchesWhole,
  equalsIgnoreCase,
  truncate,
  initials,
  format,
  ageBand,
  capAge,
} as const satisfies Record<string, (...args: Value[]) => Value>;

export type PureFunction = keyof typeof PURE_FUNCTIONS;

export function isPureFunction(name: string): name is PureFunction {
  return Object.prototype.hasOwnProperty.call(PURE_FUNCTIONS, name);
}
