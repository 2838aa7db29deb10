// Expanding the command line's inputs into the files to process, in a fixed
// order: inputs in command-line order, the files below each folder sorted by
// their path relative to it (code-unit order, so the result does not depend
// on the locale or the file system's listing order). Output, report line
// order and crosswalks follow this order, which makes a run reproducible.

import { realpathSync, statSync, type Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { fsReason } from "./paths";

export interface InputFile {
  kind: "file";
  /** the path as the report and messages show it: the argument joined with the path below it */
  display: string;
  /** the absolute path with symbolic links resolved: what "never overwrite an input" compares */
  canonical: string;
  /** "/"-separated path relative to its input folder, or the file name for a file argument */
  mirrorPath: string;
  /** index of the command-line input it came from */
  root: number;
  size: number;
}

/** An input path that yields no object to process: missing, unreadable, an empty folder. */
export interface InputProblem {
  kind: "problem";
  display: string;
  reason: string;
  root: number;
}

export type InputEntry = InputFile | InputProblem;

export interface InputRoot {
  argument: string;
  folder: boolean;
}

export interface CollectedInputs {
  entries: InputEntry[];
  roots: InputRoot[];
}

export interface CollectOptions {
  /** canonical paths of folders and files never to treat as input: the output, quarantine and crosswalk folders and the report */
  exclude: readonly string[];
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Names in `folder` that are valid UTF-8. Node gives a name that is not
 * (a Latin-1 "Müller.dcm" from an old system) with U+FFFD in place of the bad
 * bytes, and no file has that name: opening it fails with "no such file".
 */
async function validUtf8Names(folder: string): Promise<Set<string>> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const valid = new Set<string>();
  for (const raw of await readdir(folder, { encoding: "buffer" })) {
    try {
      valid.add(decoder.decode(raw));
    } catch {
      // not UTF-8: reported by the caller
    }
  }
  return valid;
}

const NOT_UTF8 = "the file name is not valid UTF-8, so it cannot be opened or written under its name; rename it (e.g. `convmv -f latin1 -t utf8 --notest`)";

/** Hidden files and folders (a leading dot) are skipped: editor backups, `.DS_Store`, and this tool's own temporary files. */
function isHidden(name: string): boolean {
  return name.startsWith(".");
}

export async function collectInputs(args: readonly string[], options: CollectOptions): Promise<CollectedInputs> {
  const excluded = new Set(options.exclude);
  const seenFiles = new Set<string>();
  const entries: InputEntry[] = [];
  const roots: InputRoot[] = [];

  for (const [root, argument] of args.entries()) {
    let info;
    try {
      info = statSync(argument);
    } catch (e) {
      roots.push({ argument, folder: false });
      entries.push({ kind: "problem", display: argument, reason: fsReason(e), root });
      continue;
    }
    if (info.isFile()) {
      roots.push({ argument, folder: false });
      const canonical = realpathSync(argument);
      if (seenFiles.has(canonical) || excluded.has(canonical)) continue;
      seenFiles.add(canonical);
      entries.push({ kind: "file", display: argument, canonical, mirrorPath: basename(argument), root, size: info.size });
      continue;
    }
    if (!info.isDirectory()) {
      roots.push({ argument, folder: false });
      entries.push({ kind: "problem", display: argument, reason: "not a regular file or folder", root });
      continue;
    }
    roots.push({ argument, folder: true });

    // Each folder's entries sorted by relative path; problems are placed where their path sorts.
    const found: { rel: string; entry: InputEntry }[] = [];
    const visitedFolders = new Set<string>();
    const walk = async (folder: string, rel: string): Promise<void> => {
      const canonicalFolder = realpathSync(folder);
      // A symbolic link back up the tree would loop forever; a folder reached twice is walked once.
      if (visitedFolders.has(canonicalFolder) || excluded.has(canonicalFolder)) return;
      visitedFolders.add(canonicalFolder);
      let children: Dirent[];
      try {
        children = await readdir(folder, { withFileTypes: true });
      } catch (e) {
        found.push({ rel, entry: { kind: "problem", display: folder, reason: `cannot list the folder: ${fsReason(e)}`, root } });
        return;
      }
      // Sorted, so which of two paths to one folder is walked does not depend on the listing order.
      children.sort((a, b) => byCodeUnits(a.name, b.name));
      let utf8Names: Set<string> | null = null;
      /** names with U+FFFD met so far in this folder: a second one is a name that is not UTF-8 decoded like the first */
      const replaced = new Set<string>();
      for (const child of children) {
        if (isHidden(child.name)) continue;
        const path = join(folder, child.name);
        const childRel = rel === "" ? child.name : `${rel}/${child.name}`;
        if (child.name.includes("\uFFFD")) {
          // The path names the valid file, if there is one of that name: the first listing of the name is it, any other is not UTF-8.
          const first = !replaced.has(child.name);
          replaced.add(child.name);
          if (!first || !(utf8Names ??= await validUtf8Names(folder)).has(child.name)) {
            found.push({ rel: childRel, entry: { kind: "problem", display: path, reason: NOT_UTF8, root } });
            continue;
          }
        }
        let childInfo;
        try {
          childInfo = statSync(path);
        } catch (e) {
          // A dangling symbolic link, or a file removed while walking.
          found.push({ rel: childRel, entry: { kind: "problem", display: path, reason: fsReason(e), root } });
          continue;
        }
        if (childInfo.isDirectory()) await walk(path, childRel);
        else if (childInfo.isFile()) {
          // Only a symbolic link needs resolving: a file listed in a folder is where the folder is.
          const canonical = child.isSymbolicLink() ? realpathSync(path) : join(canonicalFolder, child.name);
          if (excluded.has(canonical)) continue;
          found.push({ rel: childRel, entry: { kind: "file", display: path, canonical, mirrorPath: childRel, root, size: childInfo.size } });
        } else {
          found.push({ rel: childRel, entry: { kind: "problem", display: path, reason: "not a regular file (a device, socket or pipe)", root } });
        }
      }
    };
    await walk(argument, "");
    if (found.length === 0) {
      entries.push({ kind: "problem", display: argument, reason: "the folder holds no files (hidden files are skipped)", root });
      continue;
    }
    found.sort((a, b) => byCodeUnits(a.rel, b.rel));
    for (const { entry } of found) {
      // One file reached by two paths (a link, or an argument naming a file inside another argument) is processed once, under its first path.
      if (entry.kind === "file") {
        if (seenFiles.has(entry.canonical)) continue;
        seenFiles.add(entry.canonical);
      }
      entries.push(entry);
    }
  }
  return { entries, roots };
}
