// The attributes the executor adds to the top level (PS3.15 E.1.1): Patient
// Identity Removed, De-identification Method and its Code Sequence,
// Longitudinal Temporal Information Modified, the SOP Instance UID of a
// dataset that has none, what `create` rules add and what `pixels complete`
// blocks set. They are listed before the walk and written, in tag order, as
// the walk passes their place, in place of the input's own. Longitudinal
// Temporal Information Modified depends on dates the walk meets after it, so
// its value is reserved and patched in at the end.

import { truncateToVrLength } from "../actions";
import type { DatasetWriter } from "../dicom";
import { lookupTag } from "../../dicom/dictionary";
import type { IrSource } from "../../ir/types";
import { asText } from "./expr";
import type { ExecutionPlan } from "./index";
import type { ObjectContext } from "./object-context";
import { QuarantineError } from "./errors";
import { lookupKeyLabel, lookupKeyOf } from "./lookups";
import type { PlannedAction, PlannedRule } from "./plan";
import { hex } from "./record-names";
import {
  TAG_CODE_MEANING,
  TAG_CODE_VALUE,
  TAG_CODING_SCHEME,
  TAG_DEIDENTIFICATION_METHOD,
  TAG_DEIDENTIFICATION_METHOD_CODES,
  TAG_LONGITUDINAL_MODIFIED,
  TAG_SOP_INSTANCE_UID,
} from "./tags";
import type { TopLevel } from "./top-level";
import type { ObjectRecord } from "./types";

const TAG_PATIENT_IDENTITY_REMOVED = 0x00120062;

/** Counts of what happened to DA/DT values, for Longitudinal Temporal Information Modified. */
export interface DateTally {
  kept: number;
  modified: number;
  removed: number;
}

const LONGITUDINAL_RANK: Readonly<Record<string, number>> = { UNMODIFIED: 0, MODIFIED: 1, REMOVED: 2 };

/**
 * Longitudinal Temporal Information Modified of the output: what this pass did to the dates, unless the input
 * says an earlier de-identification did more. Dates kept from an object whose dates were already shifted are
 * still modified dates; claiming UNMODIFIED (as E.3.6 would have the full-dates option write) would be false.
 */
export function longitudinalValue(thisPass: "UNMODIFIED" | "MODIFIED" | "REMOVED", input: string | null): string {
  const before = input === null ? undefined : LONGITUDINAL_RANK[input];
  return before !== undefined && before > LONGITUDINAL_RANK[thisPass]! ? input! : thisPass;
}

const ENCODER = new TextEncoder();
const UNMODIFIED = ENCODER.encode("UNMODIFIED");
/** Bytes reserved for the Longitudinal Temporal Information Modified value: its longest, UNMODIFIED. */
const LONGITUDINAL_RESERVED = 10;

/** A code of De-identification Method Code Sequence (0012,0064). */
export interface MethodCode {
  value: string;
  scheme: string;
  meaning: string;
}

/** What a marker writes. */
const SOP_INSTANCE_UID = 0;
const IDENTITY_REMOVED = 1;
const METHOD = 2;
const METHOD_CODES = 3;
const LONGITUDINAL = 4;
/** a `create` rule's value */
const CREATED = 5;
/** a `pixels complete` block's CS value */
const CODE_STRING = 6;
type MarkerKind = typeof SOP_INSTANCE_UID | typeof IDENTITY_REMOVED | typeof METHOD | typeof METHOD_CODES | typeof LONGITUDINAL | typeof CREATED | typeof CODE_STRING;

interface Marker {
  tag: number;
  kind: MarkerKind;
  /** the UID (SOP_INSTANCE_UID), the value (CODE_STRING), or the value a `create lookup` found (CREATED) */
  value: string;
  /** the attribute's VR (CREATED) */
  vr: string;
  /** the `create` rule that adds it (CREATED) */
  rule: PlannedRule | null;
  /** the `pixels complete` block that sets it (CODE_STRING) */
  source: IrSource | null;
  /** what the record says was done */
  action: string;
}

/** How a created value is written: as the walk writes a value a rule sets. */
export interface ValueWriter {
  writeTextValue(tag: number, vr: string, text: string): void;
}

const byTag = (x: Marker, y: Marker): number => x.tag - y.tag;

export class Markers {
  private readonly list: Marker[] = [];
  /** the first marker not yet written */
  private next = 0;
  private readonly methodValues: string[];
  private readonly codes: MethodCode[];
  /** where the Longitudinal Temporal Information Modified value is, once written */
  private longitudinalOffset = -1;
  /** the size of the marker's length field (2 in explicit VR, where CS has the short form; 4 in implicit VR) and its byte order */
  private longitudinalLengthWidth = 2;
  private longitudinalLittle = true;

  /** `instanceUid`: the SOP Instance UID to add, when the dataset has none. */
  constructor(
    plan: ExecutionPlan,
    top: TopLevel,
    instanceUid: string | null,
    private readonly out: DatasetWriter,
    private readonly record: ObjectRecord,
    private readonly ctx: ObjectContext,
    private readonly dates: DateTally,
    private readonly values: ValueWriter,
  ) {
    this.methodValues = [...top.existingMethods];
    for (const m of plan.methodDescription) if (!this.methodValues.includes(m)) this.methodValues.push(m);
    this.codes = [...top.existingCodes];
    for (const c of plan.methodCodes) if (!this.codes.some((x) => x.value === c.value && (x.scheme === c.scheme || x.scheme === ""))) this.codes.push(c);
    if (instanceUid !== null) this.add(TAG_SOP_INSTANCE_UID, SOP_INSTANCE_UID, instanceUid);
    this.add(TAG_PATIENT_IDENTITY_REMOVED, IDENTITY_REMOVED, "");
    this.add(TAG_DEIDENTIFICATION_METHOD, METHOD, "");
    this.add(TAG_DEIDENTIFICATION_METHOD_CODES, METHOD_CODES, "");
    this.add(TAG_LONGITUDINAL_MODIFIED, LONGITUDINAL, "");
    this.addCreated(plan, top);
  }

  private add(tag: number, kind: MarkerKind, value: string): void {
    this.list.push({ tag, kind, value, vr: "", rule: null, source: null, action: "insert" });
  }

  private has(tag: number): boolean {
    for (const m of this.list) if (m.tag === tag) return true;
    return false;
  }

  /**
   * `create` rules: a top-level attribute the object lacks is added when the rule that would decide
   * it, were it present, is a `create` whose condition holds (first matching rule wins, as always).
   * A `create lookup` is looked up here, before anything is written, so that a miss under `else
   * quarantine` sets the object aside whole; a `create` value is computed where it is written.
   */
  private addCreated(plan: ExecutionPlan, top: TopLevel): void {
    const ctx = this.ctx;
    for (const tag of plan.createTags) {
      if (top.present.has(tag) || this.has(tag)) continue;
      const vr = lookupTag(tag)?.vrs[0] ?? "UN";
      // The attribute is absent: a condition or a key reading `value` (`any where`) sees nothing.
      const element = ctx.element;
      ctx.element = null;
      try {
        const deciding = ctx.topLevelRule(tag, vr);
        const a = deciding?.action;
        if (!deciding || !a) continue;
        if (a.ir.kind === "set" && a.ir.mode === "create") {
          this.list.push({ tag, kind: CREATED, value: "", vr, rule: deciding, source: null, action: "create" });
        } else if (a.ir.kind === "lookup" && a.ir.mode === "create") {
          const found = this.lookUp(plan, a, tag, deciding);
          if (found !== null) this.list.push({ tag, kind: CREATED, value: found.value, vr, rule: deciding, source: null, action: found.hit ? "create" : "lookup-miss/create" });
        }
      } finally {
        ctx.element = element;
      }
    }
    if (plan.createTags.length > 0) this.list.sort(byTag);
  }

  /**
   * The value a `create lookup` adds: the table's, or on a miss its `else`'s (a value, or a nested
   * lookup's); null when the miss adds nothing (`else remove`, `else keep`, and the codes the
   * checker refuses there). A miss under `else quarantine` quarantines the object.
   */
  private lookUp(plan: ExecutionPlan, a: PlannedAction, tag: number, rule: PlannedRule): { value: string; hit: boolean } | null {
    const ir = a.ir;
    if (ir.kind !== "lookup") return ir.kind === "set" ? { value: asText(a.value!(this.ctx)), hit: false } : null;
    const hit = plan.tables.get(ir.table)?.get(lookupKeyOf(a.keys!, this.ctx));
    if (hit !== undefined) return { value: hit, hit: true };
    if (ir.otherwise.kind === "quarantine") {
      throw new QuarantineError(`no entry in ${ir.table} for ${lookupKeyLabel(ir.keys, lookupTag(tag)?.keyword ?? hex(tag))}`, rule.source);
    }
    const found = this.lookUp(plan, a.otherwise!, tag, rule);
    return found && { value: found.value, hit: false };
  }

  /** Adds a code to De-identification Method Code Sequence, unless a code of that value is there. */
  addCode(code: MethodCode): void {
    if (!this.codes.some((c) => c.value === code.value)) this.codes.push(code);
  }

  /** Adds a CS value a `pixels complete` block sets, in tag order, in place of the input's element and of a `create` rule's marker. */
  setCodeString(tag: number, value: string, source: IrSource): void {
    const same = this.list.findIndex((m) => m.tag === tag);
    if (same >= 0) this.list.splice(same, 1);
    const at = this.list.findIndex((m) => m.tag > tag);
    this.list.splice(at < 0 ? this.list.length : at, 0, { tag, kind: CODE_STRING, value, vr: "", rule: null, source, action: "set" });
  }

  /** Writes the markers that come before `tag`, and records each. */
  writeBefore(tag: number): void {
    while (this.next < this.list.length && this.list[this.next]!.tag < tag) {
      const marker = this.list[this.next]!;
      this.write(marker);
      this.record.touched.push({ path: hex(marker.tag), action: marker.action, rule: marker.rule ? marker.rule.source : marker.source });
      this.next++;
    }
  }

  /** Whether the next marker to write is `tag` itself: the input's own element is replaced by it. */
  replaces(tag: number): boolean {
    return this.next < this.list.length && this.list[this.next]!.tag === tag;
  }

  /** Writes the markers the walk did not reach (those after the dataset's last element). */
  writeRemaining(): void {
    this.writeBefore(0x100000000);
  }

  /**
   * Patches the Longitudinal Temporal Information Modified value in, now that every date has been met.
   * The 10 bytes reserved for the longest value shrink to the value's own even length (MODIFIED is
   * written as 8 bytes, not padded with two spaces): the element is top-level and every sequence is
   * closed by now, so only its own length field counts the bytes cut.
   */
  finishLongitudinal(existing: string | null): void {
    if (this.longitudinalOffset < 0) return;
    const dates = this.dates;
    let value = longitudinalValue(dates.modified > 0 ? "MODIFIED" : dates.kept > 0 ? "UNMODIFIED" : "REMOVED", existing);
    if (value.length & 1) value += " ";
    const sink = this.out.sink;
    // an offset in the sink's own bytes: the marker is never a referenced value
    sink.bytes().set(ENCODER.encode(value), this.longitudinalOffset);
    if (value.length < LONGITUDINAL_RESERVED) {
      sink.cut(this.longitudinalOffset + value.length, LONGITUDINAL_RESERVED - value.length);
      if (this.longitudinalLengthWidth === 2) sink.setUint16(this.longitudinalOffset - 2, value.length, this.longitudinalLittle);
      else sink.setUint32(this.longitudinalOffset - 4, value.length, this.longitudinalLittle);
    }
  }

  private write(marker: Marker): void {
    const out = this.out;
    switch (marker.kind) {
      case SOP_INSTANCE_UID:
        out.writeText(TAG_SOP_INSTANCE_UID, "UI", marker.value);
        return;
      case IDENTITY_REMOVED:
        out.writeText(TAG_PATIENT_IDENTITY_REMOVED, "CS", "YES");
        return;
      case METHOD:
        out.writeText(TAG_DEIDENTIFICATION_METHOD, "LO", this.methodValues.map((m) => truncateToVrLength(m.replace(/\\/g, "/"), "LO")).join("\\"));
        return;
      case METHOD_CODES:
        out.beginSequence(TAG_DEIDENTIFICATION_METHOD_CODES, "SQ");
        for (const c of this.codes) {
          out.beginItem();
          out.writeText(TAG_CODE_VALUE, "SH", c.value);
          out.writeText(TAG_CODING_SCHEME, "SH", c.scheme || "DCM");
          out.writeText(TAG_CODE_MEANING, "LO", truncateToVrLength(c.meaning, "LO"));
          out.endItem();
        }
        out.endSequence();
        return;
      case LONGITUDINAL:
        // The value depends on dates that may follow; reserve the longest value's bytes and patch at the end.
        out.writeHeader(TAG_LONGITUDINAL_MODIFIED, "CS", LONGITUDINAL_RESERVED);
        this.longitudinalOffset = out.length;
        this.longitudinalLengthWidth = out.encoding.explicitVr ? 2 : 4;
        this.longitudinalLittle = out.encoding.littleEndian;
        out.copy(UNMODIFIED, 0, LONGITUDINAL_RESERVED);
        return;
      case CREATED: {
        // The attribute is absent: `value` has nothing to read.
        const ctx = this.ctx;
        const element = ctx.element;
        ctx.element = null;
        try {
          const action = marker.rule!.action;
          this.values.writeTextValue(marker.tag, marker.vr, action.ir.kind === "set" ? asText(action.value!(ctx)) : marker.value);
        } finally {
          ctx.element = element;
        }
        if (marker.vr === "DA" || marker.vr === "DT") this.dates.modified++;
        return;
      }
      case CODE_STRING:
        out.writeText(marker.tag, "CS", marker.value);
        return;
    }
  }
}
