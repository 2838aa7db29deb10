// The text cleaner of one object (C on text, PS3.15 E.3.5): it removes the
// object's own identifying values wherever they appear, so it is made from
// them, once per object, when the first text is cleaned. The pre-pass reads
// these attributes for it (setup.ts, wantedTagsOf).

import { ageRenderings, dateRenderings, makeCleaner, personNameTokens, sexWords, type Cleaner } from "../actions";
import { asText } from "./expr";
import type { ObjectContext } from "./object-context";
import type { TopLevel } from "./top-level";

/** Top-level attributes whose values a text clean (C) removes wherever they appear (PS3.15 E.3.5). */
export const IDENTIFYING_TAGS: readonly number[] = [
  0x00100010, 0x00101001, 0x00100020, 0x00101000, 0x00100021, 0x00080050, 0x00100030, 0x00080080, 0x00080081, 0x00080090, 0x00081050,
  0x00081070, 0x00081060, 0x00200010, 0x00101040, 0x00102154, 0x00101060, 0x00080092, 0x00080094, 0x00321032, 0x00400006, 0x00081048,
];
const TAG_PATIENT_AGE = 0x00101010;
const TAG_PATIENT_SEX = 0x00100040;
/** Read for the cleaner too, which removes them from text unless the profile keeps them (E.3.5, E.3.7). */
export const CHARACTERISTIC_TAGS: readonly number[] = [TAG_PATIENT_AGE, TAG_PATIENT_SEX];
const PERSON_NAME_TAGS = new Set([0x00100010, 0x00101001, 0x00080090, 0x00081050, 0x00081070, 0x00081060, 0x00101060, 0x00321032, 0x00400006, 0x00081048]);

export function objectCleaner(top: TopLevel, ctx: ObjectContext): Cleaner {
  const identifiers: string[] = [];
  for (const tag of IDENTIFYING_TAGS) {
    const v = top.values.get(tag);
    if (typeof v !== "string" || v === "") continue;
    identifiers.push(v);
    if (PERSON_NAME_TAGS.has(tag)) identifiers.push(...personNameTokens(v));
    if (tag === 0x00100030) identifiers.push(...dateRenderings(v));
    for (const part of v.split("\\")) identifiers.push(part);
  }
  // Age and sex are removed by ps315.basic but kept by ps315.retain-patient-characteristics: in text
  // they go only where their own attribute goes ("55F" in E.3.5's example).
  const age = asText(top.values.get(TAG_PATIENT_AGE));
  const sex = asText(top.values.get(TAG_PATIENT_SEX));
  const removesSex = !ctx.keepsTopLevel(TAG_PATIENT_SEX, "CS");
  if (!ctx.keepsTopLevel(TAG_PATIENT_AGE, "AS")) identifiers.push(...ageRenderings(age, removesSex ? sex : undefined));
  else if (removesSex) identifiers.push(...ageRenderings(age, sex).filter((r) => /[FM]$/.test(r)));
  if (removesSex) identifiers.push(...sexWords(sex));
  return makeCleaner(identifiers);
}
