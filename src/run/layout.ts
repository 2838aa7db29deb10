// Where each de-identified object goes below the output folder.
//
// mirror: the input tree, relative to each input folder (a file argument goes
//   to the output folder under its own name). File and folder names are kept
//   as they are, so this layout is only safe when they identify nobody.
// patient/study/series: <patient>/<study>/<series>/<sop>.dcm built from the
//   record's NEW identifiers (replacement Patient ID and UIDs), so no input
//   name reaches the output. An object a `skip` filter passed through has no
//   new identifiers (it keeps its own), and goes to its mirror path.

import type { ObjectRecord } from "../runtime/executor/types";
import type { InputFile } from "./inputs";

export const LAYOUTS = ["mirror", "patient/study/series"] as const;
export type LayoutName = (typeof LAYOUTS)[number];

export function isLayoutName(value: string): value is LayoutName {
  return (LAYOUTS as readonly string[]).includes(value);
}

/** Longest name kept: most file systems allow 255 bytes, and ".dcm" plus a temporary-name prefix must still fit. */
const MAX_SEGMENT_LENGTH = 120;

/** Names Windows reserves in any folder; a release copied to Windows must not trip over them. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * One path segment safe on every common file system: only letters, digits,
 * ".", "_" and "-" (UIDs and typical pseudonyms pass through unchanged);
 * anything else becomes "_". A leading dot (hidden, or "..") and reserved
 * device names get a "_" prefix.
 */
export function sanitizeSegment(value: string): string {
  let name = value.trim().replace(/[^A-Za-z0-9._-]/g, "_");
  if (name.length > MAX_SEGMENT_LENGTH) name = name.slice(0, MAX_SEGMENT_LENGTH);
  if (name === "") return "_";
  if (name.startsWith(".") || WINDOWS_RESERVED.test(name)) name = "_" + name;
  return name;
}

export type LayoutResult = { path: string } | { problem: string };

/** The "/"-separated output path of a written object, relative to the output folder. */
export function outputPathFor(layout: LayoutName, input: InputFile, record: ObjectRecord): LayoutResult {
  // A skipped object is the input unchanged, with its original identifiers: named after none of them.
  if (layout === "mirror" || record.outcome === "skipped") return { path: input.mirrorPath };
  const sop = record.newSopInstanceUid?.trim();
  if (!sop) return { problem: "the object has no SOP Instance UID, which --layout patient/study/series needs to name its file" };
  // Patient ID is type 2 (may be empty); study and series UIDs are type 1 but
  // some objects lack them: such objects still get a place, named for what is missing.
  const patient = record.newPatientId?.trim() || "no-patient-id";
  const study = record.newStudyUid?.trim() || "no-study-uid";
  const series = record.newSeriesUid?.trim() || "no-series-uid";
  return { path: [sanitizeSegment(patient), sanitizeSegment(study), sanitizeSegment(series), sanitizeSegment(sop) + ".dcm"].join("/") };
}
