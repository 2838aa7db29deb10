import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AtomicStreamWriter, temporaryPathFor, writeFileAtomic } from "../../src/run/atomic";
import { tempDir } from "./helpers";

describe("atomic writes", () => {
  it("uses a hidden temporary name in the target's folder", () => {
    const t = temporaryPathFor("/a/b/c.dcm");
    expect(t.startsWith("/a/b/.c.dcm.")).toBe(true);
    expect(t.endsWith(".deidc-tmp")).toBe(true);
    expect(temporaryPathFor("/a/b/c.dcm")).not.toBe(t);
  });

  it("replaces an existing file and leaves no temporary file", async () => {
    const dir = tempDir();
    const target = join(dir, "x.dcm");
    writeFileSync(target, "old");
    await writeFileAtomic(target, "new");
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["x.dcm"]);
  });

  it("cleans up when the rename fails", async () => {
    const dir = tempDir();
    const folder = join(dir, "taken");
    writeFileSync(join(dir, "keep"), "");
    // Renaming a file over a non-empty folder fails after the temporary file is written.
    mkdirSync(join(folder, "inside"), { recursive: true });
    await expect(writeFileAtomic(folder, "data")).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(["keep", "taken"]);
  });

  it("streams to a temporary file that appears under its name only on commit", async () => {
    const dir = tempDir();
    const target = join(dir, "report.jsonl");
    const committed = await AtomicStreamWriter.create(target);
    await committed.write("a\n");
    expect(existsSync(target)).toBe(false);
    await committed.write("b\n");
    await committed.commit();
    expect(readFileSync(target, "utf8")).toBe("a\nb\n");

    // Lines of every UTF-8 length, one longer than the buffer, and enough to fill it many times over.
    const lines = ["é à ü", "漢字かな", "🙂 surrogate pair", "x".repeat(AtomicStreamWriter.FLUSH_AT * 2 + 3), "ascii"];
    for (let i = 0; i < 3000; i++) lines.push(`{"line":${i},"text":"${"ÿ".repeat(i % 700)}🙂"}`);
    const big = await AtomicStreamWriter.create(join(dir, "big.jsonl"));
    for (const line of lines) await big.write(line, true);
    await big.write("no line end");
    await big.commit();
    expect(readFileSync(join(dir, "big.jsonl"), "utf8")).toBe(lines.map((l) => l + "\n").join("") + "no line end");

    // Writes not awaited in turn still land in call order, across buffer flushes.
    const overlapping = Array.from({ length: 12 }, (_, i) => String.fromCharCode(0x41 + i).repeat(300_000));
    const racing = await AtomicStreamWriter.create(join(dir, "racing.jsonl"));
    await Promise.all(overlapping.map((line) => racing.write(line, true)));
    await racing.commit();
    expect(readFileSync(join(dir, "racing.jsonl"), "utf8")).toBe(overlapping.map((l) => l + "\n").join(""));

    const discarded = await AtomicStreamWriter.create(join(dir, "other.jsonl"));
    await discarded.write("x\n");
    await discarded.discard();
    await discarded.discard();
    expect(readdirSync(dir).sort()).toEqual(["big.jsonl", "racing.jsonl", "report.jsonl"]);
  });
});
