// JPEG Lossless, process 14 (ISO 10918-1 Annex H, SOF3 with Huffman coding).
// Frames are decoded by jpeg-lossless-decoder-js, which handles every
// predictor. No maintained JavaScript encoder exists, so the re-encode is
// written here; it is small: first-order prediction (selection value 1, the
// only one .70 allows, and valid under .57), one interleaved scan, point
// transform 0, no restart interval, and one Huffman table built from the
// frame's own difference categories (Annex K.2), so the output is compact.
// The Huffman coding itself is shared with the DCT rewrite (../jpeg-huffman.ts).

import { Decoder } from "jpeg-lossless-decoder-js";
import { PixelError } from "../errors";
import { JpegScanner } from "../jpeg";
import { EntropyCodedWriter, dhtTablePayload, encodeTable, magnitudeCategory, optimalSpec } from "../jpeg-huffman";
import { evenLength, type DecodedFrame, type FrameCodec } from "./frame-codec";

interface LosslessHeader {
  precision: number;
  width: number;
  height: number;
  components: number;
  scans: number;
  predictor: number;
  pointTransform: number;
}

/** The SOF3 frame header and the scans of a lossless JPEG frame, from the marker walk stripJpegMetadata uses. */
function readHeader(b: Uint8Array, frame: number): LosslessHeader {
  const fail = (why: string): never => {
    throw new PixelError("malformed", `JPEG Lossless frame ${frame}: ${why}`);
  };
  const scanner = new JpegScanner();
  scanner.advance(b, frame); // a frame cut short before EOI is left to the decoder to judge
  let sof: Omit<LosslessHeader, "scans" | "predictor" | "pointTransform"> | null = null;
  let predictor = 0;
  let pointTransform = 0;
  let scans = 0;
  for (const { marker, payload: q } of scanner.segments) {
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (marker !== 0xc3) fail(`its frame header is SOF${marker - 0xc0}, not SOF3 (lossless, Huffman)`);
      sof = { precision: b[q]!, height: (b[q + 1]! << 8) | b[q + 2]!, width: (b[q + 3]! << 8) | b[q + 4]!, components: b[q + 5]! };
    } else if (marker === 0xda) {
      const ns = b[q]!;
      if (scans === 0) {
        predictor = b[q + 1 + 2 * ns]!;
        pointTransform = b[q + 3 + 2 * ns]! & 0x0f;
      }
      scans++;
    }
  }
  if (!sof) return fail("it has no frame header");
  return { ...sof, scans, predictor, pointTransform };
}

/**
 * Encodes samples (pixel-interleaved, 1 or 2 little-endian bytes each) as a JPEG Lossless frame,
 * selection value 1, point transform 0.
 */
export function encodeLosslessJpeg(pixels: Uint8Array, width: number, height: number, components: number, precision: number): Uint8Array {
  const wide = precision > 8;
  const sampleCount = width * height * components;
  const samples = wide ? new Uint16Array(sampleCount) : pixels;
  if (wide) for (let i = 0; i < sampleCount; i++) samples[i] = pixels[2 * i]! | (pixels[2 * i + 1]! << 8);
  // Differences (H.1.2.1): the first sample of the image is predicted by 2^(P-1), the rest of the
  // first row by the left neighbour, the first sample of every other row by the one above, all
  // others by the left neighbour (predictor 1). Taken modulo 2^16 (H.1.2.1, Table H.2).
  const diffs = new Int32Array(sampleCount);
  const frequencies = new Uint32Array(17); // SSSS 0..16 (H.1.2.2, Table H.2)
  const rowSamples = width * components;
  for (let i = 0; i < sampleCount; i++) {
    const x = i % rowSamples;
    const predicted = x >= components ? samples[i - components]! : i >= rowSamples ? samples[i - rowSamples]! : 1 << (precision - 1);
    let d = (samples[i]! - predicted) & 0xffff;
    if (d > 0x8000) d -= 0x10000;
    diffs[i] = d;
    frequencies[d === 0x8000 ? 16 : magnitudeCategory(d)]!++;
  }
  const spec = optimalSpec(frequencies);
  const { code, size } = encodeTable(spec, `the Huffman table of a ${width} x ${height} JPEG Lossless frame`);
  // Worst case: 16 + 16 bits a sample, every byte stuffed; rarely more than the raw size in practice.
  const w = new EntropyCodedWriter(sampleCount * (wide ? 2 : 1) + 1024);
  w.raw([0xff, 0xd8]);
  // SOF3: precision, lines, samples per line, components (each 1x1 sampling, no quantisation table).
  const sofLength = 8 + 3 * components;
  w.raw([0xff, 0xc3, sofLength >> 8, sofLength & 0xff, precision, height >> 8, height & 0xff, width >> 8, width & 0xff, components]);
  for (let c = 0; c < components; c++) w.raw([c + 1, 0x11, 0]);
  // DHT: one DC-class table, id 0, shared by every component.
  const dht = dhtTablePayload(0, 0, spec);
  w.raw([0xff, 0xc4, (dht.length + 2) >> 8, (dht.length + 2) & 0xff]);
  w.raw(dht);
  // SOS: all components in one scan; Ss = predictor 1, Se = 0, Ah = 0, Al = point transform 0.
  const sosLength = 6 + 2 * components;
  w.raw([0xff, 0xda, sosLength >> 8, sosLength & 0xff, components]);
  for (let c = 0; c < components; c++) w.raw([c + 1, 0x00]);
  w.raw([1, 0, 0]);
  for (let i = 0; i < sampleCount; i++) {
    const d = diffs[i]!;
    if (d === 0x8000) {
      w.put(code[16]!, size[16]!);
      continue;
    }
    const ssss = magnitudeCategory(d);
    w.put(code[ssss]!, size[ssss]!);
    if (ssss > 0) w.putMagnitude(d, ssss);
  }
  w.marker(0xd9);
  return w.bytes().slice();
}

export const jpegLosslessCodec: FrameCodec = {
  name: "JPEG Lossless (process 14)",
  decode(bytes, frame) {
    const header = readHeader(bytes, frame);
    if (header.pointTransform !== 0) throw new PixelError("unsupported", `JPEG Lossless frame ${frame} uses point transform ${header.pointTransform}, which deidc does not re-encode`);
    if (header.scans !== 1) throw new PixelError("unsupported", `JPEG Lossless frame ${frame} has ${header.scans} scans; deidc re-encodes frames of one scan`);
    if (header.components !== 1 && !(header.components === 3 && header.precision <= 8)) {
      throw new PixelError("unsupported", `JPEG Lossless frame ${frame} has ${header.components} components of ${header.precision} bits; deidc handles 1 component, or 3 of at most 8 bits`);
    }
    let samples: Uint8Array | Uint16Array;
    try {
      // The decoder keeps a reference to the buffer it is given: hand it a copy of just this frame.
      // (`new Uint8Array(view)` copies; a Node Buffer's slice() would be a view into its pool.)
      const copy = new Uint8Array(bytes);
      samples = new Decoder().decode(copy.buffer, 0, copy.length, header.precision > 8 ? 2 : 1);
    } catch (e) {
      throw new PixelError("malformed", `JPEG Lossless frame ${frame} does not decode: ${(e as Error).message}`);
    }
    const pixels = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength).slice();
    const expected = header.width * header.height * header.components * (header.precision > 8 ? 2 : 1);
    if (pixels.length !== expected) throw new PixelError("malformed", `JPEG Lossless frame ${frame} decoded to ${pixels.length} bytes instead of ${expected}`);
    return {
      pixels,
      width: header.width,
      height: header.height,
      components: header.components,
      bitsPerSample: header.precision,
      signed: false,
      planar: false,
      settings: { predictor: header.predictor },
    };
  },
  encode(decoded: DecodedFrame) {
    // Padding before EOI would be inside the scan; a 0x00 after EOI is what encoders commonly add.
    return evenLength(encodeLosslessJpeg(decoded.pixels, decoded.width, decoded.height, decoded.components, decoded.bitsPerSample), 0);
  },
};
