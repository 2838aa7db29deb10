// Date actions: shift(days) and coarsen(year | month) on DA and DT values,
// and age (AS) coarsening. PS3.15 E.3.6 (Retain Longitudinal Temporal
// Information With Modified Dates Option) asks for dates modified so that
// intervals between them survive: every date of one patient is shifted by the
// same whole number of days, so times of day and time zones stay as they are.
//
// All arithmetic is on day numbers of the proleptic Gregorian calendar; no
// Date object and no local time zone is involved, so the result cannot depend
// on the machine's TZ setting or on daylight-saving transitions.
//
// A function returns null when a value cannot be processed (not a valid date,
// or shifted outside years 0000-9999); the caller then applies its fallback
// action and reports it. Error messages never quote a value.

const BACKSLASH = 0x5c;

// ---------------------------------------------------------------- calendar

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * The date of a day number, packed as year * 10000 + month * 100 + day (so a
 * date in years 0000-9999 reads as its YYYYMMDD digits). Packing avoids
 * allocating a tuple per value.
 */
export function civilFromDays(dayNumber: number): number {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10000 + month * 100 + day;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_LENGTHS[month - 1]!;
}

/** The value of `count` ASCII digits of `s` from `start`, or -1 if any is not a digit. */
function readDigits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    // NaN past the end of the string fails this test too
    const d = s.charCodeAt(i) - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Packed YYYYMMDD as 8 digits, or null outside years 0000-9999. */
function formatPacked(packed: number): string | null {
  if (packed < 0 || packed > 99991231) return null;
  return String(packed).padStart(8, "0");
}

/** Removes leading and trailing spaces (DA and DT padding, PS3.5 6.2). */
function trimSpaces(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) === 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) === 0x20) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Applies `fn` to each `\`-separated value; empty values stay empty; null if `fn` fails on any. */
function mapEachValue(value: string, fn: (single: string) => string | null): string | null {
  if (value.indexOf("\\") < 0) {
    const single = trimSpaces(value);
    return single === "" ? "" : fn(single);
  }
  const parts = value.split("\\");
  for (let i = 0; i < parts.length; i++) {
    const single = trimSpaces(parts[i]!);
    if (single === "") {
      parts[i] = "";
      continue;
    }
    const mapped = fn(single);
    if (mapped === null) return null;
    parts[i] = mapped;
  }
  return parts.join("\\");
}

function assertWholeDays(days: number): void {
  if (!Number.isSafeInteger(days)) throw new RangeError("date shift must be a whole number of days");
}

// ---------------------------------------------------------------- DA

/**
 * The day number of one DA value: `YYYYMMDD`, or the ACR-NEMA form
 * `YYYY.MM.DD` that PS3.5 still asks readers to accept. Null when the value
 * is not a valid date (day numbers may be negative, so there is no numeric
 * sentinel).
 */
export function parseDa(single: string): number | null {
  let year: number;
  let month: number;
  let day: number;
  if (single.length === 8) {
    year = readDigits(single, 0, 4);
    month = readDigits(single, 4, 2);
    day = readDigits(single, 6, 2);
  } else if (single.length === 10 && single.charCodeAt(4) === 0x2e && single.charCodeAt(7) === 0x2e) {
    year = readDigits(single, 0, 4);
    month = readDigits(single, 5, 2);
    day = readDigits(single, 8, 2);
  } else {
    return null;
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

/**
 * Shifts every date of a DA value (multi-valued with `\` allowed) by `days`.
 * Output is always `YYYYMMDD` (ACR-NEMA `YYYY.MM.DD` input is normalised).
 * Empty values stay empty. Null if any value is not a valid date or would
 * leave years 0000-9999.
 */
export function shiftDa(value: string, days: number): string | null {
  assertWholeDays(days);
  return mapEachValue(value, (single) => {
    const dayNumber = parseDa(single);
    return dayNumber === null ? null : formatPacked(civilFromDays(dayNumber + days));
  });
}

/** Keeps only the year (YYYY0101) or the month (YYYYMM01) of every date of a DA value; null if any is invalid. */
export function coarsenDa(value: string, unit: "year" | "month"): string | null {
  return mapEachValue(value, (single) => {
    const dayNumber = parseDa(single);
    if (dayNumber === null) return null;
    const packed = civilFromDays(dayNumber);
    const kept = unit === "year" ? Math.floor(packed / 10000) * 10000 + 101 : Math.floor(packed / 100) * 100 + 1;
    return formatPacked(kept);
  });
}

// ---------------------------------------------------------------- DT

/** A DT value split into its parts (PS3.5 Table 6.2-1, `YYYYMMDDHHMMSS.FFFFFF&ZZXX`). */
export interface ParsedDt {
  year: number;
  /** 1-12, or 0 when the value stops at the year */
  month: number;
  /** 1-31, or 0 when the value stops at the year or month */
  day: number;
  /** everything after the date digits and before the offset: `HHMMSS.FFFFFF` or a prefix of it, possibly "" */
  time: string;
  /** `&ZZXX` suffix, or "" */
  offset: string;
}

/**
 * Parses one DT value. Components may be omitted from the right (PS3.5
 * Table 6.2-1: `YYYY`, `YYYYMM`, ... each with an optional `&ZZXX` offset),
 * but a time needs the full date. Hours 00-23, minutes 00-59, seconds 00-60
 * (leap second), 1-6 fraction digits, offset hours 00-14 and minutes 00-59.
 */
export function parseDt(single: string): ParsedDt | null {
  let bodyEnd = single.length;
  let offset = "";
  for (let i = 4; i < single.length; i++) {
    const c = single.charCodeAt(i);
    if (c === 0x2b || c === 0x2d) {
      offset = single.slice(i);
      bodyEnd = i;
      if (offset.length !== 5) return null;
      const hours = readDigits(offset, 1, 2);
      const minutes = readDigits(offset, 3, 2);
      if (hours < 0 || hours > 14 || minutes < 0 || minutes > 59) return null;
      break;
    }
  }
  if (bodyEnd < 4) return null;
  const year = readDigits(single, 0, 4);
  if (year < 0) return null;
  let month = 0;
  let day = 0;
  if (bodyEnd === 4) return { year, month, day, time: "", offset };
  if (bodyEnd < 6) return null;
  month = readDigits(single, 4, 2);
  if (month < 1 || month > 12) return null;
  if (bodyEnd === 6) return { year, month, day, time: "", offset };
  if (bodyEnd < 8) return null;
  day = readDigits(single, 6, 2);
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (!isValidTimeText(single, 8, bodyEnd)) return null;
  return { year, month, day, time: single.slice(8, bodyEnd), offset };
}

/** `HH`, `HHMM`, `HHMMSS` or `HHMMSS.F{1,6}` (or nothing) between `start` and `end`. */
function isValidTimeText(s: string, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0) return true;
  if (length !== 2 && length !== 4 && length < 6) return false;
  const hours = readDigits(s, start, 2);
  if (hours < 0 || hours > 23) return false;
  if (length === 2) return true;
  const minutes = readDigits(s, start + 2, 2);
  if (minutes < 0 || minutes > 59) return false;
  if (length === 4) return true;
  const seconds = readDigits(s, start + 4, 2);
  if (seconds < 0 || seconds > 60) return false;
  if (length === 6) return true;
  const fractionDigits = length - 7;
  if (s.charCodeAt(start + 6) !== 0x2e || fractionDigits < 1 || fractionDigits > 6) return false;
  return readDigits(s, start + 7, fractionDigits) >= 0;
}

/**
 * Shifts the date of one parsed DT by `days`, keeping its precision, time and
 * offset. A value with only a year or a month names a period, not a day: the
 * period's middle day (first day + floor(length / 2)) is shifted and the
 * result truncated back to the same precision. Using the middle keeps a
 * partial value in the period that holds most of the shifted period, so it
 * agrees with full dates of the same patient shifted by the same offset;
 * shifting the first day would move every partial value back one period for
 * any negative offset.
 */
function shiftParsedDt(dt: ParsedDt, days: number): string | null {
  let anchor: number;
  if (dt.month === 0) {
    anchor = daysFromCivil(dt.year, 1, 1) + Math.floor((isLeapYear(dt.year) ? 366 : 365) / 2);
  } else if (dt.day === 0) {
    anchor = daysFromCivil(dt.year, dt.month, 1) + Math.floor(daysInMonth(dt.year, dt.month) / 2);
  } else {
    anchor = daysFromCivil(dt.year, dt.month, dt.day);
  }
  const date = formatPacked(civilFromDays(anchor + days));
  if (date === null) return null;
  const kept = dt.month === 0 ? date.slice(0, 4) : dt.day === 0 ? date.slice(0, 6) : date;
  return kept + dt.time + dt.offset;
}

/**
 * Shifts the date part of every value of a DT value by `days`; time of day,
 * fraction and UTC offset are kept as written, and partial values keep their
 * precision (see shiftParsedDt). Null if any value is not a valid DT or would
 * leave years 0000-9999.
 */
export function shiftDt(value: string, days: number): string | null {
  assertWholeDays(days);
  return mapEachValue(value, (single) => {
    const dt = parseDt(single);
    return dt === null ? null : shiftParsedDt(dt, days);
  });
}

/**
 * Keeps only the year (YYYY0101) or the month (YYYYMM01) of every DT value.
 * Time and offset are dropped: a time of day on a coarsened date would claim a
 * precision the date no longer has. A value that stops at the year gets
 * month 01 when coarsened to the month. Null if any value is invalid.
 */
export function coarsenDt(value: string, unit: "year" | "month"): string | null {
  return mapEachValue(value, (single) => {
    const dt = parseDt(single);
    if (dt === null) return null;
    const month = unit === "year" || dt.month === 0 ? 1 : dt.month;
    return formatPacked(dt.year * 10000 + month * 100 + 1);
  });
}

// ---------------------------------------------------------------- by VR

/**
 * `shift(days)` by VR: DA and DT as above; a TM value is returned unchanged,
 * because a shift by whole days does not move a time of day. Null for any
 * other VR or an invalid value.
 */
export function shiftTemporal(vr: string, value: string, days: number): string | null {
  switch (vr) {
    case "DA":
      return shiftDa(value, days);
    case "DT":
      return shiftDt(value, days);
    case "TM":
      assertWholeDays(days);
      return value;
    default:
      return null;
  }
}

/** `coarsen(unit)` by VR: DA and DT; null for any other VR or an invalid value. */
export function coarsenTemporal(vr: string, value: string, unit: "year" | "month"): string | null {
  switch (vr) {
    case "DA":
      return coarsenDa(value, unit);
    case "DT":
      return coarsenDt(value, unit);
    default:
      return null;
  }
}

// ---------------------------------------------------------------- AS

/** A parsed Age String (PS3.5: `nnnD`, `nnnW`, `nnnM` or `nnnY`). */
export interface ParsedAge {
  count: number;
  unit: "D" | "W" | "M" | "Y";
}

export function parseAge(value: string): ParsedAge | null {
  const single = trimSpaces(value);
  if (single.length !== 4) return null;
  const count = readDigits(single, 0, 3);
  const unit = single[3];
  if (count < 0 || (unit !== "D" && unit !== "W" && unit !== "M" && unit !== "Y")) return null;
  return { count, unit };
}

function formatAge(count: number, unit: ParsedAge["unit"]): string {
  return String(count).padStart(3, "0") + unit;
}

/**
 * Rounds an age down to a band of `width` in the age's own unit: ageBand("043Y", 5)
 * is "040Y", ageBand("015M", 6) is "012M". The unit is kept because a
 * paediatric age in months or weeks loses its meaning when converted to years.
 * Null for an invalid age.
 */
export function ageBand(asValue: string, width: number): string | null {
  if (!Number.isInteger(width) || width < 1 || width > 999) {
    throw new RangeError("age band width must be an integer from 1 to 999");
  }
  const age = parseAge(asValue);
  if (age === null) return null;
  return formatAge(Math.floor(age.count / width) * width, age.unit);
}

/** Length of a year in days for converting D and W ages (the Julian year). */
const DAYS_PER_YEAR = 365.25;

/**
 * Caps an age at `maxYears`: an age whose whole years exceed `maxYears` becomes
 * `maxYears + 1` years, so capAge(v, 89) turns every age over 89 into "090Y"
 * (the HIPAA Safe Harbor aggregation "90 or older"). Ages in D, W and M are
 * converted to whole years (12 months, 365.25 days) for the comparison only.
 * Other ages are returned unchanged. Null for an invalid age.
 */
export function capAge(asValue: string, maxYears: number): string | null {
  if (!Number.isInteger(maxYears) || maxYears < 0 || maxYears > 998) {
    throw new RangeError("age cap must be an integer from 0 to 998 years");
  }
  const age = parseAge(asValue);
  if (age === null) return null;
  const years =
    age.unit === "Y"
      ? age.count
      : age.unit === "M"
        ? Math.floor(age.count / 12)
        : Math.floor((age.unit === "W" ? age.count * 7 : age.count) / DAYS_PER_YEAR);
  return years > maxYears ? formatAge(maxYears + 1, "Y") : formatAge(age.count, age.unit);
}
