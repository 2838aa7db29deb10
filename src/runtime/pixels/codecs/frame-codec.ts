// What the pixel layer needs from a codec: one encapsulated frame in, its
// samples out as a native frame (little endian, 1 or 2 bytes a sample), and
// the same frame back in after blanking, encoded losslessly with the
// parameters the input frame had wherever the encoder lets them be chosen.

/** The codecs deidc blanks through (transfer-syntax.ts names the one of each syntax). */
export type CodecFamily = "jpeg-lossless" | "jpeg-ls" | "jpeg-2000" | "htj2k";

export interface DecodedFrame {
  /** samples, little endian, 1 byte each up to 8 bits, else 2 */
  pixels: Uint8Array;
  width: number;
  height: number;
  components: number;
  /** the codestream's sample precision */
  bitsPerSample: number;
  /** samples are two's complement as decoded (J2K signed components); false for P-bit patterns */
  signed: boolean;
  /** colour samples are stored plane after plane (RRR..GGG..BBB) rather than pixel by pixel */
  planar: boolean;
  /**
   * The colour space of the decoded samples when the codec undoes a colour transform that
   * Photometric Interpretation describes (JPEG 2000's YBR_RCT and YBR_ICT decode to RGB).
   */
  photometric?: string;
  /** codec-specific settings of the input frame that the re-encode repeats */
  settings: Readonly<Record<string, number | boolean>>;
}

export interface FrameCodec {
  /** "JPEG-LS (CharLS)", ... for messages */
  readonly name: string;
  /** `frame` is 1-based, for messages */
  decode(bytes: Uint8Array, frame: number): DecodedFrame;
  /** a lossless encoding of `decoded` (its pixels possibly changed), even length */
  encode(decoded: DecodedFrame, frame: number): Uint8Array;
}

/** Fragments have even lengths (PS3.5 A.4): codestreams get one trailing padding byte when odd. */
export function evenLength(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}
