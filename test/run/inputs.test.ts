import { mkdirSync, realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectInputs, type InputEntry } from "../../src/run/inputs";
import { put, tempDir } from "./helpers";

const summary = (entries: InputEntry[]): string[] => entries.map((e) => (e.kind === "file" ? `file ${e.mirrorPath}` : `problem ${e.display}: ${e.reason}`));

describe("collectInputs", () => {
  it("walks folders recursively in sorted path order, skipping hidden files and folders", async () => {
    const dir = tempDir();
    for (const p of ["b/2.dcm", "b/10.dcm", "a.dcm", "a/z.dcm", "B.dcm", ".hidden.dcm", ".git/x.dcm", "b/.DS_Store", "c/d/e.dcm"]) put(join(dir, p), "x");
    const { entries, roots } = await collectInputs([dir], { exclude: [] });
    expect(summary(entries)).toEqual(["file B.dcm", "file a.dcm", "file a/z.dcm", "file b/10.dcm", "file b/2.dcm", "file c/d/e.dcm"]);
    expect(roots).toEqual([{ argument: dir, folder: true }]);
    const first = entries[0]!;
    expect(first.kind === "file" && first.display).toBe(join(dir, "B.dcm"));
  });

  it("keeps command-line order across inputs; a file argument is mirrored under its own name", async () => {
    const dir = tempDir();
    put(join(dir, "z", "1.dcm"), "x");
    const single = put(join(dir, "deep", "er", "single.dcm"), "x");
    const { entries } = await collectInputs([join(dir, "z"), single], { exclude: [] });
    expect(summary(entries)).toEqual(["file 1.dcm", "file single.dcm"]);
  });

  it("reports a missing path, an empty folder and a special file as problems, in place", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "empty"));
    put(join(dir, "full", "a.dcm"), "x");
    symlinkSync(join(dir, "nowhere"), join(dir, "full", "b-dangling.dcm"));
    const { entries } = await collectInputs([join(dir, "missing.dcm"), join(dir, "empty"), join(dir, "full")], { exclude: [] });
    expect(summary(entries)).toEqual([
      `problem ${join(dir, "missing.dcm")}: no such file or folder`,
      `problem ${join(dir, "empty")}: the folder holds no files (hidden files are skipped)`,
      "file a.dcm",
      `problem ${join(dir, "full", "b-dangling.dcm")}: no such file or folder`,
    ]);
  });

  it("processes a file reached twice once, and survives a link loop", async () => {
    const dir = tempDir();
    const file = put(join(dir, "in", "a.dcm"), "x");
    symlinkSync(join(dir, "in"), join(dir, "in", "loop"));
    const { entries } = await collectInputs([join(dir, "in"), file], { exclude: [] });
    expect(summary(entries)).toEqual(["file a.dcm"]);
  });

  it("leaves out excluded folders (the output inside an input folder)", async () => {
    const dir = tempDir();
    put(join(dir, "in", "a.dcm"), "x");
    put(join(dir, "in", "out", "a.dcm"), "x");
    const { entries } = await collectInputs([join(dir, "in")], { exclude: [realpathSync(join(dir, "in", "out"))] });
    expect(summary(entries)).toEqual(["file a.dcm"]);
  });
});
