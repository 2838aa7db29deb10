// One object through the executor: read the top level once for the values
// conditions need, apply the filters, then rewrite the dataset (the walk:
// object-rewrite.ts) and name the output in its File Meta. Semantics are in
// docs/executor.md.

import { DicomReadError, concatParts, openCursor, readPart10, writePart10Parts } from "../dicom";
import { TextEncodeError } from "../dicom/text";
import { asText } from "./expr";
import { MissingKeyError } from "./keys";
import type { ExecutionPlan } from "./index";
import type { ObjectParts, ObjectRecord, ObjectResult } from "./types";
import { PixelError } from "../pixels";
import { readTopLevel } from "./top-level";
import { QuarantineError, UnwritableObjectError } from "./errors";
import { checkImageOptions } from "./image-options";
import { ObjectContext } from "./object-context";
import { ObjectRewrite } from "./object-rewrite";
import { instanceFallback, isWritableUid } from "./output-name";
import type { PixelWorkSource } from "./pixel-work";
import { TAG_PATIENT_ID, TAG_SERIES_UID, TAG_SOP_CLASS_UID, TAG_SOP_INSTANCE_UID, TAG_STUDY_UID } from "./tags";

export { CHARACTERISTIC_TAGS, IDENTIFYING_TAGS } from "./object-cleaner";
export { longitudinalValue } from "./markers";

const TAG_DIRECTORY_RECORD_SEQUENCE = 0x00041220;
const MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10";

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

const TAG_ROWS = 0x00280010;
const TAG_COLUMNS = 0x00280011;
const PIXEL_DATA_TAGS = [0x7fe00008, 0x7fe00009, 0x7fe00010] as const; // Float, Double Float, Pixel Data
/** Pixel Data Provider URL: the pixels are fetched (JPIP), not in the object. */
const TAG_PIXEL_DATA_PROVIDER_URL = 0x00287fe0;

/**
 * An image whose file ends where its pixels should start: the element
 * boundary before Pixel Data is a clean end of file, so the reader finds no
 * error, and the output would be a valid-looking image with no image.
 */
function lacksItsPixels(present: ReadonlySet<number>): boolean {
  if (!present.has(TAG_ROWS) || !present.has(TAG_COLUMNS) || present.has(TAG_PIXEL_DATA_PROVIDER_URL)) return false;
  for (const tag of PIXEL_DATA_TAGS) if (present.has(tag)) return false;
  return true;
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

  if (lacksItsPixels(top.present)) {
    record.warnings.push("the object has Rows and Columns but no Pixel Data: an image file cut short before its pixels reads like this; the output has no image either");
  }

  const rewrite = new ObjectRewrite(plan, file, top, ctx, record, pixelWork, !datasetInstance);
  const dataset = rewrite.rewrite();
  ctx.reportEmptyKeys(record.warnings);
  checkImageOptions(plan, dataset, rewrite.outputEncoding);

  // The dataset's (new) UIDs name the output. A profile that removes the SOP Instance UID itself
  // leaves the File Meta with the fallback.
  const outputTop = rewrite.outputTop;
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
