// What an object says about its own private blocks: Private Data Element
// Characteristics Sequence (0008,0300) of the SOP Common Module (PS3.3
// C.12.1.1.7), "characteristics of Private Data Elements within or referenced
// in the current SOP Instance". PS3.15 E.3.10 makes it a source of "known to
// be safe" for the Retain Safe Private Option: a block whose Block Identifying
// Information Status (0008,0303) is SAFE, or an element listed in
// Nonidentifying Private Elements (0008,0304) of a MIXED block, is kept; the
// others are removed "or processed in the element-specific manner recommended
// by Deidentification Action (0008,0307)". The executor asks this only for a
// private attribute whose action is C (`private * -> C` in
// ps315.retain-safe-private); anything the declaration does not say clearly
// stays removed.

import { TokenKind, type DicomCursor } from "../dicom/cursor";

/** What a declaration asks for one private element. */
export type DeclaredAction = "K" | "X" | "Z" | "D" | "U";

const TAG_PRIVATE_GROUP_REFERENCE = 0x00080301;
const TAG_PRIVATE_CREATOR_REFERENCE = 0x00080302;
const TAG_BLOCK_STATUS = 0x00080303;
const TAG_NONIDENTIFYING_ELEMENTS = 0x00080304;
const TAG_DEIDENTIFICATION_ACTION_SEQUENCE = 0x00080305;
const TAG_IDENTIFYING_ELEMENTS = 0x00080306;
const TAG_DEIDENTIFICATION_ACTION = 0x00080307;

type BlockStatus = "SAFE" | "MIXED" | "UNSAFE";

interface BlockDeclaration {
  status: BlockStatus;
  /** element offsets (the low 8 bits of the tag) declared not identifying */
  safe: Set<number>;
  /** element offsets with a Deidentification Action */
  actions: Map<number, Exclude<DeclaredAction, "K">>;
}

/** One item as read, before it is checked. */
interface ItemRead {
  group: number;
  creator: string | null;
  status: string | null;
  safe: number[];
  actions: { elements: number[]; action: string | null }[];
}

/** Blocks are keyed by group and Private Creator, as the cursor names a private element's creator. */
function blockKey(group: number, creator: string): string {
  return `${group}\u0000${creator}`;
}

/** A Private Creator as the cursor compares them: leading spaces and trailing spaces and NULs dropped. */
function normalisedCreator(text: string): string {
  return text.replace(/[\0 ]+$/, "").replace(/^ +/, "");
}

function readNumbers(cursor: DicomCursor): number[] {
  const numbers: number[] = [];
  for (let i = 0; ; i++) {
    const n = cursor.readNumber(i);
    if (Number.isNaN(n)) return numbers;
    numbers.push(n);
  }
}

export class PrivateDeclarations {
  private readonly blocks = new Map<string, BlockDeclaration>();

  private constructor(
    /** what was wrong with the sequence: each item ignored, with why (for the object's record) */
    readonly warnings: string[],
  ) {}

  /**
   * Reads the sequence under the cursor (a top-level (0008,0300)) to its end. An item that lacks
   * its group, creator or status, gives an unknown status, lists an element outside 0x00-0xFF, or
   * names an unknown action is ignored whole, and so is a block declared by two items: its
   * elements are then treated as undeclared, which removes them.
   */
  static read(cursor: DicomCursor): PrivateDeclarations {
    const items: ItemRead[] = [];
    const depth = cursor.depth;
    let item: ItemRead | null = null;
    let action: ItemRead["actions"][number] | null = null;
    while (cursor.next()) {
      const at = cursor.depth - depth;
      if (cursor.kind === TokenKind.SequenceEnd && at === 0) break;
      if (cursor.kind === TokenKind.Item && at === 1) item = { group: NaN, creator: null, status: null, safe: [], actions: [] };
      else if (cursor.kind === TokenKind.ItemEnd && at === 1) {
        if (item) items.push(item);
        item = null;
      } else if (cursor.kind === TokenKind.Item && at === 2 && item) {
        // an item of Deidentification Action Sequence (0008,0305), the only nested sequence not skipped
        action = { elements: [], action: null };
        item.actions.push(action);
      } else if (cursor.kind === TokenKind.ItemEnd && at === 2) action = null;
      else if (cursor.kind === TokenKind.Sequence && at === 1 && cursor.tag !== TAG_DEIDENTIFICATION_ACTION_SEQUENCE) cursor.skip();
      else if (cursor.kind === TokenKind.Sequence && at === 2) cursor.skip();
      else if (cursor.kind === TokenKind.Element && at === 1 && item) {
        const tag = cursor.tag;
        if (tag === TAG_PRIVATE_GROUP_REFERENCE) item.group = cursor.readNumber(0);
        else if (tag === TAG_PRIVATE_CREATOR_REFERENCE) item.creator = normalisedCreator(cursor.readText());
        else if (tag === TAG_BLOCK_STATUS) item.status = cursor.readText().trim();
        else if (tag === TAG_NONIDENTIFYING_ELEMENTS) item.safe = readNumbers(cursor);
      } else if (cursor.kind === TokenKind.Element && at === 2 && action) {
        if (cursor.tag === TAG_IDENTIFYING_ELEMENTS) action.elements = readNumbers(cursor);
        else if (cursor.tag === TAG_DEIDENTIFICATION_ACTION) action.action = cursor.readText().trim();
      }
    }
    const declarations = new PrivateDeclarations([]);
    const declaredTwice = new Set<string>();
    items.forEach((read, index) => declarations.add(read, index + 1, declaredTwice));
    for (const key of declaredTwice) declarations.blocks.delete(key);
    return declarations;
  }

  private add(read: ItemRead, itemNumber: number, declaredTwice: Set<string>): void {
    const ignored = (why: string): void => {
      this.warnings.push(`Private Data Element Characteristics Sequence (0008,0300) item ${itemNumber} ignored (${why}): the private attributes it describes are removed`);
    };
    if (!Number.isInteger(read.group) || (read.group & 1) !== 1 || read.group < 0x0009 || read.group > 0xffff) return ignored("no odd Private Group Reference (0008,0301)");
    if (!read.creator) return ignored("no Private Creator Reference (0008,0302)");
    if (read.status !== "SAFE" && read.status !== "MIXED" && read.status !== "UNSAFE") return ignored(`Block Identifying Information Status (0008,0303) is not SAFE, MIXED or UNSAFE`);
    const offsets = [...read.safe, ...read.actions.flatMap((a) => a.elements)];
    if (offsets.some((e) => !Number.isInteger(e) || e < 0 || e > 0xff)) return ignored("an element outside 0000-00FF");
    // Nonidentifying Private Elements counts only in a MIXED block (PS3.3: required there): an UNSAFE block's list
    // contradicts its status, and the safe side is to believe the status.
    const declaration: BlockDeclaration = { status: read.status, safe: new Set(read.status === "MIXED" ? read.safe : []), actions: new Map() };
    for (const a of read.actions) {
      if (a.action !== "D" && a.action !== "Z" && a.action !== "X" && a.action !== "U") return ignored("a Deidentification Action (0008,0307) that is not D, Z, X or U");
      for (const element of a.elements) if (!declaration.actions.has(element)) declaration.actions.set(element, a.action);
    }
    const key = blockKey(read.group, read.creator);
    if (this.blocks.has(key) || declaredTwice.has(key)) {
      declaredTwice.add(key);
      return ignored(`block (${read.group.toString(16).toUpperCase().padStart(4, "0")},"${read.creator}") is declared more than once`);
    }
    this.blocks.set(key, declaration);
  }

  /** Whether the object declares any block (when it does not, there is nothing to ask). */
  get empty(): boolean {
    return this.blocks.size === 0;
  }

  /**
   * What the declaration asks for element `offset` of block (group, creator), or null when the
   * object does not declare that block. An element given a Deidentification Action gets it, even in
   * a block declared SAFE or among its Nonidentifying Private Elements (the declaration contradicts
   * itself there, and the action is the safe reading); a declared block's element that is neither
   * safe nor given an action is removed.
   */
  actionFor(group: number, creator: string, offset: number): DeclaredAction | null {
    const block = this.blocks.get(blockKey(group, creator));
    if (!block) return null;
    const action = block.actions.get(offset);
    if (action) return action;
    return block.status === "SAFE" || block.safe.has(offset) ? "K" : "X";
  }
}
