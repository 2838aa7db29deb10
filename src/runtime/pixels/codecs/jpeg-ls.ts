// JPEG-LS (ISO 14495-1) frames through CharLS. The re-encode is always
// lossless (NEAR = 0), which both JPEG-LS transfer syntaxes allow: .80 needs
// it, and .81 permits any NEAR including 0. The interleave mode of the input
// is kept, and with it the sample order CharLS uses for that mode.

import { PixelError } from "../errors";
import { codecRuntime, wasmErrorMessage, withInstance, type EmbindObject } from "./emscripten";
import { evenLength, type DecodedFrame, type FrameCodec } from "./frame-codec";

interface CharlsFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

interface JpegLSDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CharlsFrameInfo;
  getInterleaveMode(): number;
  getNearLossless(): number;
}

interface JpegLSEncoder extends EmbindObject {
  getDecodedBuffer(frameInfo: CharlsFrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setNearLossless(near: number): void;
  setInterleaveMode(mode: number): void;
  encode(): void;
}

interface Charls {
  JpegLSDecoder: new () => JpegLSDecoder;
  JpegLSEncoder: new () => JpegLSEncoder;
}

const INTERLEAVE_NONE = 0;

export const jpegLsCodec: FrameCodec = {
  name: "JPEG-LS (CharLS)",
  decode(bytes, frame) {
    const charls = codecRuntime("charls") as unknown as Charls;
    return withInstance(
      () => new charls.JpegLSDecoder(),
      (decoder): DecodedFrame => {
        decoder.getEncodedBuffer(bytes.length).set(bytes);
        try {
          decoder.decode();
        } catch (e) {
          throw new PixelError("malformed", `JPEG-LS frame ${frame} does not decode: ${wasmErrorMessage(e)}`);
        }
        const info = decoder.getFrameInfo();
        const interleaveMode = decoder.getInterleaveMode();
        return {
          pixels: new Uint8Array(decoder.getDecodedBuffer()),
          width: info.width,
          height: info.height,
          components: info.componentCount,
          bitsPerSample: info.bitsPerSample,
          signed: false,
          // CharLS returns the samples of a non-interleaved scan plane by plane, the others pixel by pixel.
          planar: info.componentCount > 1 && interleaveMode === INTERLEAVE_NONE,
          settings: { interleaveMode, near: decoder.getNearLossless() },
        };
      },
    );
  },
  encode(decoded, frame) {
    const charls = codecRuntime("charls") as unknown as Charls;
    return withInstance(
      () => new charls.JpegLSEncoder(),
      (encoder) => {
        const info = { width: decoded.width, height: decoded.height, bitsPerSample: decoded.bitsPerSample, componentCount: decoded.components };
        encoder.getDecodedBuffer(info).set(decoded.pixels);
        encoder.setNearLossless(0);
        encoder.setInterleaveMode(Number(decoded.settings.interleaveMode ?? INTERLEAVE_NONE));
        try {
          encoder.encode();
        } catch (e) {
          throw new PixelError("unsupported", `JPEG-LS frame ${frame} could not be re-encoded: ${wasmErrorMessage(e)}`);
        }
        // Padding after EOI: a 0x00 byte, which decoders ignore (PS3.5 8.2.3 allows trailing padding).
        return evenLength(new Uint8Array(encoder.getEncodedBuffer()), 0);
      },
    );
  },
};
