// What `item.X` reads in sequence items, and the concept name of each
// content item for the Clean Structured Content Option: a look-ahead cursor
// that records items before the walk reaches them.

import { DicomCursor, TokenKind } from "../dicom";
import { conditionValue } from "./top-level";
import { TAG_CODE_VALUE, TAG_CODING_SCHEME } from "./tags";

/**
 * What `item.X` reads in each sequence item: the wanted attributes of the item's own dataset (an
 * attribute present without a readable value maps to undefined). A second cursor runs ahead of the
 * walk over the same bytes: asked for the item at some header offset, it reads on (skipping
 * values it does not want, never decoding them) until that item is complete, recording every item
 * it passes, so attributes after the element in tag order, and the items nested in it, are known
 * before the walk reaches them. Items come in document order, so the look-ahead only moves forward.
 */
export class ItemScopes {
  private readonly recorded = new Map<number, Map<number, string | number | undefined>>();
  /**
   * items the look-ahead is inside: their records and the depth of their elements; `conceptOf`, for the
   * first item of a Concept Name Code Sequence, is the record of the content item it names
   */
  private readonly open: { offset: number; values: Map<number, string | number | undefined>; depth: number; conceptOf: Map<number, string | number | undefined> | null }[] = [];
  private finished = false;

  constructor(
    private readonly look: DicomCursor,
    private readonly wanted: ReadonlySet<number>,
    /** also record each item's concept name (CONCEPT_CODE_VALUE, CONCEPT_SCHEME), for the Clean Structured Content Option */
    private readonly concepts: boolean,
  ) {}

  /** The record of the item whose Item header is at `offset`; handed over once. */
  take(offset: number): Map<number, string | number | undefined> {
    let values = this.recorded.get(offset);
    while (values === undefined && !this.finished) {
      this.step(offset);
      values = this.recorded.get(offset);
      // The record exists once the item starts; it is complete once the item has ended.
      if (values !== undefined && this.open.some((o) => o.offset === offset)) values = undefined;
    }
    this.recorded.delete(offset);
    return values ?? new Map();
  }

  private step(target: number): void {
    const look = this.look;
    if (!look.next()) {
      this.finished = true;
      return;
    }
    const kind = look.kind;
    if (kind === TokenKind.Item) {
      const values = new Map<number, string | number | undefined>();
      this.recorded.set(look.headerOffset, values);
      const parent = this.open[this.open.length - 1];
      const level = look.depth - 1;
      const namesParent = this.concepts && parent !== undefined && level >= 0 && look.sequenceTag(level) === TAG_CONCEPT_NAME_CODE_SEQUENCE && look.itemIndex(level) === 0;
      this.open.push({ offset: look.headerOffset, values, depth: look.depth, conceptOf: namesParent ? parent.values : null });
      return;
    }
    if (kind === TokenKind.ItemEnd) {
      this.open.pop();
      return;
    }
    const inner = this.open[this.open.length - 1];
    const own = inner !== undefined && look.depth === inner.depth && this.wanted.has(look.tag);
    if (kind === TokenKind.Sequence) {
      if (own) inner.values.set(look.tag, undefined);
      // A defined-length sequence that ends before the target holds nothing the walk will ask for.
      if (look.endOffset >= 0 && look.endOffset <= target) look.skip();
    } else if (kind === TokenKind.Element && own) inner.values.set(look.tag, conditionValue(look));
    // (also when `item.` wants the code attributes for the code item itself)
    if (kind === TokenKind.Element && inner?.conceptOf && look.depth === inner.depth) {
      const tag = look.tag;
      if (tag === TAG_CODE_VALUE || tag === TAG_LONG_CODE_VALUE || tag === TAG_URN_CODE_VALUE) inner.conceptOf.set(CONCEPT_CODE_VALUE, look.readText());
      else if (tag === TAG_CODING_SCHEME) inner.conceptOf.set(CONCEPT_SCHEME, look.readText());
    }
  }
}

export const TAG_CONCEPT_NAME_CODE_SEQUENCE = 0x0040a043;
const TAG_VALUE_TYPE = 0x0040a040;

/**
 * An item without a Value Type (0040,A040), as a Waveform Annotation Sequence item is (PS3.3
 * C.10.10.1), or one that omits it, has the value type of the value it holds (PS3.3 C.17.3.2.1).
 */
const VALUE_TYPE_EVIDENCE: readonly [number, string][] = [
  [0x00700006, "TEXT"], // Unformatted Text Value
  [0x0040a160, "TEXT"], // Text Value
  [0x0040a121, "DATE"],
  [0x0040a122, "TIME"],
  [0x0040a120, "DATETIME"],
  [0x0040a123, "PNAME"],
  [0x0040a124, "UIDREF"],
  [0x0040a168, "CODE"], // Concept Code Sequence
  [0x0040a30a, "NUM"], // Numeric Value
  [0x0040a300, "NUM"], // Measured Value Sequence
];

/** What a content item's record needs for its value type: Value Type, and the attributes that imply one. */
export const VALUE_TYPE_TAGS: readonly number[] = [TAG_VALUE_TYPE, ...VALUE_TYPE_EVIDENCE.map(([tag]) => tag)];

export function valueTypeOf(values: Map<number, string | number | undefined>): string {
  const declared = values.get(TAG_VALUE_TYPE);
  if (typeof declared === "string" && declared !== "") return declared;
  for (const [tag, valueType] of VALUE_TYPE_EVIDENCE) if (values.has(tag)) return valueType;
  return "";
}

const TAG_LONG_CODE_VALUE = 0x00080119;
const TAG_URN_CODE_VALUE = 0x00080120;

/** Keys of an item's record (never tags) under which ItemScopes puts the item's concept name. */
export const CONCEPT_CODE_VALUE = -1;
export const CONCEPT_SCHEME = -2;
