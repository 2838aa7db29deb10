// Where the shared DICOM corpus is: $DEIDC_CORPUS, else shared/corpus beside
// the work tree (as on developer machines and in CI). Tests that need it skip,
// visibly, when it is absent; its files are never copied into the repository.

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const CORPUS_DIR: string | undefined = [process.env.DEIDC_CORPUS, resolve(repoRoot, "../shared/corpus"), "/work/shared/corpus"].find(
  (dir): dir is string => dir !== undefined && existsSync(dir),
);

export function warnIfNoCorpus(suite: string): void {
  if (!CORPUS_DIR) console.warn(`[${suite}] skipped: no DICOM corpus (set DEIDC_CORPUS or provide ../shared/corpus)`);
}
