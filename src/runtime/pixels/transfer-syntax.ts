// How each transfer syntax stores pixel data, as far as the pixel layer cares:
// which bytes it can change itself (native, RLE, per-frame deflate), which
// JPEG-family bitstreams it can strip of metadata, and which codec (if any)
// blanking goes through.

import type { CodecFamily } from "./codecs/frame-codec";

export type PixelEncoding =
  /** uncompressed pixel data in the element's value (PS3.5 8.1, 8.2) */
  | "native"
  /** RLE Lossless (PS3.5 Annex G): decoded and re-encoded here */
  | "rle"
  /** Deflated Image Frame Compression: every frame raw-deflated on its own (PS3.5 8.2.16) */
  | "deflated-frames"
  /** ISO 10918-1 JPEG processes: marker segments can be edited, pixels need a codec */
  | "jpeg"
  /** ISO 14495-1 JPEG-LS: same marker syntax as JPEG, pixels need a codec */
  | "jpeg-ls"
  /** ISO 15444-1 JPEG 2000 and ISO 15444-15 HTJ2K codestreams: COM segments can be removed, pixels need a codec */
  | "jpeg-2000"
  /** JPEG 2000 Part 2 multi-component, JPEG XL, MPEG/HEVC video, and anything unknown: opaque here */
  | "opaque";

export interface TransferSyntaxInfo {
  uid: string;
  name: string;
  encoding: PixelEncoding;
  /** the encoding discards information, so decoding and re-encoding would lose more */
  lossy: boolean;
  /**
   * The codec that blanks this syntax's frames by decoding them and re-encoding them losslessly
   * (src/runtime/pixels/codecs), or null when deidc has none for it.
   */
  codec: CodecFamily | null;
}

const TABLE: readonly [uid: string, name: string, encoding: PixelEncoding, lossy: boolean, codec?: CodecFamily][] = [
  ["1.2.840.10008.1.2", "Implicit VR Little Endian", "native", false],
  ["1.2.840.10008.1.2.1", "Explicit VR Little Endian", "native", false],
  ["1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", "opaque", false],
  ["1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", "native", false],
  ["1.2.840.10008.1.2.2", "Explicit VR Big Endian", "native", false],
  ["1.2.840.10008.1.2.5", "RLE Lossless", "rle", false],
  ["1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", "deflated-frames", false],
  ["1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", "jpeg", true],
  ["1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", "jpeg", true],
  ["1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 & 5) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 & 13) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", "jpeg", false, "jpeg-lossless"],
  ["1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15) (retired)", "jpeg", false],
  ["1.2.840.10008.1.2.4.59", "JPEG Extended, Hierarchical (Process 16 & 18) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.60", "JPEG Extended, Hierarchical (Process 17 & 19) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.61", "JPEG Spectral Selection, Hierarchical (Process 20 & 22) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.62", "JPEG Spectral Selection, Hierarchical (Process 21 & 23) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.63", "JPEG Full Progression, Hierarchical (Process 24 & 26) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.64", "JPEG Full Progression, Hierarchical (Process 25 & 27) (retired)", "jpeg", true],
  ["1.2.840.10008.1.2.4.65", "JPEG Lossless, Hierarchical (Process 28) (retired)", "jpeg", false],
  ["1.2.840.10008.1.2.4.66", "JPEG Lossless, Hierarchical (Process 29) (retired)", "jpeg", false],
  ["1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", "jpeg", false, "jpeg-lossless"],
  ["1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", "jpeg-ls", false, "jpeg-ls"],
  ["1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", "jpeg-ls", true, "jpeg-ls"],
  ["1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)", "jpeg-2000", false, "jpeg-2000"],
  ["1.2.840.10008.1.2.4.91", "JPEG 2000", "jpeg-2000", true, "jpeg-2000"],
  ["1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)", "opaque", false],
  ["1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component", "opaque", true],
  ["1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)", "jpeg-2000", false, "htj2k"],
  ["1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)", "jpeg-2000", false, "htj2k"],
  ["1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", "jpeg-2000", true, "htj2k"],
  ["1.2.840.10008.1.2.4.110", "JPEG XL Lossless", "opaque", false],
  ["1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", "opaque", false],
  ["1.2.840.10008.1.2.4.112", "JPEG XL", "opaque", true],
];

const BY_UID = new Map(TABLE.map(([uid, name, encoding, lossy, codec]) => [uid, { uid, name, encoding, lossy, codec: codec ?? null }]));

/** What the pixel layer knows of a transfer syntax; unknown UIDs (video, private) are opaque. */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo {
  const known = BY_UID.get(uid);
  if (known) return known;
  // MPEG-2, MPEG-4 AVC/H.264 and HEVC/H.265 video (1.2.840.10008.1.2.4.100 to .108) and private syntaxes.
  const video = /^1\.2\.840\.10008\.1\.2\.4\.10[0-8]$/.test(uid);
  return { uid, name: video ? "MPEG video" : `transfer syntax ${uid}`, encoding: "opaque", lossy: video, codec: null };
}
