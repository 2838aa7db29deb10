// One object through the executor: read the top level once for the values
// conditions need, apply the filters, then stream every element of every
// depth into the output, copying kept bytes through unchanged.
//
// Semantics of each action are in docs/executor.md; the choices that the
// standard leaves open (compound codes, C by VR, sequences) are made here,
// once, in `applyCode` and `openSequence`.

import { ByteSink, DatasetWriter, DicomCursor, DicomReadError, TokenKind, concatParts, openCursor, readPart10, writePart10Parts } from "../dicom";
import { TextEncodeError } from "../dicom/text";
import { coarsenTemporal, daysOffset, dummyValue, replaceInValues, replacementUids, shiftTemporal, truncateToVrLength, type Cleaner } from "../actions";
import { lookupTag } from "../../dicom/dictionary";
import { TEXT_VRS } from "../../dicom/vr";
import { asText } from "./expr";
import { isPixelDataTag, keepsUnchanged, type PlannedAction, type PlannedRule } from "./plan";
import { MissingKeyError, runKeyFor } from "./keys";
import type { DeclaredAction } from "./private-declarations";
import { CLEAN, DUMMY, KEEP, ContentModes, carriesFreeContent, contentItemActionOf, isCodeAttribute } from "./content-modes";
import type { ExecutionPlan } from "./index";
import type { ObjectParts, ObjectRecord, ObjectResult } from "./types";
import { PixelError } from "../pixels";
import { TAG_ICON_IMAGE_SEQUENCE } from "../pixels/icon";
import type { IrActionCode } from "../../ir/types";
import { ItemScopes, VALUE_TYPE_TAGS } from "./item-scopes";
import { readTopLevel } from "./top-level";
import { elementPath, itemPath } from "./record-names";
import { mayBeSequence, startsWithItem, unSequenceCursor } from "./un-sequences";
import { QuarantineError, UnwritableObjectError } from "./errors";
import { checkImageOptions } from "./image-options";
import { Markers, type DateTally } from "./markers";
import { objectCleaner } from "./object-cleaner";
import { PixelWork, type PixelWorkSource } from "./pixel-work";
import { PrivateFrames, type PrivateFrame } from "./private-frames";
import { ObjectContext } from "./object-context";
import { instanceFallback, isWritableUid } from "./output-name";
import {
  TAG_PIXEL_DATA,
  TAG_PATIENT_ID,
  TAG_SERIES_UID,
  TAG_SOP_CLASS_UID,
  TAG_SOP_INSTANCE_UID,
  TAG_STUDY_UID,
} from "./tags";

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
const TAG_DIRECTORY_RECORD_SEQUENCE = 0x00041220;
const MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10";

export { CHARACTERISTIC_TAGS, IDENTIFYING_TAGS } from "./object-cleaner";
export { longitudinalValue } from "./markers";

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

export function processObject(plan: ExecutionPlan, bytes: Uint8Array, inputPath: string): ObjectResult {
  const { record, parts } = processObjectParts(plan, bytes, inputPath);
  return { record, output: parts === null ? null : concatParts(parts) };
}

/** processObject without assembling the output in one buffer (ObjectParts): what the batch writes with writev. */
export function processObjectParts(plan: ExecutionPlan, bytes: Uint8Array, inputPath: string): ObjectParts {
  const record: ObjectRecord = { input: inputPath, outcome: "failed", touched: [], warnings: [] };
  const pixelWork: PixelWorkSource = { source: null };
  try {
    return run(plan, bytes, record, pixelWork);
  } catch (e) {
    if (e instanceof DicomReadError) {
      record.reason = e.message;
      record.offset = e.offset;
    } else if (e instanceof TextEncodeError) {
      record.reason = `a replacement value cannot be written in the object's character set: ${e.message}`;
    } else if (e instanceof UnwritableObjectError || e instanceof MissingKeyError) {
      record.reason = e.message;
    } else if (e instanceof QuarantineError) {
      record.outcome = "quarantined";
      record.reason = e.message;
      if (e.source) record.rule = e.source;
      // What was done before was never written: the record lists nothing as changed.
      record.touched = [];
      return { record, parts: null };
    } else if (e instanceof PixelError && e.kind !== "malformed") {
      // Burned-in text that a rule asked to remove and that could not be removed must not leave:
      // the object waits for a person (or a codec), it is not released as it is.
      record.outcome = "quarantined";
      record.reason = `pixel data not cleaned: ${e.message}`;
      if (pixelWork.source) record.rule = pixelWork.source;
      record.touched = [];
      return { record, parts: null };
    } else if (e instanceof PixelError) {
      record.reason = `pixel data: ${e.message}`;
    } else {
      record.reason = `internal error: ${(e as Error).message}`;
    }
    record.outcome = "failed";
    return { record, parts: null };
  }
}


function run(plan: ExecutionPlan, bytes: Uint8Array, record: ObjectRecord, pixelWork: PixelWorkSource): ObjectParts {
  const file = readPart10(bytes);
  for (const w of file.warnings) record.warnings.push(w.message);
  const top = readTopLevel(openCursor(file), plan.wantedTags, plan.pixels.readsUltrasoundRegions, !plan.pixels.empty);
  // A DICOMDIR is no SOP instance: its directory records name the patients and the input's files, and
  // removing them (group 0004, E.1.1) leaves a directory of nothing. E.1.1 has a new one "created from
  // the de-identified DICOM Files it references"; no filter passes the old one on, `skip` included.
  if (file.meta?.mediaStorageSopClassUid === MEDIA_STORAGE_DIRECTORY || top.present.has(TAG_DIRECTORY_RECORD_SEQUENCE)) {
    throw new UnwritableObjectError(
      "a DICOMDIR (Media Storage Directory) is not de-identified: its records name the patients and files of the input; make a new one from the outputs (for example with dcmmkdir)",
    );
  }

  const ctx = new ObjectContext(plan, top);
  const ancestors = ctx.ancestors;
  const itemValues = ctx.itemValues;

  for (const f of plan.filters) {
    if (f.when !== null && f.when(ctx) !== true) continue;
    // `accept`: de-identify, and let no later filter decide otherwise.
    if (f.outcome === "accept") break;
    record.reason = f.reason;
    record.rule = f.source;
    if (f.outcome === "skip") {
      // Passed through untouched: the output is the input, byte for byte (not even File Meta is rewritten).
      record.outcome = "skipped";
      return { record, parts: [bytes] };
    }
    record.outcome = f.outcome === "reject" ? "rejected" : "quarantined";
    return { record, parts: null };
  }

  // The SOP UIDs name the output and fill the File Meta. An object without a SOP Class UID in the
  // dataset or the File Meta is not a storable SOP instance, so there is nothing to write.
  const datasetClass = asText(top.values.get(TAG_SOP_CLASS_UID)).trim();
  const datasetInstance = asText(top.values.get(TAG_SOP_INSTANCE_UID)).trim();
  const sopClass = datasetClass || file.meta?.mediaStorageSopClassUid || "";
  if (!sopClass) {
    throw new DicomReadError("the object has no SOP Class UID, in the dataset or the File Meta: it is not a storable SOP instance", 0);
  }
  // The File Meta needs valid UIDs; the messages do not quote them (the record never carries input values).
  if (!isWritableUid(sopClass)) throw new UnwritableObjectError(`the SOP Class UID (from the ${datasetClass ? "dataset" : "File Meta"}) is not a valid UID, so no File Meta can name the object`);
  if (!isWritableUid(file.transferSyntaxUid)) throw new UnwritableObjectError("the File Meta's Transfer Syntax UID is not a valid UID, so the output cannot declare its encoding");
  let cleaner: Cleaner | null = null;
  const cleanText = (text: string): string => (cleaner ??= objectCleaner(top, ctx))(text);
  let dateShift: number | null = null;
  const dateShiftDays = (): number => {
    if (dateShift === null) {
      const v = plan.lets.has("dateShift") ? ctx.letValue("dateShift") : undefined;
      dateShift = typeof v === "number" ? v : daysOffset(runKeyFor(plan, "the per-patient date shift of action C"), asText(top.values.get(TAG_PATIENT_ID)), plan.defaultDateShift.from, plan.defaultDateShift.to);
    }
    return dateShift;
  };

  let cursor = openCursor(file);
  // Items are scanned ahead for what `item.X` reads, and for each content item's concept name and
  // Value Type when the Clean Structured Content Option decides items by concept (content-items.ts).
  const scannedTags: ReadonlySet<number> | null =
    plan.contentItems === null ? plan.itemTags : new Set([...(plan.itemTags ?? []), ...VALUE_TYPE_TAGS]);
  const itemScopesOf = (look: DicomCursor): ItemScopes | null => (scannedTags === null ? null : new ItemScopes(look, scannedTags, plan.contentItems !== null));
  // Large top-level values that stay as they are (pixel data) are referenced, not copied (ByteSink.reference),
  // so the sink holds about the header: sized for that, it grows by doubling for a header that is larger.
  // A deflated output is deflated from one buffer: everything is copied, and the output is about the input's size.
  const referencing = !file.encoding.deflated;
  const outputEncoding = file.encoding.deflated ? { littleEndian: true, explicitVr: true } : file.encoding;
  const out = new DatasetWriter(
    outputEncoding,
    // A dataset smaller than one referenced value holds none: it is all copied, into one allocation.
    new ByteSink(referencing && file.dataset.length > REFERENCE_AT_BYTES ? SINK_START_BYTES : file.dataset.length + 4096),
  );
  /** Copies the element under the cursor, or references it when it is large, top-level and in no private block being assembled. */
  const copyElement = (c: DicomCursor): void => {
    if (referencing && c.endOffset - c.headerOffset >= REFERENCE_AT_BYTES && ancestors.length === 0 && !frames.pending) out.reference(c.bytes, c.headerOffset, c.endOffset);
    else out.copy(c.bytes, c.headerOffset, c.endOffset);
  };
  const modes = new ContentModes();
  const frames = new PrivateFrames(out, record, ancestors);
  const dates: DateTally = { kept: 0, modified: 0, removed: 0 };
  const outputTop = new Map<number, string>();
  ctx.element = cursor;

  // A dataset without a SOP Instance UID gets the one that names the output, so that File Meta and
  // dataset agree (PS3.10 7.1). A missing SOP Class UID is not added: the File Meta's says what the
  // input claimed to be, and adding it to a fragment would claim an IOD the object does not have.
  const instance = !datasetInstance ? instanceFallback(plan, file, ctx, record, "no SOP Instance UID in the dataset (one is added)") : null;
  if (instance !== null) outputTop.set(TAG_SOP_INSTANCE_UID, instance);
  const markers = new Markers(plan, top, instance, out, record, ctx, dates, { writeTextValue: (tag, vr, text) => writeTextValue(tag, vr, text) });

  const pathOf = (tag: number, creator: string | undefined): string => elementPath(ancestors, tag, creator);

  const decide = (tag: number, vr: string, creator: string | undefined, isPrivate: boolean): PlannedRule | null => {
    const list = isPrivate ? plan.rules.forPrivate(tag, creator) : plan.rules.forTag(tag);
    const depth = ancestors.length;
    for (let i = 0; i < list.length; i++) {
      const rule = list[i]!;
      if (rule.vrs !== null && !rule.vrs.includes(vr)) continue;
      // `any where` tests the element's own value, so never Pixel Data (bytes, not a value), never a
      // zero-length element (nothing in it can be a copy: `value == PatientID` would hold for every
      // empty one of an object whose PatientID is empty), and never before the walk reaches it.
      if (rule.anyWhere === true && (isPixelDataTag(tag) || cursor.kind !== TokenKind.Element || cursor.tag !== tag || cursor.valueLength === 0)) continue;
      if (rule.ancestors !== null && !rule.ancestors(ancestors, depth)) continue;
      if (rule.when !== null && rule.when(ctx) !== true) continue;
      return rule;
    }
    return null;
  };

  const touch = (tag: number, creator: string | undefined, action: string, rule: PlannedRule | null): void => {
    record.touched.push({ path: pathOf(tag, creator), action, rule: rule ? rule.source : null });
  };

  const writeTextValue = (tag: number, vr: string, text: string): void => {
    if (vr === "US" || vr === "SS" || vr === "UL" || vr === "SL" || vr === "FL" || vr === "FD") {
      const n = Number(text);
      out.writeNumbers(tag, vr, Number.isFinite(n) && text.trim() !== "" ? [n] : []);
    } else {
      out.writeText(tag, vr, truncateToVrLength(text, vr), cursor.characterSet);
    }
    if (ancestors.length === 0) outputTop.set(tag, text);
  };

  const writeDummy = (tag: number, vr: string): void => {
    const d = dummyValue(vr, 1);
    if (d === null) out.writeHeader(tag, vr, 0);
    else if (typeof d === "string") writeTextValue(tag, vr, d);
    else if (d instanceof Uint8Array) out.writeElement(tag, vr, d);
    else if (Array.isArray(d) && d.every((x) => typeof x === "number")) out.writeNumbers(tag, vr, d as number[]);
    else out.writeElement(tag, vr, new Uint8Array(vr === "SV" || vr === "UV" ? 8 : 0));
  };

  const isDate = (vr: string): boolean => vr === "DA" || vr === "DT";

  let declarationWarningsGiven = false;
  /** What Private Data Element Characteristics Sequence (0008,0300) asks for a private element; null if its block is not declared. */
  const declaredPrivateAction = (tag: number, creator: string): DeclaredAction | null => {
    const declarations = top.privateDeclarations;
    if (declarations === null) return null;
    if (!declarationWarningsGiven) {
      record.warnings.push(...declarations.warnings);
      declarationWarningsGiven = true;
    }
    return declarations.actionFor(tag >>> 16, creator, tag & 0xff);
  };
  /** Runs `apply` and records its action as C/<action> (C/K when it kept): the object's declaration decided, under a C rule. */
  const asDeclared = (apply: () => boolean, tag: number, creator: string, rule: PlannedRule | null): boolean => {
    const before = record.touched.length;
    // the path before `apply`: a sequence it opens is then an ancestor, and would name itself
    const path = pathOf(tag, creator);
    const kept = apply();
    const touched = record.touched[before];
    if (touched) touched.action = `C/${touched.action}`;
    else record.touched.splice(before, 0, { path, action: "C/K", rule: rule ? rule.source : null });
    return kept;
  };

  /** Applies a PS3.15 code to a non-sequence element. Returns whether the element stays in the output. */
  const applyCode = (code: IrActionCode, tag: number, vr: string, creator: string | undefined, rule: PlannedRule | null): boolean => {
    const isPrivateElement = creator !== undefined || ((tag >>> 16) & 1) === 1;
    switch (code) {
      case "K":
        copyElement(cursor);
        // An empty date says nothing about the patient's timeline: only dates with a value count.
        if (isDate(vr) && cursor.valueLength > 0) dates.kept++;
        if (ancestors.length === 0 && (tag === TAG_SOP_INSTANCE_UID || tag === TAG_SOP_CLASS_UID || tag === TAG_STUDY_UID || tag === TAG_SERIES_UID || tag === TAG_PATIENT_ID)) outputTop.set(tag, cursor.readText());
        return true;
      case "X":
        touch(tag, creator, "X", rule);
        if (isDate(vr)) dates.removed++;
        return false;
      case "Z":
      case "X/Z":
        // Z is conformant for X/Z whatever the Type: X/Z rows are Type 2 or 3, and a Type 3
        // attribute that is not a sequence may be sent empty (sequences: `openSequence`).
        out.writeHeader(tag, vr, 0);
        touch(tag, creator, "Z", rule);
        if (isDate(vr)) dates.removed++;
        if (ancestors.length === 0) outputTop.set(tag, "");
        return true;
      case "D":
      case "Z/D":
      case "X/D":
      case "X/Z/D":
        // A dummy is conformant whatever the attribute's Type (1, 2 or 3), so every code that
        // allows D gets D: the executor does not know each IOD's Types (docs/executor.md).
        writeDummy(tag, vr);
        touch(tag, creator, "D", rule);
        if (isDate(vr)) dates.removed++;
        return true;
      case "U":
      case "X/Z/U*": {
        if (vr === "UN" && isPrivateElement) {
          // A private element of an implicit VR object reads as UN whatever it holds. U asks for a consistent
          // replacement UID: a UID in the bytes gets one, written as the UID's text; anything else goes.
          // each value without its padding, as the UI path reads them
          const text = cursor.readText().split("\\").map((v) => v.replace(/[\0 ]+$/, "").trim()).join("\\");
          if (!UID_TEXT.test(text)) return applyCode("X", tag, vr, creator, rule);
          const replaced = replacementUids(runKeyFor(plan, "replacement UIDs (action U)"), text);
          out.writeElement(tag, vr, uidBytes(replaced));
          if (plan.crosswalk) {
            const b = replaced.split("\\");
            text.split("\\").forEach((o, i) => plan.crosswalk!.uid(o.trim(), b[i] ?? ""));
          }
          touch(tag, creator, "U", rule);
          return true;
        }
        if (vr !== "UI") return applyCode(code === "U" ? "D" : "Z", tag, vr, creator, rule);
        const original = cursor.readText();
        const replaced = original === "" ? "" : replacementUids(runKeyFor(plan, "replacement UIDs (action U)"), original);
        writeTextValue(tag, vr, replaced);
        if (plan.crosswalk && original !== "") {
          const a = original.split("\\");
          const b = replaced.split("\\");
          a.forEach((o, i) => plan.crosswalk!.uid(o.trim(), b[i] ?? ""));
        }
        touch(tag, creator, "U", rule);
        return true;
      }
      case "C": {
        if (isPrivateElement) {
          // E.3.10: a private attribute is kept only when known to be safe; the object's own declaration
          // is one way of knowing, and may ask for another action instead.
          const declared = creator === undefined ? null : declaredPrivateAction(tag, creator);
          if (declared === null || creator === undefined) return applyCode("X", tag, vr, creator, rule);
          return asDeclared(() => applyCode(declared, tag, vr, creator, rule), tag, creator, rule);
        }
        if (isDate(vr)) {
          const shifted = shiftTemporal(vr, cursor.readText(), dateShiftDays());
          if (shifted === null) return applyCode("X", tag, vr, creator, rule);
          writeTextValue(tag, vr, shifted);
          dates.modified++;
          touch(tag, creator, "C", rule);
          return true;
        }
        if (vr === "TM") return applyCode("K", tag, vr, creator, rule);
        if (vr === "AE" || vr === "AS" || vr === "CS" || vr === "LO" || vr === "LT" || vr === "PN" || vr === "SH" || vr === "ST" || vr === "UC" || vr === "UT") {
          const original = cursor.readText();
          const cleaned = cleanText(original);
          if (cleaned === original) return applyCode("K", tag, vr, creator, rule);
          writeTextValue(tag, vr, cleaned);
          touch(tag, creator, "C", rule);
          return true;
        }
        // Binary and numeric content cannot be cleaned in place: remove it (fail safe).
        return applyCode("X", tag, vr, creator, rule);
      }
    }
  };

  const applyAction = (pa: PlannedAction, tag: number, vr: string, creator: string | undefined, rule: PlannedRule | null): boolean => {
    const a = pa.ir;
    switch (a.kind) {
      case "code":
        return applyCode(a.code, tag, vr, creator, rule);
      case "set": {
        let text = asText(pa.value!(ctx));
        if (a.mode === "append") {
          const original = cursor.readText();
          text = original === "" ? text : `${original}\\${text}`;
        }
        writeTextValue(tag, vr, text);
        if (isDate(vr)) dates.modified++;
        if (tag === TAG_PATIENT_ID && ancestors.length === 0 && plan.crosswalk) plan.crosswalk.patientId(cursor.readText(), text);
        touch(tag, creator, a.mode === "append" ? "append" : "set", rule);
        return true;
      }
      case "shift": {
        if (!isDate(vr)) return applyCode("K", tag, vr, creator, rule);
        const days = pa.value!(ctx);
        const shifted = typeof days === "number" ? shiftTemporal(vr, cursor.readText(), days) : null;
        if (shifted === null) {
          record.warnings.push(`${pathOf(tag, creator)}: value is not a date that can be shifted; removed`);
          return applyCode("X", tag, vr, creator, rule);
        }
        writeTextValue(tag, vr, shifted);
        dates.modified++;
        touch(tag, creator, "shift", rule);
        return true;
      }
      case "coarsen": {
        const coarse = isDate(vr) ? coarsenTemporal(vr, cursor.readText(), a.unit) : null;
        if (coarse === null) return applyCode("X", tag, vr, creator, rule);
        writeTextValue(tag, vr, coarse);
        dates.modified++;
        touch(tag, creator, "coarsen", rule);
        return true;
      }
      case "replace": {
        const original = cursor.readText();
        const replaced = replaceInValues(original, vr, pa.regex!, a.replacement);
        if (replaced === original) return applyCode("K", tag, vr, creator, rule);
        writeTextValue(tag, vr, replaced);
        touch(tag, creator, "replace", rule);
        return true;
      }
      case "lookup": {
        const key = pa.keys!.map((k) => asText(k(ctx)).trim()).join("\u0000");
        const hit = plan.tables.get(a.table)?.get(key);
        if (hit === undefined) {
          if (a.otherwise.kind === "quarantine") {
            const attribute = ancestors.length === 0 && creator === undefined ? (lookupTag(tag)?.keyword ?? pathOf(tag, creator)) : pathOf(tag, creator);
            throw new QuarantineError(`no entry in ${a.table} for ${attribute}`, rule?.source ?? null);
          }
          const before = record.touched.length;
          const kept = applyAction(pa.otherwise!, tag, vr, creator, rule);
          const last = record.touched[before];
          if (last) last.action = `lookup-miss/${last.action}`;
          else touch(tag, creator, "lookup-miss/K", rule);
          return kept;
        }
        if (tag === TAG_PATIENT_ID && ancestors.length === 0 && plan.crosswalk) plan.crosswalk.patientId(cursor.readText(), hit);
        writeTextValue(tag, vr, hit);
        touch(tag, creator, "lookup", rule);
        return true;
      }
    }
  };

  /**
   * Decides a sequence: writes it removed (nothing), emptied (no items) or opened, and returns
   * whether it was opened, i.e. whether the caller walks its items.
   */
  const openSequence = (tag: number, vr: "SQ" | "UN", creator: string | undefined, isPrivate: boolean, rule: PlannedRule | null, frame: PrivateFrame | undefined): boolean => {
    let code: IrActionCode;
    if (rule === null) code = isPrivate ? "X" : "K";
    // A value action (set, shift, ...) has no meaning for a sequence (the checker rejects it): remove.
    else if (rule.action.ir.kind !== "code") code = "X";
    else code = rule.action.ir.code;
    if (code === "X/Z") code = ancestors.length === 0 && TYPE3_TOP_LEVEL_SEQUENCES.has(tag) ? "X" : "Z";
    // C on a private attribute keeps only what is known to be safe, and a whole private sequence is not,
    // unless the object declares its block (Private Data Element Characteristics Sequence (0008,0300)):
    // kept, its items walked and each element judged on its own; emptied; or walked with dummies.
    if (code === "C" && isPrivate) {
      const declared = creator === undefined ? null : declaredPrivateAction(tag, creator);
      if (declared === null || creator === undefined) return openSequenceAs("X", tag, vr, creator, rule, frame);
      // U has no meaning for a sequence: removed, as X
      const declaredCode: IrActionCode = declared === "U" ? "X" : declared;
      return asDeclared(() => openSequenceAs(declaredCode, tag, vr, creator, rule, frame), tag, creator, rule);
    }
    return openSequenceAs(code, tag, vr, creator, rule, frame);
  };

  /** openSequence once the code is known (X/Z and C resolved). */
  const openSequenceAs = (code: IrActionCode, tag: number, vr: "SQ" | "UN", creator: string | undefined, rule: PlannedRule | null, frame: PrivateFrame | undefined): boolean => {
    if (code === "X") {
      touch(tag, creator, "X", rule);
      return false;
    }
    if (frame) frame.keptSlots.add((tag >>> 8) & 0xff);
    if (code === "Z") {
      out.beginSequence(tag, vr);
      out.endSequence();
      touch(tag, creator, "Z", rule);
      return false;
    }
    // C and the D codes open it in clean and dummy mode, which the record names; K, U and X/Z/U* keep it.
    if (code === "C") touch(tag, creator, "C", rule);
    else if (code !== "K" && code !== "U" && code !== "X/Z/U*") touch(tag, creator, "D", rule);
    modes.enter(code, rule, tag, ancestors.length);
    out.beginSequence(tag, vr);
    ancestors.push({ tag, item: -1, creator });
    return true;
  };

  // Overlay Data (60xx,3000) is Type 1 in the Overlay Plane Module: when the rules remove or empty it,
  // the rest of that overlay group describes nothing, and would make the IOD invalid. The whole group goes.
  let droppedOverlays: Map<number, PlannedRule | null> | null = null;
  if (top.overlayData) {
    for (const [group, vr] of top.overlayData) {
      const rule = decide(((group << 16) | 0x3000) >>> 0, vr, undefined, false);
      const a = rule?.action.ir;
      if (a && a.kind === "code" && (a.code === "X" || a.code === "Z" || a.code === "X/Z" || a.code === "X/Z/U*" || a.code === "C")) {
        (droppedOverlays ??= new Map()).set(group, rule);
      }
    }
  }

  const pixels = new PixelWork({ decide }, plan, file, top, ctx, markers, pixelWork, out, record);

  const walk = (c: DicomCursor, scopes: ItemScopes | null): void => {
    cursor = c;
    ctx.element = c;
    while (c.next()) {
      const kind = c.kind;
      if (kind === TokenKind.Item) {
        const level = ancestors.length - 1;
        const a = ancestors[level];
        if (a) a.item++;
        modes.clearItem(level);
        // The look-ahead reads only as far as an item someone asks about: `item.X`, or a content item
        // in clean mode under the Clean Structured Content Option.
        const decidesByConcept = plan.contentItems !== null && modes.ofSequence(level) === CLEAN;
        if (scopes !== null && (plan.itemTags !== null || decidesByConcept)) {
          const values = scopes.take(c.headerOffset);
          itemValues[level] = values;
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
        if (droppedOverlays !== null && (group & 0xff01) === 0x6000 && droppedOverlays.has(group)) {
          if (kind === TokenKind.Sequence) c.skip();
          touch(tag, undefined, "X", droppedOverlays.get(group)!);
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
      const rule = decide(tag, vr, creator, isPrivate);

      if (depth === 0 && tag === TAG_ICON_IMAGE_SEQUENCE && pixels.removesIcon()) {
        if (kind === TokenKind.Sequence) c.skip();
        continue;
      }
      if (kind === TokenKind.Sequence) {
        if (!openSequence(tag, vr === "UN" ? "UN" : "SQ", creator, isPrivate, rule, frame)) c.skip();
        continue;
      }
      if (vr === "UN" && kind === TokenKind.Element && startsWithItem(c) && (isPrivate || mayBeSequence(tag))) {
        // A sequence written as a defined-length UN (implicit VR private sequences, or a reader that
        // did not know the tag): walked like any sequence, so that what it contains is judged on its
        // own merits (E.3.10) instead of passing through as opaque bytes.
        const sub = unSequenceCursor(c);
        if (sub !== null) {
          if (openSequence(tag, "UN", creator, isPrivate, rule, frame)) {
            walk(sub, scannedTags === null ? null : itemScopesOf(unSequenceCursor(c)!));
            cursor = c;
            ctx.element = c;
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
        if (tag === TAG_PIXEL_DATA && keeps && pixels.writePixelData(c, referencing && !frames.pending)) continue;
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
        !(mode === CLEAN && isCodeAttribute(tag))
      ) {
        // Free content of a D or C sequence that no specific rule names (see ContentMode).
        kept = applyCode(mode === DUMMY ? "D" : "C", tag, vr, creator, modes.ruleOf(depth - 1)!);
      } else if (rule) kept = applyAction(rule.action, tag, vr, creator, rule);
      else kept = applyCode(isPrivate ? "X" : "K", tag, vr, creator, null);
      if (kept && frame) frame.keptSlots.add((tag >>> 8) & 0xff);
    }
  };
  walk(cursor, itemScopesOf(openCursor(file)));
  frames.close(0, -1);
  markers.writeRemaining();
  markers.finishLongitudinal(top.existingLongitudinal);
  const dataset = out.finishParts();
  checkImageOptions(plan, dataset, outputEncoding);

  // The dataset's (new) UIDs name the output. A profile that removes the SOP Instance UID itself
  // leaves the File Meta with the fallback.
  const sopInstance = outputTop.get(TAG_SOP_INSTANCE_UID) || instanceFallback(plan, file, ctx, record, "the profile removed the SOP Instance UID");
  const outputClass = outputTop.get(TAG_SOP_CLASS_UID) || sopClass;
  // A UID the profile kept (retain-uids) or set is written as it is, and must be one.
  if (!isWritableUid(sopInstance)) throw new UnwritableObjectError("the output's SOP Instance UID is not a valid UID, so no File Meta can name the object");
  if (!isWritableUid(outputClass)) throw new UnwritableObjectError("the output's SOP Class UID is not a valid UID, so no File Meta can name the object");
  const parts = writePart10Parts(
    {
      transferSyntaxUid: file.transferSyntaxUid,
      mediaStorageSopClassUid: outputClass,
      mediaStorageSopInstanceUid: sopInstance,
      implementationClassUid: plan.implementationClassUid,
      implementationVersionName: plan.implementationVersionName,
    },
    dataset,
  );
  record.outcome = "written";
  record.sopClassUid = outputClass;
  record.newSopInstanceUid = sopInstance;
  const study = outputTop.get(TAG_STUDY_UID);
  const series = outputTop.get(TAG_SERIES_UID);
  const patient = outputTop.get(TAG_PATIENT_ID);
  if (study) record.newStudyUid = study;
  if (series) record.newSeriesUid = series;
  if (patient !== undefined) record.newPatientId = patient;
  return { record, parts };
}
