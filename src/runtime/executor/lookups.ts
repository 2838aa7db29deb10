// Lookup tables at run time: the key an object gives a lookup, and how a
// quarantine names a key that was missing. Shared by the walk (an element a
// lookup decides) and the markers (an attribute `create lookup` adds).

import type { IrExpr } from "../../ir/types";
import { asText, type Compiled, type EvalContext } from "./expr";

/**
 * The table key of a lookup: each key's text without surrounding spaces (as the tables are read,
 * src/run/tables.ts), composite keys joined by NUL, which no DICOM text value holds.
 */
export function lookupKeyOf(keys: readonly Compiled[], ctx: EvalContext): string {
  let key = "";
  for (let i = 0; i < keys.length; i++) key += (i > 0 ? "\u0000" : "") + asText(keys[i]!(ctx)).trim();
  return key;
}

/**
 * What a quarantine says was missing from a lookup table: the key it looked up, named, never its value
 * (which identifies the patient). A key that is the element itself (`PatientID -> lookup(t, PatientID)`,
 * or `value`) is the element; another key is named with the element it was for.
 */
export function lookupKeyLabel(keys: readonly IrExpr[], attribute: string): string {
  const names = keys.map((k) => (k.kind === "value" ? attribute : k.kind === "attr" ? (k.item ? "item." : "") + (k.keyword ?? `(${k.tag.slice(0, 4)},${k.tag.slice(4)})`) : k.kind === "privateAttr" ? `(${k.group},"${k.creator}",${k.element})` : null));
  if (names.every((n) => n === attribute)) return attribute;
  const known = names.map((n) => n ?? "a computed key");
  return `${known.length === 1 ? known[0] : known.join(" and ")} (the key of ${attribute}'s lookup)`;
}
