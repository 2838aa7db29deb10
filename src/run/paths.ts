// Path comparisons for the safety checks: an output must never land on an
// input, and identifying material (crosswalk, quarantined originals) must
// never land inside the de-identified output tree.

import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** Is `child` the same path as `parent` or below it? Both absolute. */
export function isSameOrInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(".." + sep) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The path with symbolic links resolved as far as it exists: the longest
 * existing ancestor is resolved and the rest appended. A folder that does not
 * exist yet (an output folder before the run) is compared by where it will be.
 */
export function canonicalPath(path: string): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

/** A relative path with "/" separators, as the report and the messages show it. */
export function slashPath(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/** A path as messages show it: relative to the working folder when inside it, else absolute. */
export function displayPath(path: string): string {
  const absolute = resolve(path);
  const rel = relative(process.cwd(), absolute);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? slashPath(rel) : absolute;
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a folder",
  ENOTDIR: "a parent is not a folder",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EMFILE: "too many open files",
  ENAMETOOLONG: "name too long",
  EIO: "input/output error",
  ELOOP: "too many symbolic links",
  EEXIST: "already exists",
};

/** A short reason for a failed file operation, from its error code; never the error's full text, which may quote paths twice. */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && FS_REASONS[code]) return FS_REASONS[code];
  return code ?? (error instanceof Error ? error.message : String(error));
}
