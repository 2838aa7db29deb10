// One object's dataset rewritten: a walk over every element of every depth
// that decides each by the rules and streams it into the output, kept bytes
// copied through unchanged. Semantics of each action are in docs/executor.md;
// the choices that the standard leaves open (compound codes, C by VR,
// sequences) are made here, once, in `applyCode` and `openSequence`.
//
// The walk is the executor's per-element hot path. Its steps share their
// state as the fields of one ObjectRewrite per object, so that no closure is
// made per object or per element.

import { ByteSink, DatasetWriter, DicomCursor, TokenKind, openCursor, type DatasetEncoding, type DicomFile } from "../dicom";
import { coarsenTemporal, daysOffset, dummyValue, replaceInValues, replacementUids, shiftTemporal, truncateToVrLength, type Cleaner } from "../actions";
import { lookupTag } from "../../dicom/dictionary";
import { TEXT_VRS } from "../../dicom/vr";
import type { IrActionCode, IrExpr } from "../../ir/types";
import { TAG_ICON_IMAGE_SEQUENCE } from "../pixels/icon";
import { CLEAN, DUMMY, KEEP, ContentModes, carriesFreeContent, contentItemActionOf, isCodeAttribute, sequenceTreatment } from "./content-modes";
import { TAG_CODE_VALUE, TAG_CODING_SCHEME_DESIGNATOR, designatorAfter, insideIdentifyingCodes, isRegisteredScheme, namesConcept } from "./coded-concepts";
import { QuarantineError } from "./errors";
import { lookupKeyLabel, lookupKeyOf } from "./lookups";
import { asText } from "./expr";
import type { ExecutionPlan } from "./index";
import { ItemScopes, VALUE_TYPE_TAGS } from "./item-scopes";
import { runKeyFor } from "./keys";
import { Markers, type DateTally, type ValueWriter } from "./markers";
import { objectCleaner } from "./object-cleaner";
import type { ItemValues, ObjectContext } from "./object-context";
import { instanceFallback } from "./output-name";
import { PixelWork, type ElementDecider, type PixelWorkSource } from "./pixel-work";
import { isPixelDataTag, keepsUnchanged, type Ancestor, type PlannedAction, type PlannedRule } from "./plan";
import type { DeclaredAction } from "./private-declarations";
import { PrivateFrames, type PrivateFrame } from "./private-frames";
import { elementPath, itemPath } from "./record-names";
import { TAG_PATIENT_ID, TAG_PIXEL_DATA, TAG_SERIES_UID, TAG_SOP_CLASS_UID, TAG_SOP_INSTANCE_UID, TAG_STUDY_UID } from "./tags";
import type { TopLevel } from "./top-level";
import type { ObjectRecord } from "./types";
import { mayBeSequence, startsWithItem, unSequenceCursor } from "./un-sequences";

/**
 * A kept top-level element at least this large goes to the output by
 * reference, not copied (ByteSink.reference): pixel data, waveforms,
 * encapsulated documents. Smaller ones are cheaper to copy than to write as a
 * separate part.
 */
const REFERENCE_AT_BYTES = 64 << 10;

/** The output sink's first size when large values are referenced: room for most headers. */
const SINK_START_BYTES = 16 << 10;
const TAG_EXTENDED_OFFSET_TABLE = 0x7fe00001;
const TAG_EXTENDED_OFFSET_TABLE_LENGTHS = 0x7fe00002;

/**
 * Sequences given X/Z by Table E.1-1 that are Type 3 wherever a composite IOD has them at the top
 * level. X/Z means "X for Type 3, Z for Type 2", and for a sequence the wrong half is an IOD error
 * either way: a Type 2 sequence must be present, and a Type 3 sequence whose module says "One or
 * more Items are permitted" must not be sent with zero items (dciodvfy: "Bad Sequence number of
 * Items 0"). These are removed at the top level; every other X/Z sequence is emptied (Type 2).
 *   (0008,1110) Referenced Study Sequence: Type 3 in the General Study Module (PS3.3 C.7.2.1),
 *               Type 2 only nested (e.g. in Referenced Request items), where it is emptied.
 * (0040,0555) Acquisition Context Sequence, the other X/Z sequence, is Type 2 (PS3.3 C.7.6.14).
 */
const TYPE3_TOP_LEVEL_SEQUENCES: ReadonlySet<number> = new Set([0x00081110]);

/** One or more UIDs (`\`-separated): what a UN value must hold for U to replace it. */
const UID_TEXT = /^[0-9]+(\.[0-9]+)*(\\[0-9]+(\.[0-9]+)*)*$/;

/** UID text as a value: ASCII, padded to even length with NUL, as UI is (PS3.5 6.2). */
function uidBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length + (text.length & 1));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** A value with no content: zero length, or, for text, only the padding spaces and NULs PS3.5 6.2 ignores. */
function holdsNothing(cursor: DicomCursor, vr: string): boolean {
  if (cursor.valueLength === 0) return true;
  if (!TEXT_VRS.has(vr)) return false;
  const b = cursor.bytes;
  for (let i = cursor.valueOffset, end = cursor.valueOffset + cursor.valueLength; i < end; i++) if (b[i] !== 0x20 && b[i] !== 0x00) return false;
  return true;
}

function unpadded(value: string): string {
  return value.replace(/[\0 ]+$/, "").trim();
}

function isNumber(x: unknown): boolean {
  return typeof x === "number";
}

function isDate(vr: string): boolean {
  return vr === "DA" || vr === "DT";
}

export class ObjectRewrite implements ElementDecider, ValueWriter {
  /** values of the output's top level (as written) that name it: SOP, study and series UIDs, Patient ID */
  readonly outputTop = new Map<number, string>();
  readonly outputEncoding: DatasetEncoding;
  private readonly plan: ExecutionPlan;
  private readonly file: DicomFile;
  private readonly top: TopLevel;
  private readonly ctx: ObjectContext;
  private readonly record: ObjectRecord;
  /** the sequences enclosing the element under the cursor (the context's: `item.X` and the rules read them) */
  private readonly ancestors: Ancestor[];
  private readonly itemValues: ItemValues[];
  /** where the walk is; also what `value` reads (ctx.element) */
  private cursor: DicomCursor;
  private readonly scannedTags: ReadonlySet<number> | null;
  private readonly referencing: boolean;
  private readonly out: DatasetWriter;
  private readonly modes = new ContentModes();
  private readonly frames: PrivateFrames;
  private readonly dates: DateTally = { kept: 0, modified: 0, removed: 0 };
  private readonly markers: Markers;
  /** overlay groups (60xx) that go whole, with the rule that removes their Overlay Data */
  private readonly droppedOverlays: Map<number, PlannedRule | null> | null;
  private readonly pixels: PixelWork;
  private cleaner: Cleaner | null = null;
  private dateShift: number | null = null;
  private declarationWarningsGiven = false;

  /** `addsInstanceUid`: the dataset has no SOP Instance UID, and gets the one that names the output. */
  constructor(plan: ExecutionPlan, file: DicomFile, top: TopLevel, ctx: ObjectContext, record: ObjectRecord, pixelWork: PixelWorkSource, addsInstanceUid: boolean) {
    this.plan = plan;
    this.file = file;
    this.top = top;
    this.ctx = ctx;
    this.record = record;
    this.ancestors = ctx.ancestors;
    this.itemValues = ctx.itemValues;
    this.cursor = openCursor(file);
    // Items are scanned ahead for what `item.X` reads, and for each content item's concept name and
    // Value Type when the Clean Structured Content Option decides items by concept (content-items.ts).
    this.scannedTags = plan.contentItems === null ? plan.itemTags : new Set([...(plan.itemTags ?? []), ...VALUE_TYPE_TAGS]);
    // Large top-level values that stay as they are (pixel data) are referenced, not copied (ByteSink.reference),
    // so the sink holds about the header: sized for that, it grows by doubling for a header that is larger.
    // A deflated output is deflated from one buffer: everything is copied, and the output is about the input's size.
    this.referencing = !file.encoding.deflated;
    this.outputEncoding = file.encoding.deflated ? { littleEndian: true, explicitVr: true } : file.encoding;
    this.out = new DatasetWriter(
      this.outputEncoding,
      // A dataset smaller than one referenced value holds none: it is all copied, into one allocation.
      new ByteSink(this.referencing && file.dataset.length > REFERENCE_AT_BYTES ? SINK_START_BYTES : file.dataset.length + 4096),
    );
    this.frames = new PrivateFrames(this.out, record, this.ancestors);
    ctx.element = this.cursor;
    // A dataset without a SOP Instance UID gets the one that names the output, so that File Meta and
    // dataset agree (PS3.10 7.1). A missing SOP Class UID is not added: the File Meta's says what the
    // input claimed to be, and adding it to a fragment would claim an IOD the object does not have.
    const instance = addsInstanceUid ? instanceFallback(plan, file, ctx, record, "no SOP Instance UID in the dataset (one is added)") : null;
    if (instance !== null) this.outputTop.set(TAG_SOP_INSTANCE_UID, instance);
    this.markers = new Markers(plan, top, instance, this.out, record, ctx, this.dates, this);
    this.droppedOverlays = this.overlaysDropped();
    this.pixels = new PixelWork(this, plan, file, top, ctx, this.markers, pixelWork, this.out, record);
  }

  /** The Coding Scheme Designator met in the item being walked (dummy mode reads it), and at which depth. */
  private itemScheme: string | null = null;
  private itemSchemeDepth = -1;

  /**
   * Whether a code attribute in dummy mode belongs to a code of a registered scheme (coded-concepts.ts),
   * which names a concept and is kept. Code Value looks ahead for its item's designator; the designator
   * is its own answer and is remembered for the attributes after it.
   */
  private registeredConcept(c: DicomCursor, tag: number, depth: number): boolean {
    if (tag === TAG_CODE_VALUE) return isRegisteredScheme(designatorAfter(c));
    if (tag === TAG_CODING_SCHEME_DESIGNATOR) {
      this.itemScheme = c.readText().replace(/[\0 ]+$/, "").trim();
      this.itemSchemeDepth = depth;
      return isRegisteredScheme(this.itemScheme);
    }
    return this.itemSchemeDepth === depth && isRegisteredScheme(this.itemScheme);
  }

  /** Walks the dataset and returns it rewritten, as parts (see ObjectParts). */
  rewrite(): Uint8Array[] {
    this.walk(this.cursor, this.itemScopesOf(openCursor(this.file)));
    this.frames.close(0, -1);
    this.markers.writeRemaining();
    this.markers.finishLongitudinal(this.top.existingLongitudinal);
    return this.out.finishParts();
  }

  /**
   * Overlay Data (60xx,3000) is Type 1 in the Overlay Plane Module: when the rules remove or empty it,
   * the rest of that overlay group describes nothing, and would make the IOD invalid. The whole group goes.
   */
  private overlaysDropped(): Map<number, PlannedRule | null> | null {
    let dropped: Map<number, PlannedRule | null> | null = null;
    if (this.top.overlayData) {
      for (const [group, vr] of this.top.overlayData) {
        const rule = this.decide(((group << 16) | 0x3000) >>> 0, vr, undefined, false);
        const a = rule?.action.ir;
        if (a && a.kind === "code" && (a.code === "X" || a.code === "Z" || a.code === "X/Z" || a.code === "X/Z/U*" || a.code === "C")) {
          (dropped ??= new Map()).set(group, rule);
        }
      }
    }
    return dropped;
  }

  private itemScopesOf(look: DicomCursor): ItemScopes | null {
    return this.scannedTags === null ? null : new ItemScopes(look, this.scannedTags, this.plan.contentItems !== null);
  }

  /** Copies the element under the cursor, or references it when it is large, top-level and in no private block being assembled. */
  private copyElement(c: DicomCursor): void {
    if (this.referencing && c.endOffset - c.headerOffset >= REFERENCE_AT_BYTES && this.ancestors.length === 0 && !this.frames.pending) this.out.reference(c.bytes, c.headerOffset, c.endOffset);
    else this.out.copy(c.bytes, c.headerOffset, c.endOffset);
  }

  private cleanText(text: string): string {
    return (this.cleaner ??= objectCleaner(this.top, this.ctx))(text);
  }

  private dateShiftDays(): number {
    if (this.dateShift === null) {
      const v = this.plan.lets.has("dateShift") ? this.ctx.letValue("dateShift") : undefined;
      this.dateShift =
        typeof v === "number" ? v : daysOffset(runKeyFor(this.plan, "the per-patient date shift of action C"), this.ctx.keyText(this.top.values.get(TAG_PATIENT_ID), "PatientID", "C"), this.plan.defaultDateShift.from, this.plan.defaultDateShift.to);
    }
    return this.dateShift;
  }

  /** The rule that decides the element `tag` at the walk's depth (first matching rule wins), or null when none does. */
  decide(tag: number, vr: string, creator: string | undefined, isPrivate: boolean): PlannedRule | null {
    const list = isPrivate ? this.plan.rules.forPrivate(tag, creator) : this.plan.rules.forTag(tag);
    const ancestors = this.ancestors;
    const depth = ancestors.length;
    const cursor = this.cursor;
    for (let i = 0; i < list.length; i++) {
      const rule = list[i]!;
      if (rule.vrs !== null && !rule.vrs.includes(vr)) continue;
      // `any where` tests the element's own value, so never Pixel Data (bytes, not a value), never a
      // zero-length element (nothing in it can be a copy: `value == PatientID` would hold for every
      // empty one of an object whose PatientID is empty), and never before the walk reaches it.
      if (rule.anyWhere === true && (isPixelDataTag(tag) || cursor.kind !== TokenKind.Element || cursor.tag !== tag || cursor.valueLength === 0)) continue;
      if (rule.ancestors !== null && !rule.ancestors(ancestors, depth)) continue;
      if (rule.when !== null && rule.when(this.ctx) !== true) continue;
      return rule;
    }
    return null;
  }

  private touch(tag: number, creator: string | undefined, action: string, rule: PlannedRule | null): void {
    this.record.touched.push({ path: elementPath(this.ancestors, tag, creator), action, rule: rule ? rule.source : null });
  }

  writeTextValue(tag: number, vr: string, text: string): void {
    if (vr === "US" || vr === "SS" || vr === "UL" || vr === "SL" || vr === "FL" || vr === "FD") {
      const n = Number(text);
      this.out.writeNumbers(tag, vr, Number.isFinite(n) && text.trim() !== "" ? [n] : []);
    } else {
      this.out.writeText(tag, vr, truncateToVrLength(text, vr), this.cursor.characterSet);
    }
    if (this.ancestors.length === 0) this.outputTop.set(tag, text);
  }

  private writeDummy(tag: number, vr: string): void {
    const d = dummyValue(vr, 1);
    if (d === null) this.out.writeHeader(tag, vr, 0);
    else if (typeof d === "string") this.writeTextValue(tag, vr, d);
    else if (d instanceof Uint8Array) this.out.writeElement(tag, vr, d);
    else if (Array.isArray(d) && d.every(isNumber)) this.out.writeNumbers(tag, vr, d as number[]);
    else this.out.writeElement(tag, vr, new Uint8Array(vr === "SV" || vr === "UV" ? 8 : 0));
  }

  /** What Private Data Element Characteristics Sequence (0008,0300) asks for a private element; null if its block is not declared. */
  private declaredPrivateAction(tag: number, creator: string): DeclaredAction | null {
    const declarations = this.top.privateDeclarations;
    if (declarations === null) return null;
    if (!this.declarationWarningsGiven) {
      this.record.warnings.push(...declarations.warnings);
      this.declarationWarningsGiven = true;
    }
    return declarations.actionFor(tag >>> 16, creator, tag & 0xff);
  }

  /**
   * Records the action applied since the record had `before` entries as C/<action> (C/K when it
   * kept, at `path`): the object's declaration decided, under a C rule.
   */
  private recordDeclared(before: number, path: string, rule: PlannedRule | null): void {
    const touched = this.record.touched[before];
    if (touched) touched.action = `C/${touched.action}`;
    else this.record.touched.splice(before, 0, { path, action: "C/K", rule: rule ? rule.source : null });
  }

  /** Applies a PS3.15 code to a non-sequence element. Returns whether the element stays in the output. */
  private applyCode(code: IrActionCode, tag: number, vr: string, creator: string | undefined, rule: PlannedRule | null): boolean {
    const cursor = this.cursor;
    const isPrivateElement = creator !== undefined || ((tag >>> 16) & 1) === 1;
    switch (code) {
      case "K":
        this.copyElement(cursor);
        // An empty date says nothing about the patient's timeline: only dates with a value count.
        if (isDate(vr) && cursor.valueLength > 0) this.dates.kept++;
        if (this.ancestors.length === 0 && (tag === TAG_SOP_INSTANCE_UID || tag === TAG_SOP_CLASS_UID || tag === TAG_STUDY_UID || tag === TAG_SERIES_UID || tag === TAG_PATIENT_ID)) this.outputTop.set(tag, cursor.readText());
        return true;
      case "X":
        this.touch(tag, creator, "X", rule);
        if (isDate(vr)) this.dates.removed++;
        return false;
      case "Z":
      case "X/Z":
        // Z is conformant for X/Z whatever the Type: X/Z rows are Type 2 or 3, and a Type 3
        // attribute that is not a sequence may be sent empty (sequences: `openSequence`).
        this.out.writeHeader(tag, vr, 0);
        this.touch(tag, creator, "Z", rule);
        if (isDate(vr)) this.dates.removed++;
        if (this.ancestors.length === 0) this.outputTop.set(tag, "");
        return true;
      case "D":
      case "Z/D":
      case "X/D":
      case "X/Z/D":
        // An empty value stays empty where the code allows Z: it was conformant as it was (Type 2 or 3),
        // and a dummy would claim a value (a serial number, a station) that the object never had.
        if ((code === "Z/D" || code === "X/Z/D") && holdsNothing(cursor, vr)) return this.applyCode("Z", tag, vr, creator, rule);
        // A dummy is conformant whatever the attribute's Type (1, 2 or 3), so every code that
        // allows D gets D: the executor does not know each IOD's Types (docs/executor.md).
        this.writeDummy(tag, vr);
        this.touch(tag, creator, "D", rule);
        if (isDate(vr)) this.dates.removed++;
        return true;
      case "U":
      case "X/Z/U*": {
        const crosswalk = this.plan.crosswalk;
        if (vr === "UN" && isPrivateElement) {
          // A private element of an implicit VR object reads as UN whatever it holds. U asks for a consistent
          // replacement UID: a UID in the bytes gets one, written as the UID's text; anything else goes.
          const text = cursor.readText().split("\\").map(unpadded).join("\\");
          if (!UID_TEXT.test(text)) return this.applyCode("X", tag, vr, creator, rule);
          const replaced = replacementUids(runKeyFor(this.plan, "replacement UIDs (action U)"), text);
          this.out.writeElement(tag, vr, uidBytes(replaced));
          if (crosswalk) {
            const b = replaced.split("\\");
            const a = text.split("\\");
            for (let i = 0; i < a.length; i++) crosswalk.uid(a[i]!.trim(), b[i] ?? "");
          }
          this.touch(tag, creator, "U", rule);
          return true;
        }
        if (vr !== "UI") return this.applyCode(code === "U" ? "D" : "Z", tag, vr, creator, rule);
        const original = cursor.readText();
        const replaced = original === "" ? "" : replacementUids(runKeyFor(this.plan, "replacement UIDs (action U)"), original);
        this.writeTextValue(tag, vr, replaced);
        if (crosswalk && original !== "") {
          const a = original.split("\\");
          const b = replaced.split("\\");
          for (let i = 0; i < a.length; i++) crosswalk.uid(a[i]!.trim(), b[i] ?? "");
        }
        this.touch(tag, creator, "U", rule);
        return true;
      }
      case "C": {
        if (isPrivateElement) {
          // E.3.10: a private attribute is kept only when known to be safe; the object's own declaration
          // is one way of knowing, and may ask for another action instead.
          const declared = creator === undefined ? null : this.declaredPrivateAction(tag, creator);
          if (declared === null || creator === undefined) return this.applyCode("X", tag, vr, creator, rule);
          const before = this.record.touched.length;
          const path = elementPath(this.ancestors, tag, creator);
          const kept = this.applyCode(declared, tag, vr, creator, rule);
          this.recordDeclared(before, path, rule);
          return kept;
        }
        if (isDate(vr)) {
          const shifted = shiftTemporal(vr, cursor.readText(), this.dateShiftDays());
          if (shifted === null) return this.unreadableDate(tag, vr, creator, rule, "shifted");
          this.writeTextValue(tag, vr, shifted);
          this.dates.modified++;
          this.touch(tag, creator, "C", rule);
          return true;
        }
        if (vr === "TM") return this.applyCode("K", tag, vr, creator, rule);
        if (vr === "AE" || vr === "AS" || vr === "CS" || vr === "LO" || vr === "LT" || vr === "PN" || vr === "SH" || vr === "ST" || vr === "UC" || vr === "UT") {
          const original = cursor.readText();
          const cleaned = this.cleanText(original);
          if (cleaned === original) return this.applyCode("K", tag, vr, creator, rule);
          this.writeTextValue(tag, vr, cleaned);
          this.touch(tag, creator, "C", rule);
          return true;
        }
        // Binary and numeric content cannot be cleaned in place: remove it (fail safe).
        return this.applyCode("X", tag, vr, creator, rule);
      }
    }
  }

  /**
   * A date that is not one (`2020` in a DA, a DT with a month 13) cannot be shifted or coarsened, and
   * kept it would keep the real date: it is emptied. Z rather than X, since the dates of Table E.1-1
   * are Type 2 or 3 where they are not 1 (Study Date is Type 2: removing it made a conformant object
   * non-conformant), and an empty value says nothing about the patient.
   */
  private unreadableDate(tag: number, vr: string, creator: string | undefined, rule: PlannedRule | null, what: "shifted" | "coarsened"): boolean {
    this.record.warnings.push(`${elementPath(this.ancestors, tag, creator)}: value is not a date that can be ${what}; emptied`);
    return this.applyCode("Z", tag, vr, creator, rule);
  }

  private applyAction(pa: PlannedAction, tag: number, vr: string, creator: string | undefined, rule: PlannedRule | null): boolean {
    const cursor = this.cursor;
    const ctx = this.ctx;
    const a = pa.ir;
    switch (a.kind) {
      case "code":
        return this.applyCode(a.code, tag, vr, creator, rule);
      case "set": {
        let text = asText(pa.value!(ctx));
        if (a.mode === "append") {
          const original = cursor.readText();
          text = original === "" ? text : `${original}\\${text}`;
        }
        this.writeTextValue(tag, vr, text);
        if (isDate(vr)) this.dates.modified++;
        if (tag === TAG_PATIENT_ID && this.ancestors.length === 0 && this.plan.crosswalk) this.plan.crosswalk.patientId(cursor.readText(), text);
        this.touch(tag, creator, a.mode === "append" ? "append" : "set", rule);
        return true;
      }
      case "shift": {
        if (!isDate(vr)) return this.applyCode("K", tag, vr, creator, rule);
        const days = pa.value!(ctx);
        const shifted = typeof days === "number" ? shiftTemporal(vr, cursor.readText(), days) : null;
        if (shifted === null) return this.unreadableDate(tag, vr, creator, rule, "shifted");
        this.writeTextValue(tag, vr, shifted);
        this.dates.modified++;
        this.touch(tag, creator, "shift", rule);
        return true;
      }
      case "coarsen": {
        if (!isDate(vr)) return this.applyCode("X", tag, vr, creator, rule);
        const coarse = coarsenTemporal(vr, cursor.readText(), a.unit);
        if (coarse === null) return this.unreadableDate(tag, vr, creator, rule, "coarsened");
        this.writeTextValue(tag, vr, coarse);
        this.dates.modified++;
        this.touch(tag, creator, "coarsen", rule);
        return true;
      }
      case "replace": {
        const original = cursor.readText();
        const replaced = replaceInValues(original, vr, pa.regex!, a.replacement);
        if (replaced === original) return this.applyCode("K", tag, vr, creator, rule);
        this.writeTextValue(tag, vr, replaced);
        this.touch(tag, creator, "replace", rule);
        return true;
      }
      case "lookup": {
        const hit = this.plan.tables.get(a.table)?.get(lookupKeyOf(pa.keys!, ctx));
        if (hit === undefined) {
          if (a.otherwise.kind === "quarantine") {
            const attribute = this.ancestors.length === 0 && creator === undefined ? (lookupTag(tag)?.keyword ?? elementPath(this.ancestors, tag, creator)) : elementPath(this.ancestors, tag, creator);
            throw new QuarantineError(`no entry in ${a.table} for ${lookupKeyLabel(a.keys, attribute)}`, rule?.source ?? null);
          }
          const before = this.record.touched.length;
          const kept = this.applyAction(pa.otherwise!, tag, vr, creator, rule);
          const last = this.record.touched[before];
          if (last) last.action = `lookup-miss/${last.action}`;
          else this.touch(tag, creator, "lookup-miss/K", rule);
          return kept;
        }
        if (tag === TAG_PATIENT_ID && this.ancestors.length === 0 && this.plan.crosswalk) this.plan.crosswalk.patientId(cursor.readText(), hit);
        this.writeTextValue(tag, vr, hit);
        this.touch(tag, creator, "lookup", rule);
        return true;
      }
    }
  }

  /**
   * Decides a sequence: writes it removed (nothing), emptied (no items) or opened, and returns
   * whether it was opened, i.e. whether the caller walks its items.
   */
  private openSequence(tag: number, vr: "SQ" | "UN", creator: string | undefined, isPrivate: boolean, rule: PlannedRule | null, frame: PrivateFrame | undefined): boolean {
    let code: IrActionCode;
    if (rule === null) code = isPrivate ? "X" : "K";
    // A value action (set, shift, ...) has no meaning for a sequence (the checker rejects it): remove.
    else if (rule.action.ir.kind !== "code") code = "X";
    else code = rule.action.ir.code;
    if (code === "X/Z") code = this.ancestors.length === 0 && TYPE3_TOP_LEVEL_SEQUENCES.has(tag) ? "X" : "Z";
    // C on a private attribute keeps only what is known to be safe, and a whole private sequence is not,
    // unless the object declares its block (Private Data Element Characteristics Sequence (0008,0300)):
    // kept, its items walked and each element judged on its own; emptied; or walked with dummies.
    if (code === "C" && isPrivate) {
      const declared = creator === undefined ? null : this.declaredPrivateAction(tag, creator);
      if (declared === null || creator === undefined) return this.openSequenceAs("X", tag, vr, creator, rule, frame);
      const before = this.record.touched.length;
      // the path before opening: the sequence is then an ancestor, and would name itself
      const path = elementPath(this.ancestors, tag, creator);
      // U has no meaning for a sequence: removed, as X
      const opened = this.openSequenceAs(declared === "U" ? "X" : declared, tag, vr, creator, rule, frame);
      this.recordDeclared(before, path, rule);
      return opened;
    }
    return this.openSequenceAs(code, tag, vr, creator, rule, frame);
  }

  /** openSequence once the code is known (X/Z and C resolved). */
  private openSequenceAs(code: IrActionCode, tag: number, vr: "SQ" | "UN", creator: string | undefined, rule: PlannedRule | null, frame: PrivateFrame | undefined): boolean {
    if (code === "X") {
      this.touch(tag, creator, "X", rule);
      return false;
    }
    if (frame) frame.keptSlots.add((tag >>> 8) & 0xff);
    if (code === "Z") {
      this.out.beginSequence(tag, vr);
      this.out.endSequence();
      this.touch(tag, creator, "Z", rule);
      return false;
    }
    // C and the D codes open it in clean and dummy mode, which the record names; K, U and X/Z/U* keep it.
    const treatment = sequenceTreatment(code);
    if (treatment === "clean") this.touch(tag, creator, "C", rule);
    else if (treatment === "dummy") this.touch(tag, creator, "D", rule);
    this.modes.enter(code, rule, tag, this.ancestors.length);
    this.out.beginSequence(tag, vr);
    this.ancestors.push({ tag, item: -1, creator });
    return true;
  }

  private walk(c: DicomCursor, scopes: ItemScopes | null): void {
    this.cursor = c;
    this.ctx.element = c;
    const plan = this.plan;
    const ancestors = this.ancestors;
    const modes = this.modes;
    const frames = this.frames;
    const markers = this.markers;
    const pixels = this.pixels;
    const out = this.out;
    const record = this.record;
    while (c.next()) {
      const kind = c.kind;
      if (kind === TokenKind.Item) {
        const level = ancestors.length - 1;
        const a = ancestors[level];
        if (a) a.item++;
        modes.clearItem(level);
        this.itemScheme = null;
        // The look-ahead reads only as far as an item someone asks about: `item.X`, or a content item
        // in clean mode under the Clean Structured Content Option.
        const decidesByConcept = plan.contentItems !== null && modes.ofSequence(level) === CLEAN;
        if (scopes !== null && (plan.itemTags !== null || decidesByConcept)) {
          const values = scopes.take(c.headerOffset);
          this.itemValues[level] = values;
          if (decidesByConcept) {
            const action = contentItemActionOf(plan.contentItems!, values);
            if (action === "X") {
              // E.3.4: the content item goes whole (the record names the item, not an element).
              record.touched.push({ path: itemPath(ancestors), action: "X", rule: modes.ruleOf(level)?.source ?? null });
              c.skip();
              continue;
            }
            if (action !== null) modes.setItem(level, action);
          }
        }
        out.beginItem();
        continue;
      }
      if (kind === TokenKind.ItemEnd) {
        frames.close(ancestors.length, -1);
        modes.clearItem(ancestors.length - 1);
        this.itemScheme = null;
        out.endItem();
        continue;
      }
      if (kind === TokenKind.SequenceEnd) {
        ancestors.pop();
        modes.leave();
        out.endSequence();
        continue;
      }
      const tag = c.tag;
      const depth = ancestors.length;
      // A standard attribute written as UN (PS3.5 6.2.2) is acted on with its dictionary VR, so a
      // UID stays a UID; only text VRs are reinterpreted, since their bytes do not depend on byte order.
      let vr = c.vr;
      if (vr === "UN" && kind === TokenKind.Element && ((tag >>> 16) & 1) === 0) {
        const known = lookupTag(tag)?.vrs[0];
        if (known && TEXT_VRS.has(known)) vr = known;
      }
      const group = tag >>> 16;
      frames.close(depth, group);
      if ((tag & 0xffff) === 0) {
        // Group lengths (retired) would be wrong once elements are removed.
        if (kind === TokenKind.Sequence) c.skip();
        continue;
      }
      if (depth === 0) {
        markers.writeBefore(tag);
        if (markers.replaces(tag)) {
          // The input's own marker is replaced by ours.
          if (kind === TokenKind.Sequence) c.skip();
          continue;
        }
        const dropped = this.droppedOverlays;
        if (dropped !== null && (group & 0xff01) === 0x6000 && dropped.has(group)) {
          if (kind === TokenKind.Sequence) c.skip();
          this.touch(tag, undefined, "X", dropped.get(group)!);
          continue;
        }
      }
      const isPrivate = (group & 1) === 1;
      let frame: PrivateFrame | undefined;
      if (isPrivate) {
        frame = frames.frameFor(group, depth, c.bytes);
        const element = tag & 0xffff;
        if (element >= 0x0010 && element <= 0x00ff && kind === TokenKind.Element) {
          frame.creators.push({ slot: element, start: c.headerOffset, end: c.endOffset });
          continue;
        }
      }
      const creator = isPrivate ? c.privateCreator() : undefined;
      const rule = this.decide(tag, vr, creator, isPrivate);

      if (depth === 0 && tag === TAG_ICON_IMAGE_SEQUENCE && pixels.removesIcon()) {
        if (kind === TokenKind.Sequence) c.skip();
        continue;
      }
      if (kind === TokenKind.Sequence) {
        if (!this.openSequence(tag, vr === "UN" ? "UN" : "SQ", creator, isPrivate, rule, frame)) c.skip();
        continue;
      }
      if (vr === "UN" && kind === TokenKind.Element && startsWithItem(c) && (isPrivate || mayBeSequence(tag))) {
        // A sequence written as a defined-length UN (implicit VR private sequences, or a reader that
        // did not know the tag): walked like any sequence, so that what it contains is judged on its
        // own merits (E.3.10) instead of passing through as opaque bytes.
        const sub = unSequenceCursor(c);
        if (sub !== null) {
          if (this.openSequence(tag, "UN", creator, isPrivate, rule, frame)) {
            this.walk(sub, this.scannedTags === null ? null : this.itemScopesOf(unSequenceCursor(c)!));
            this.cursor = c;
            this.ctx.element = c;
          }
          continue;
        }
      }

      if (depth === 0 && pixels.possible) {
        const keeps = keepsUnchanged(rule);
        // A rewritten encapsulated Pixel Data makes the Extended Offset Table stale; it is optional.
        if ((tag === TAG_EXTENDED_OFFSET_TABLE || tag === TAG_EXTENDED_OFFSET_TABLE_LENGTHS) && keeps) {
          record.touched.push({ path: tag === TAG_EXTENDED_OFFSET_TABLE ? "(7FE0,0001)" : "(7FE0,0002)", action: "X", rule: null });
          continue;
        }
        if (tag === TAG_PIXEL_DATA && keeps && pixels.writePixelData(c, this.referencing && !frames.pending)) continue;
      }

      if (
        depth === 1 &&
        tag === TAG_PIXEL_DATA &&
        pixels.blanksIcons &&
        ancestors[0]!.tag === TAG_ICON_IMAGE_SEQUENCE &&
        modes.ofSequence(0) === KEEP &&
        keepsUnchanged(rule) &&
        pixels.writeIcon(ancestors[0]!.item)
      ) {
        continue;
      }

      let kept: boolean;
      const mode = modes.at(depth);
      if (
        mode !== KEEP &&
        !isPrivate &&
        (rule === null || (rule.catchAll && rule.action.ir.kind === "code" && rule.action.ir.code === "K")) &&
        carriesFreeContent(vr) &&
        !(mode === CLEAN && isCodeAttribute(tag)) &&
        !(mode === DUMMY && namesConcept(tag) && !insideIdentifyingCodes(ancestors) && this.registeredConcept(c, tag, depth))
      ) {
        // Free content of a D or C sequence that no specific rule names (see ContentMode). In a D sequence
        // an empty value stays empty, as under Z/D: it identified nothing, and was conformant as it was.
        kept = this.applyCode(mode === DUMMY ? "Z/D" : "C", tag, vr, creator, modes.ruleOf(depth - 1)!);
      } else if (rule) kept = this.applyAction(rule.action, tag, vr, creator, rule);
      else kept = this.applyCode(isPrivate ? "X" : "K", tag, vr, creator, null);
      if (kept && frame) frame.keptSlots.add((tag >>> 8) & 0xff);
    }
  }
}
