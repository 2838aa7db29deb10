// How to write a comparison with an attribute whose values are text in a
// fixed form (AS ages, DA dates, TM times, DT date-times), so that it
// compares what was meant. Comparisons of text are character by character
// (runtime/executor/expr.ts, `compare`): right for dates and times written
// in full with their leading zeros, wrong for ages, whose unit varies
// ("100M", eight years, sorts after "089Y"). An age is read in years only by
// `capAge`, which counts months, weeks and days as fractions of a year and
// gives `limit + 1` years to any age above `limit`: `capAge(A, n) == "(n+1)Y"`
// holds exactly for ages over n years, and an age of at most n years comes
// back as it was, normalized ("18Y" as "018Y").

/** The comparisons whose order matters. */
export const ORDERED_OPS: ReadonlySet<string> = new Set(["<", "<=", ">", ">="]);

/** The operator that reads the same with its sides swapped (`5 < A` is `A > 5`). */
export function flipped(op: string): string {
  return op === "<" ? ">" : op === ">" ? "<" : op === "<=" ? ">=" : op === ">=" ? "<=" : op;
}

const AGE_UNITS: readonly [string, number][] = [
  ["Y", 365.25],
  ["M", 365.25 / 12],
  ["W", 7],
  ["D", 1],
];

function age(count: number, unit: string): string {
  return `${String(count).padStart(3, "0")}${unit}`;
}

/** Every AS spelling of exactly `years` years ("018Y", "216M"), as capAge leaves them. */
function exactly(years: number): string[] {
  const out: string[] = [];
  for (const [unit, days] of AGE_UNITS) {
    const count = (years * 365.25) / days;
    if (Number.isInteger(count) && count <= 999) out.push(age(count, unit));
  }
  return out;
}

/**
 * A condition on the age attribute `name` that holds exactly when `name op years` would, read in
 * years whatever the age's unit; null when none can be written (a fraction, an age above 998 years).
 */
export function ageCondition(name: string, op: string, years: number): string | null {
  if (!Number.isInteger(years) || years < 0 || years > 998) return null;
  const cap = `capAge(${name}, ${years})`;
  const over = `"${age(years + 1, "Y")}"`;
  const atLeast = `[${[over, ...exactly(years).map((a) => `"${a}"`)].join(", ")}]`;
  const list = `[${exactly(years).map((a) => `"${a}"`).join(", ")}]`;
  switch (op) {
    case ">":
      return `${cap} == ${over}`;
    case "<=":
      return `${cap} != "" and ${cap} != ${over}`;
    case ">=":
      return `${cap} in ${atLeast}`;
    case "<":
      return `${cap} != "" and not (${cap} in ${atLeast})`;
    case "==":
      return `${cap} in ${list}`;
    case "!=":
      return `${cap} != "" and not (${cap} in ${list})`;
    default:
      return null;
  }
}

function describeAgeTest(op: string, years: number): string {
  const unit = years === 1 ? "year" : "years";
  switch (op) {
    case ">":
      return `over ${years} ${unit}`;
    case ">=":
      return `${years} ${unit} or more`;
    case "<":
      return `under ${years} ${unit}`;
    case "<=":
      return `${years} ${unit} or less`;
    case "==":
      return `exactly ${years} ${unit}`;
    default:
      return `not exactly ${years} ${unit}`;
  }
}

/** The help for an age attribute compared as `name op years`: the capAge condition that means it. */
export function ageHelp(name: string, op: string, years: number): string {
  const start = `\`${name}\` is an age with a unit ("093Y", "006M"), compared as text`;
  if ((op === "==" || op === "!=") && Number.isInteger(years) && years >= 0 && years <= 999) {
    const exact = ageCondition(name, op, years);
    // The same age in months, where AS can write it (999M at most: 83 years): what the text comparison misses.
    const inMonths = years * 12 <= 999 ? ` (not "${age(years * 12, "M")}")` : "";
    return `${start}; \`${name} ${op} "${age(years, "Y")}"\` compares the age as written in years${inMonths}${exact ? `; ${describeAgeTest(op, years)}, whatever the unit: \`${exact}\`` : ""}`;
  }
  const condition = ageCondition(name, op, years);
  if (condition === null) return `${start}; \`capAge(${name}, n)\` reads it in years: \`capAge(${name}, 89) == "090Y"\` holds for ages over 89 years, whatever the unit`;
  return `${start}; ${describeAgeTest(op, years)}, whatever the unit: \`${condition}\``;
}

export const AS_VALUE = /^[0-9]{3}[DWMY]$/;
export const DA_VALUE = /^[0-9]{8}$/;
export const TM_VALUE = /^[0-9]{2}([0-9]{2}([0-9]{2}(\.[0-9]{1,6})?)?)?$/;
export const DT_VALUE = /^[0-9]{4}([0-9]{2}([0-9]{2}([0-9]{2}([0-9]{2}([0-9]{2}(\.[0-9]{1,6})?)?)?)?)?)?([+-][0-9]{4})?$/;
