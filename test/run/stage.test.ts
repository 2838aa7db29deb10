// Reading inputs into a reused buffer: each read gives exactly the file's
// bytes, whatever was read before; a file that cannot be read is a reason.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ReusingReader } from "../../src/run/stage";
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
