// The SOP Instance UID that names an output whose dataset has none, or whose
// profile removed it: asked for before the walk (the dataset then gets it too,
// so that File Meta and dataset agree) and after it (the File Meta only).

import { createHash } from "node:crypto";
import { replacementUids } from "../actions";
import type { DicomFile } from "../dicom";
import type { ExecutionPlan } from "./index";
import { runKeyFor } from "./keys";
import type { ObjectContext } from "./object-context";
import { TAG_SOP_INSTANCE_UID } from "./tags";
import type { ObjectRecord } from "./types";

/** What the File Meta accepts as a UID (the writer's own test: digits and dots, at most 64 characters). */
export function isWritableUid(uid: string): boolean {
  return uid.length <= 64 && /^[0-9]+(\.[0-9]+)*$/.test(uid);
}

/**
 * The File Meta's instance UID is an identifier like any other, so it is replaced with the keyed UID,
 * unless the profile keeps SOP Instance UIDs (`ps315.retain-uids`, or a site's `K`): the rule that
 * would decide a top-level SOP Instance UID decides it too. Without one, a keyed UID of the content,
 * so that the same input always gets the same name. `why` starts the warning.
 */
export function instanceFallback(plan: ExecutionPlan, file: DicomFile, ctx: ObjectContext, record: ObjectRecord, why: string): string {
  const metaInstance = file.meta?.mediaStorageSopInstanceUid;
  if (metaInstance && isWritableUid(metaInstance) && ctx.keepsTopLevel(TAG_SOP_INSTANCE_UID, "UI")) {
    record.warnings.push(`${why}: the File Meta's, kept as the profile keeps SOP Instance UIDs, names the output`);
    return metaInstance;
  }
  if (metaInstance) {
    record.warnings.push(`${why}: the File Meta's, replaced, names the output`);
    return replacementUids(runKeyFor(plan, "naming an object that has no SOP Instance UID"), metaInstance);
  }
  record.warnings.push(`${why}, nor in the File Meta: a keyed UID derived from the content names the output`);
  return replacementUids(runKeyFor(plan, "naming an object that has no SOP Instance UID"), `content:${createHash("sha256").update(file.dataset).digest("hex")}`);
}
