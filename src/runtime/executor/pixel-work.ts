// The pixel work of one object, decided once before the walk: which `pixels`
// blocks apply, which overlay bits embedded in the pixel data go with the
// overlays the profile removes, whether the JPEG bitstream must be scanned for
// APPn/COM metadata (always, for JPEG-family data), and how the top-level Icon
// Image Sequence, a thumbnail of the image, is blanked to match. The walk
// hands it the top-level Pixel Data and the icon's.

import type { DicomCursor, DatasetWriter, DicomFile } from "../dicom";
import { applyPixelRules, describeImage, imageAttributesFrom, planRegions, transferSyntaxInfo, type ImageGeometry, type ObjectRegions, type PlannedRegion } from "../pixels";
import { TAG_ICON_IMAGE_SEQUENCE, blankIcon, type IconOutcome } from "../pixels/icon";
import type { IrPixelRule, IrSource } from "../../ir/types";
import type { ExecutionPlan } from "./index";
import type { Markers } from "./markers";
import type { ObjectContext } from "./object-context";
import { keepsUnchanged, type PlannedRule } from "./plan";
import { TAG_BURNED_IN_ANNOTATION, TAG_PIXEL_DATA } from "./tags";
import type { TopLevel } from "./top-level";
import type { ObjectRecord } from "./types";

/** The rule that asked for pixel work on the object (a `pixels` block, or the removal of overlays kept in pixel bits): what a pixel quarantine names. */
export interface PixelWorkSource {
  source: IrSource | null;
}

/** How the walk decides an element (ObjectRewrite.decide): asked here for top-level attributes before the walk. */
export interface ElementDecider {
  decide(tag: number, vr: string, creator: string | undefined, isPrivate: boolean): PlannedRule | null;
}

const CLEAN_PIXEL_DATA_CODE = { value: "113101", scheme: "DCM", meaning: "Clean Pixel Data Option" };

export class PixelWork {
  /** whether the top-level Pixel Data may be rewritten: then the walk hands it over (and drops a stale Extended Offset Table) */
  readonly possible: boolean;
  private readonly rules: IrPixelRule[];
  private readonly overlayBitPositions: number[] = [];
  private readonly objectRegions: ObjectRegions;
  private geometry: ImageGeometry | null = null;
  /** per item of a kept top-level Icon Image Sequence: its blanked Pixel Data, or why it cannot be blanked (the sequence then goes) */
  private icons: IconOutcome[] | null = null;

  constructor(
    decider: ElementDecider,
    plan: ExecutionPlan,
    private readonly file: DicomFile,
    private readonly top: TopLevel,
    ctx: ObjectContext,
    markers: Markers,
    work: PixelWorkSource,
    private readonly out: DatasetWriter,
    private readonly record: ObjectRecord,
  ) {
    const rules = (this.rules = plan.pixels.empty ? [] : plan.pixels.select(ctx));
    for (let group = 0x6000; group <= 0x601e; group += 2) {
      const bitsAllocated = top.values.get(((group << 16) | 0x0100) >>> 0);
      const bitPosition = top.values.get(((group << 16) | 0x0102) >>> 0);
      if (typeof bitsAllocated !== "number" || bitsAllocated <= 1 || typeof bitPosition !== "number") continue;
      if (top.overlayData?.has(group)) continue;
      const rule = decider.decide(((group << 16) | 0x3000) >>> 0, "OW", undefined, false);
      const a = rule?.action.ir;
      if (a && a.kind === "code" && (a.code === "X" || a.code === "Z" || a.code === "X/Z" || a.code === "C")) {
        this.overlayBitPositions.push(bitPosition);
        work.source ??= rule!.source;
      }
    }
    if (rules.length > 0) work.source = rules[0]!.source;
    const encoding = transferSyntaxInfo(file.transferSyntaxUid).encoding;
    this.possible = rules.length > 0 || this.overlayBitPositions.length > 0 || encoding === "jpeg" || encoding === "jpeg-ls" || encoding === "jpeg-2000";
    // Both markers of cleaned pixels come before Pixel Data (0012,0064 and 0028,0301 < 7FE0,0010), so
    // they are decided from the plan: the regions that will be filled. Should filling then fail, the
    // object is quarantined and nothing is written, so the markers never claim what did not happen.
    this.objectRegions = { ultrasound: top.ultrasoundRegions };
    if (rules.length > 0 && top.present.has(TAG_PIXEL_DATA)) {
      if (keepsUnchanged(decider.decide(TAG_PIXEL_DATA, top.pixelDataVr ?? "OW", undefined, false))) {
        // Clean Pixel Data (113101): some rectangle is filled in some frame of this object.
        const planned = planRegions(this.imageGeometry(), rules, this.objectRegions);
        const cleans = planned.some((r) => r.frames.length > 0);
        // The icon is a thumbnail of this image: met before Pixel Data in the walk, so blanked now.
        if (cleans) this.icons = this.planIcons(decider, planned);
        if (cleans) markers.addCode(CLEAN_PIXEL_DATA_CODE);
        // `pixels complete`: the author states the block removes every burned-in text of this layout.
        const complete = rules.find((r) => r.complete === true);
        if (complete) markers.setCodeString(TAG_BURNED_IN_ANNOTATION, "NO", complete.source);
      }
    }
  }

  private imageGeometry(): ImageGeometry {
    return (this.geometry ??= describeImage(imageAttributesFrom((t) => this.top.values.get(t), this.file.transferSyntaxUid)));
  }

  private planIcons(decider: ElementDecider, planned: readonly PlannedRegion[]): IconOutcome[] | null {
    const items = this.top.iconItems;
    if (items === null || items.length === 0) return null;
    const a = decider.decide(TAG_ICON_IMAGE_SEQUENCE, "SQ", undefined, false)?.action.ir;
    if (a && (a.kind !== "code" || a.code === "X" || a.code === "Z" || a.code === "X/Z")) return null;
    return items.map((item) => blankIcon(this.imageGeometry(), planned, item, this.file.transferSyntaxUid));
  }

  /**
   * Writes the top-level Pixel Data under the cursor through the pixel layer, referenced if `reference`
   * (else copied); false when the pixel layer leaves it unchanged (the caller then writes it as it is).
   */
  writePixelData(c: DicomCursor, reference: boolean): boolean {
    const result = applyPixelRules({
      element: c.bytes.subarray(c.headerOffset, c.endOffset),
      encoding: { littleEndian: c.littleEndian, explicitVr: c.explicitVr },
      geometry: this.imageGeometry(),
      rules: this.rules,
      objectRegions: this.objectRegions,
      stripJpegMetadata: true,
      overlayBitPositions: this.overlayBitPositions,
    });
    for (const entry of result.report) {
      const source = "source" in entry ? (entry.source ?? null) : null;
      this.record.touched.push({ path: "(7FE0,0010)", action: entry.kind, rule: source });
    }
    if (result.element === null) return false;
    if (reference) this.out.reference(result.element, 0, result.element.length);
    else this.out.copy(result.element, 0, result.element.length);
    return true;
  }

  /** Whether the items of the top-level Icon Image Sequence get blanked icons (writeIcon). */
  get blanksIcons(): boolean {
    return this.icons !== null;
  }

  /** Writes the blanked Pixel Data of icon `item` (and records it); false when that item has none. */
  writeIcon(item: number): boolean {
    const icon = this.icons?.[item];
    if (icon?.kind !== "blanked") return false;
    this.out.copy(icon.element, 0, icon.element.length);
    for (const b of icon.blanked) this.record.touched.push({ path: `(0088,0200)[${item}]/(7FE0,0010)`, action: "icon-blanked", rule: b.source });
    return true;
  }

  /** Whether the top-level Icon Image Sequence goes because its icon cannot be blanked (recorded here). */
  removesIcon(): boolean {
    const removal = this.icons?.find((o) => o.kind === "removed");
    if (removal?.kind !== "removed") return false;
    // An icon that cannot be blanked is a thumbnail of the text the blocks remove: it never leaves.
    this.record.touched.push({ path: "(0088,0200)", action: "icon-removed", rule: null });
    this.record.warnings.push(`Icon Image Sequence (0088,0200) removed: ${removal.reason}`);
    return true;
  }
}
