// writePart10Consuming: the executor's way of assembling a Part 10 file in the
// buffer its dataset was written to. Same bytes as writePart10, whether the
// buffer has room for the header or not, and for deflated transfer syntaxes.

import { describe, expect, it } from "vitest";
import { ByteSink, DatasetWriter, writePart10, writePart10Consuming, type FileMetaInput } from "../../../src/runtime/dicom/index";

const meta = (transferSyntaxUid: string): FileMetaInput => ({
  transferSyntaxUid,
  mediaStorageSopClassUid: "1.2.840.10008.5.1.4.1.1.7",
  mediaStorageSopInstanceUid: "2.25.1234567890",
  implementationClassUid: "2.25.42",
  implementationVersionName: "DEIDC_TEST",
});

/** A small explicit little endian dataset written into a sink of `capacity` bytes. */
function dataset(capacity: number): Uint8Array {
  const writer = new DatasetWriter({ littleEndian: true, explicitVr: true }, new ByteSink(capacity));
  writer.writeElement(0x00100010, "PN", new TextEncoder().encode("ANON^A"));
  writer.writeElement(0x7fe00010, "OW", new Uint8Array(1000).map((_, i) => i & 0xff));
  return writer.finish();
}

describe("writePart10Consuming", () => {
  it.each([
    ["with room after the dataset", () => dataset(1 << 16)],
    ["without room (a buffer exactly the dataset's size)", () => dataset(1 << 16).slice()],
  ])("writes what writePart10 writes, %s", (_what, make) => {
    for (const ts of ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99"]) {
      const expected = writePart10(meta(ts), make());
      const consumed = writePart10Consuming(meta(ts), make());
      expect(Buffer.from(consumed).equals(Buffer.from(expected)), ts).toBe(true);
    }
  });

  it("uses the dataset's own buffer when there is room", () => {
    const bytes = dataset(1 << 16);
    const file = writePart10Consuming(meta("1.2.840.10008.1.2.1"), bytes);
    expect(file.buffer).toBe(bytes.buffer);
  });
});
