// How the report names an element: "(0010,0010)", or a private element by its
// creator, "(0029,\"SIEMENS CSA HEADER\",10)", whatever slot it sits in.

import type { Ancestor } from "./plan";

/**
 * Names of tags and private elements met so far, for report paths: the same
 * few hundred recur in every object of a batch, and building them was a
 * tenth of the time of an object with many private elements. Bounded, so
 * that objects full of unusual tags cannot grow them without end.
 */
const TAG_TEXTS = new Map<number, string>();
const PRIVATE_NAMES = new Map<string, Map<number, string>>();
const NAMES_KEPT_AT_MOST = 1 << 16;
let privateNamesKept = 0;

export function hex(tag: number): string {
  let text = TAG_TEXTS.get(tag);
  if (text === undefined) {
    const h = (tag >>> 0).toString(16).toUpperCase().padStart(8, "0");
    text = `(${h.slice(0, 4)},${h.slice(4)})`;
    if (TAG_TEXTS.size < NAMES_KEPT_AT_MOST) TAG_TEXTS.set(tag, text);
  }
  return text;
}

/** A private element named by group, creator and offset: `(0029,"SIEMENS CSA HEADER",10)`. */
export function privateName(tag: number, creator: string): string {
  let byTag = PRIVATE_NAMES.get(creator);
  let name = byTag?.get(tag);
  if (name === undefined) {
    name = `(${hex(tag).slice(1, 5)},${JSON.stringify(creator)},${(tag & 0xff).toString(16).toUpperCase().padStart(2, "0")})`;
    if (privateNamesKept < NAMES_KEPT_AT_MOST) {
      if (!byTag) PRIVATE_NAMES.set(creator, (byTag = new Map()));
      byTag.set(tag, name);
      privateNamesKept++;
    }
  }
  return name;
}

/**
 * An element's name in a report path: its tag, or for a private element its creator and offset, at
 * any depth, since its slot (gggg,xxee) varies between objects. Built only for the record, never for
 * a kept element.
 */
export function elementName(tag: number, creator: string | undefined): string {
  return creator === undefined ? hex(tag) : privateName(tag, creator);
}

/** The report path of an element inside `ancestors`: `(0040,A730)[0]/(0040,A730)[2]/(0040,A160)`. */
export function elementPath(ancestors: readonly Ancestor[], tag: number, creator: string | undefined): string {
  let p = "";
  for (const a of ancestors) p += `${elementName(a.tag, a.creator)}[${a.item}]/`;
  return p + elementName(tag, creator);
}

/** The path of the item the walk is in: `(0040,A730)[0]/(0040,A730)[2]`. */
export function itemPath(ancestors: readonly Ancestor[]): string {
  return ancestors.map((a) => `${elementName(a.tag, a.creator)}[${a.item}]`).join("/");
}
