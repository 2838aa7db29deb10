// Reading inputs into reused buffers (synchronously in a worker, read ahead
// asynchronously in the main thread): each read gives exactly the file's
// bytes, whatever was read before; a file that cannot be read is a reason;
// a file whose size is not what it says (it changed while being read, or a
// system file that reports 0 bytes) is read again, whole.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LARGE_OBJECT_BYTES, ReadAheadPool, ReusingReader } from "../../src/run/stage";
import { put, tempDir } from "./helpers";

describe("ReusingReader", () => {
  it("gives each file's bytes, larger and smaller than the one before", () => {
    const dir = tempDir();
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff);
    const files = [put(join(dir, "small"), "abc"), put(join(dir, "big"), big), put(join(dir, "empty"), ""), put(join(dir, "mid"), "0123456789")];
    const reader = new ReusingReader();
    const texts = files.map((f) => {
      const read = reader.read(f);
      if ("problem" in read) throw new Error(read.problem);
      return Buffer.from(read.bytes).toString("latin1");
    });
    expect(texts).toEqual(["abc", Buffer.from(big).toString("latin1"), "", "0123456789"]);
  });

  it("names why a file cannot be read", () => {
    const read = new ReusingReader().read(join(tempDir(), "missing.dcm"));
    expect(read).toEqual({ problem: expect.stringMatching(/^cannot read the file: /) });
    expect(new ReusingReader().read(tempDir())).toEqual({ problem: expect.stringMatching(/^cannot read the file: /) });
  });
});

describe("ReadAheadPool", () => {
  const text = (read: Awaited<ReturnType<ReadAheadPool["read"]>>): string => {
    if ("problem" in read) throw new Error(read.problem);
    return Buffer.from(read.bytes).toString("latin1");
  };

  it("keeps the bytes of every read until released, and reuses a released buffer", async () => {
    const dir = tempDir();
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff);
    const files = [put(join(dir, "small"), "abc"), put(join(dir, "big"), big), put(join(dir, "empty"), ""), put(join(dir, "mid"), "0123456789")];
    const pool = new ReadAheadPool();
    // All four in flight at once, as the batch driver reads ahead: none overwrites another.
    const reads = await Promise.all(files.map((f) => pool.read(f, false)));
    expect(reads.map(text)).toEqual(["abc", Buffer.from(big).toString("latin1"), "", "0123456789"]);
    const first = reads[1]!;
    if ("problem" in first) throw new Error(first.problem);
    first.release();
    // The released buffer comes back for the next read, which sees only its own bytes.
    const again = await pool.read(files[3]!, false);
    expect(text(again)).toBe("0123456789");
    if ("problem" in again) throw new Error(again.problem);
    expect(again.bytes.buffer).toBe(first.bytes.buffer);
  });

  it("reads large objects into one buffer while they follow each other, and drops it at the next small one", async () => {
    const dir = tempDir();
    const first = put(join(dir, "large1"), new Uint8Array(LARGE_OBJECT_BYTES).fill(9));
    const second = put(join(dir, "large2"), new Uint8Array(LARGE_OBJECT_BYTES).fill(7));
    const small = put(join(dir, "small"), "abc");
    const pool = new ReadAheadPool();
    const bytesOf = async (path: string): Promise<Uint8Array> => {
      const read = await pool.read(path, path !== small);
      if ("problem" in read) throw new Error(read.problem);
      read.release();
      return read.bytes;
    };
    const a = await bytesOf(first);
    expect(a.length).toBe(LARGE_OBJECT_BYTES);
    expect(a.every((b) => b === 9)).toBe(true);
    const b = await bytesOf(second);
    expect(b.buffer).toBe(a.buffer);
    expect(b.every((x) => x === 7)).toBe(true);
    expect(Buffer.from(await bytesOf(small)).toString("latin1")).toBe("abc");
    const c = await bytesOf(first);
    expect(c.buffer).not.toBe(a.buffer);
    expect(c.every((x) => x === 9)).toBe(true);
  });

  it("reads a file that grew past the large-object size after it was listed into a buffer of its own", async () => {
    const dir = tempDir();
    const listedLarge = put(join(dir, "large"), new Uint8Array(LARGE_OBJECT_BYTES).fill(1));
    const grown = put(join(dir, "grown"), new Uint8Array(LARGE_OBJECT_BYTES).fill(2));
    const pool = new ReadAheadPool();
    // The driver started the first as large (alone) and the second as small, beside it.
    const [a, b] = await Promise.all([pool.read(listedLarge, true), pool.read(grown, false)]);
    if ("problem" in a || "problem" in b) throw new Error("unreadable");
    expect(b.bytes.buffer).not.toBe(a.bytes.buffer);
    expect(a.bytes.every((x) => x === 1)).toBe(true);
    expect(b.bytes.every((x) => x === 2)).toBe(true);
  });

  it("names why a file cannot be read", async () => {
    expect(await new ReadAheadPool().read(join(tempDir(), "missing.dcm"), false)).toEqual({ problem: expect.stringMatching(/^cannot read the file: /) });
    expect(await new ReadAheadPool().read(tempDir(), false)).toEqual({ problem: expect.stringMatching(/^cannot read the file: /) });
  });
});

// /proc files report a size of 0 and hold more: what a file that grew between its stat and its read looks like.
describe.skipIf(!existsSync("/proc/self/status"))("a file larger than its size said", () => {
  it("is read again, whole, by both readers", async () => {
    const sync = new ReusingReader().read("/proc/self/status");
    const pooled = await new ReadAheadPool().read("/proc/self/status", false);
    for (const read of [sync, pooled]) {
      if ("problem" in read) throw new Error(read.problem);
      expect(Buffer.from(read.bytes).toString("latin1")).toMatch(/^Name:\t[^\n]+\n[\s\S]*\nPid:\t\d+\n/);
    }
  });
});
