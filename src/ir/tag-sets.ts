// Sets of tags as unions of masks (`tag & mask === value`), so that explain can tell whether one
// selector's tags contain, overlap or miss another's without listing them: a range
// (0000,0000)..(FFFF,FFFF) holds four billion tags, but at most 62 aligned blocks.

import type { IrElementMatch } from "./types";

/** The tags t with (t & mask) === value; value has no bits outside mask. Both unsigned 32-bit. */
export interface TagMask {
  mask: number;
  value: number;
}

export type TagSet = readonly TagMask[];

function tagMask(mask: number, value: number): TagMask {
  return { mask: mask >>> 0, value: (value & mask) >>> 0 };
}

/** [from, to] as aligned power-of-two blocks, each a mask with its low bits free. */
export function rangeTags(from: number, to: number): TagSet {
  const out: TagMask[] = [];
  let lo = from >>> 0;
  const hi = to >>> 0;
  while (lo <= hi) {
    let size = 1;
    while (size < 2 ** 32 && lo % (size * 2) === 0 && lo + size * 2 - 1 <= hi) size *= 2;
    out.push(tagMask(size === 2 ** 32 ? 0 : 2 ** 32 - size, lo));
    lo += size;
  }
  return out;
}

const matchTagsCache = new WeakMap<IrElementMatch, TagSet>();

/** The raw tags a standard-tag match (tag, mask, range) stands for; null for a private match, whose tags depend on the file. */
export function matchTags(m: IrElementMatch): TagSet | null {
  if (m.kind === "private") return null;
  let tags = matchTagsCache.get(m);
  if (!tags) {
    tags =
      m.kind === "tag"
        ? [tagMask(0xffffffff, parseInt(m.tag, 16))]
        : m.kind === "mask"
          ? [tagMask(parseInt(m.mask, 16), parseInt(m.value, 16))]
          : rangeTags(parseInt(m.from, 16), parseInt(m.to, 16));
    matchTagsCache.set(m, tags);
  }
  return tags;
}

/**
 * The raw tags a private element by creator can have: group `group`, block 10 to FF (whichever the
 * creator reserved in the object), element offset `element` or any (null, the whole block).
 */
export function privateTags(group: number, element: number | null): TagSet {
  const low = element === null ? 0 : 0xff;
  const e = element ?? 0;
  // blocks 10-1F, 20-3F, 40-7F, 80-FF
  return [
    tagMask(0xfffff000 | low, (group << 16) | 0x1000 | e),
    tagMask(0xffffe000 | low, (group << 16) | 0x2000 | e),
    tagMask(0xffffc000 | low, (group << 16) | 0x4000 | e),
    tagMask(0xffff8000 | low, (group << 16) | 0x8000 | e),
  ];
}

const privateMatchCache = new WeakMap<IrElementMatch, TagSet>();

/** privateTags of a private match `(gggg,"CREATOR",ee)`. */
export function privateMatchTags(m: Extract<IrElementMatch, { kind: "private" }>): TagSet {
  let tags = privateMatchCache.get(m);
  if (!tags) privateMatchCache.set(m, (tags = privateTags(parseInt(m.group, 16), m.element === null ? null : parseInt(m.element, 16))));
  return tags;
}

/** Every tag of an odd (private) group: what `private *` can select. */
export const ODD_GROUPS: TagSet = [tagMask(0x00010000, 0x00010000)];

function subset(a: TagMask, b: TagMask): boolean {
  return ((b.mask & ~a.mask) >>> 0) === 0 && ((a.value & b.mask) >>> 0) === b.value;
}

function meets(a: TagMask, b: TagMask): boolean {
  return (((a.value ^ b.value) & a.mask & b.mask) >>> 0) === 0;
}

/** Is every tag of `a` in the union `bs`? Splits `a` on a bit `bs` fixes until each part is inside one mask or outside all. */
function covered(a: TagMask, bs: TagSet): boolean {
  if (bs.some((b) => subset(a, b))) return true;
  const b = bs.find((x) => meets(a, x));
  if (!b) return false;
  // a meets b but is not inside it: b fixes a bit a leaves free
  const free = (b.mask & ~a.mask) >>> 0;
  const bit = (free & -free) >>> 0;
  const mask = (a.mask | bit) >>> 0;
  return covered(tagMask(mask, a.value), bs) && covered(tagMask(mask, a.value | bit), bs);
}

export type Coverage = "all" | "some" | "none";

/** How much of `target` the tags `by` hold. */
export function coverage(target: TagSet, by: TagSet): Coverage {
  if (!target.some((t) => by.some((b) => meets(t, b)))) return "none";
  return target.every((t) => covered(t, by)) ? "all" : "some";
}

/** Does the set hold the tag? */
export function holds(set: TagSet, tag: number): boolean {
  return set.some((m) => ((tag & m.mask) >>> 0) === m.value);
}

/** Every tag. */
export const ALL_TAGS: TagSet = [tagMask(0, 0)];

/** The tags in both sets. */
export function intersect(a: TagSet, b: TagSet): TagSet {
  const out: TagMask[] = [];
  for (const x of a) for (const y of b) if (meets(x, y)) out.push(tagMask(x.mask | y.mask, x.value | y.value));
  return out;
}
