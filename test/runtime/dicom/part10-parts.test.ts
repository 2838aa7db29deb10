// The executor's output as parts: writePart10Parts puts the File Meta header
// before the dataset's parts, and a sink's referenced values sit between its
// own bytes in the order they were written. The parts joined are what
// writePart10 writes for the same dataset written by copying.

import { describe, expect, it } from "vitest";
import { ByteSink, DatasetWriter, concatParts, writePart10, writePart10Parts, type FileMetaInput } from "../../../src/runtime/dicom/index";

const meta = (transferSyntaxUid: string): FileMetaInput => ({
  transferSyntaxUid,
  mediaStorageSopClassUid: "1.2.840.10008.5.1.4.1.1.7",
  mediaStorageSopInstanceUid: "2.25.1234567890",
  implementationClassUid: "2.25.42",
  implementationVersionName: "DEIDC_TEST",
});

const PIXELS = new Uint8Array(1000).map((_, i) => i & 0xff);

/** PatientName, Pixel Data (copied or referenced), then a trailing private element. */
function write(reference: boolean): DatasetWriter {
  const writer = new DatasetWriter({ littleEndian: true, explicitVr: true }, new ByteSink(16));
  writer.writeElement(0x00100010, "PN", new TextEncoder().encode("ANON^A"));
  const element = new DatasetWriter({ littleEndian: true, explicitVr: true });
  element.writeElement(0x7fe00010, "OW", PIXELS);
  const bytes = element.finish();
  if (reference) writer.reference(bytes, 0, bytes.length);
  else writer.copy(bytes, 0, bytes.length);
  writer.writeElement(0x7fe10010, "LO", new TextEncoder().encode("CREATOR"));
  return writer;
}

describe("writePart10Parts", () => {
  it("joins to what writePart10 writes, with the pixel data referenced or copied, for every encoding", () => {
    for (const ts of ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99"]) {
      const expected = writePart10(meta(ts), write(false).finish());
      for (const reference of [false, true]) {
        const joined = concatParts(writePart10Parts(meta(ts), write(reference).finishParts()));
        expect(Buffer.from(joined).equals(Buffer.from(expected)), `${ts} reference=${reference}`).toBe(true);
      }
    }
  });

  it("does not copy a referenced value: the part is a view of the caller's bytes", () => {
    const writer = new DatasetWriter({ littleEndian: true, explicitVr: true });
    const big = new Uint8Array(4096);
    writer.writeHeader(0x7fe00010, "OB", 4096);
    writer.reference(big, 0, big.length);
    const parts = writePart10Parts(meta("1.2.840.10008.1.2.1"), writer.finishParts());
    expect(parts.some((p) => p.buffer === big.buffer)).toBe(true);
    expect(writer.finish().length).toBe(12 + 4096);
  });

  it("refuses a reference inside a sequence, where a length is computed from the sink's own bytes", () => {
    const writer = new DatasetWriter({ littleEndian: true, explicitVr: true });
    writer.beginSequence(0x00082112, "SQ", false);
    expect(() => writer.reference(new Uint8Array(8), 0, 8)).toThrow(/inside a sequence/);
  });

  it("refuses to assemble parts after the sink was rewound past a reference", () => {
    const sink = new ByteSink(16);
    sink.writeAscii("abcd");
    sink.reference(new Uint8Array(4));
    sink.length = 2;
    expect(() => sink.parts()).toThrow(/rewound/);
  });
});
