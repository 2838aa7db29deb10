// JPEG 2000 frames through OpenJPEG, and HTJ2K frames through OpenJPH. The
// re-encode is always reversible (5/3 wavelet, one quality layer, no rate
// limit): lossless, and allowed by every JPEG 2000 and HTJ2K transfer syntax.
// The number of decompositions, progression order and code-block size of the
// input are repeated, and so is the colour transform: Photometric
// Interpretation YBR_RCT says the reversible transform is used, RGB that none
// is (PS3.5 8.2.4), and the re-encoded frame must keep saying the truth.

import { PixelError } from "../errors";
import { codecRuntime, takeCodecOutput, wasmErrorMessage, withInstance, type EmbindObject } from "./emscripten";
import { evenLength, type DecodedFrame, type FrameCodec } from "./frame-codec";
import { readJ2kMainHeader, withoutComments } from "./j2k-codestream";

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform?: boolean;
}

interface Decoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
}

interface Size {
  width: number;
  height: number;
}

interface OpenJpegEncoder extends EmbindObject {
  getDecodedBuffer(frameInfo: FrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setDecompositions(n: number): void;
  setQuality(lossless: boolean, layers: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  setProgressionOrder(order: number): void;
  setBlockDimensions(size: Size): void;
  encode(): void;
}

interface OpenJphEncoder extends EmbindObject {
  getDecodedBuffer(frameInfo: FrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setDecompositions(n: number): void;
  setQuality(lossless: boolean, quantizationStep: number): void;
  setProgressionOrder(order: number): void;
  setBlockDimensions(size: Size): void;
  setTLMMarker(on: boolean): void;
  setTilePartDivisionsAtResolutions(on: boolean): void;
  encode(): void;
}

interface OpenJpeg {
  J2KDecoder: new () => Decoder;
  J2KEncoder: new () => OpenJpegEncoder;
}

interface OpenJph {
  HTJ2KDecoder: new () => Decoder;
  HTJ2KEncoder: new () => OpenJphEncoder;
}

/** The encoder's output without the COM segment it adds ("Created by OpenJPEG version ..."), even length. */
function finished(encoded: Uint8Array, frame: number): Uint8Array {
  const codestream = encoded.slice();
  return evenLength(withoutComments(codestream, readJ2kMainHeader(codestream, frame)) ?? codestream, 0);
}

/** Both encoders copy only the first component of colour data above 8 bits, so such frames are refused. */
function checkEncodable(decoded: DecodedFrame, what: string, frame: number): void {
  if (decoded.components > 1 && decoded.bitsPerSample > 8) {
    throw new PixelError("unsupported", `${what} frame ${frame} has ${decoded.components} components of ${decoded.bitsPerSample} bits; deidc re-encodes colour JPEG 2000 only at 8 bits`);
  }
}

function decodeWith(create: () => Decoder, bytes: Uint8Array, what: string, frame: number): DecodedFrame {
  const header = readJ2kMainHeader(bytes, frame);
  return withInstance(create, (decoder) => {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    takeCodecOutput();
    try {
      decoder.decode();
    } catch (e) {
      throw new PixelError("malformed", `${what} frame ${frame} does not decode: ${wasmErrorMessage(e)} ${takeCodecOutput()}`.trim());
    }
    const info = decoder.getFrameInfo();
    const pixels = decoder.getDecodedBuffer();
    const expected = info.width * info.height * info.componentCount * (info.bitsPerSample > 8 ? 2 : 1);
    if (pixels.length !== expected || info.width !== header.width || info.height !== header.height) {
      throw new PixelError("malformed", `${what} frame ${frame} does not decode: ${takeCodecOutput() || `${pixels.length} bytes of samples instead of ${expected}`}`);
    }
    return {
      pixels: pixels.slice(),
      width: info.width,
      height: info.height,
      components: info.componentCount,
      bitsPerSample: info.bitsPerSample,
      signed: info.isSigned,
      planar: false,
      // The decoder undoes the component transform, so colour samples come out as RGB.
      ...(info.componentCount === 3 ? { photometric: "RGB" } : {}),
      settings: {
        colourTransform: header.colourTransform,
        reversible: header.reversible,
        decompositions: header.decompositions,
        progressionOrder: header.progressionOrder,
        blockWidth: header.blockWidth,
        blockHeight: header.blockHeight,
      },
    };
  });
}

/**
 * The reversible re-encode must describe its colour the way the input did: OpenJPEG always applies
 * the reversible colour transform to three components, OpenJPH applies it when asked.
 */
function checkColourTransform(decoded: DecodedFrame, what: string, frame: number, encoderAlwaysTransforms: boolean): void {
  if (decoded.components === 1) return;
  const transform = decoded.settings.colourTransform === true;
  if (transform && decoded.settings.reversible !== true) {
    throw new PixelError(
      "unsupported",
      `${what} frame ${frame} uses the irreversible colour transform (YBR_ICT); a lossless re-encode would use the reversible one and Photometric Interpretation would have to become YBR_RCT, which deidc does not change`,
    );
  }
  if (encoderAlwaysTransforms && !transform) {
    throw new PixelError("unsupported", `${what} frame ${frame} is colour without a colour transform (RGB); OpenJPEG's re-encode would apply the reversible transform and no longer match Photometric Interpretation`);
  }
}

function blockSize(decoded: DecodedFrame): Size {
  return { width: 2 ** Number(decoded.settings.blockWidth ?? 6), height: 2 ** Number(decoded.settings.blockHeight ?? 6) };
}

/** Decompositions the encoder accepts for the image: the input's, fewer when the image is too small for them. */
function decompositions(decoded: DecodedFrame): number {
  let n = Number(decoded.settings.decompositions ?? 5);
  while (n > 0 && Math.min(decoded.width, decoded.height) >> n < 1) n--;
  return n;
}

export const jpeg2000Codec: FrameCodec = {
  name: "JPEG 2000 (OpenJPEG)",
  decode(bytes, frame) {
    const openjpeg = codecRuntime("openjpeg") as unknown as OpenJpeg;
    return decodeWith(() => new openjpeg.J2KDecoder(), bytes, "JPEG 2000", frame);
  },
  encode(decoded, frame) {
    checkEncodable(decoded, "JPEG 2000", frame);
    checkColourTransform(decoded, "JPEG 2000", frame, true);
    const openjpeg = codecRuntime("openjpeg") as unknown as OpenJpeg;
    return withInstance(
      () => new openjpeg.J2KEncoder(),
      (encoder) => {
        const info = { width: decoded.width, height: decoded.height, bitsPerSample: decoded.bitsPerSample, componentCount: decoded.components, isSigned: decoded.signed };
        encoder.getDecodedBuffer(info).set(decoded.pixels);
        encoder.setQuality(true, 1);
        encoder.setCompressionRatio(0, 0);
        encoder.setDecompositions(decompositions(decoded));
        encoder.setProgressionOrder(Number(decoded.settings.progressionOrder ?? 0));
        encoder.setBlockDimensions(blockSize(decoded));
        takeCodecOutput();
        try {
          encoder.encode();
        } catch (e) {
          throw new PixelError("unsupported", `JPEG 2000 frame ${frame} could not be re-encoded: ${wasmErrorMessage(e)} ${takeCodecOutput()}`.trim());
        }
        return finished(encoder.getEncodedBuffer(), frame);
      },
    );
  },
};

export const htj2kCodec: FrameCodec = {
  name: "HTJ2K (OpenJPH)",
  decode(bytes, frame) {
    const openjph = codecRuntime("openjph") as unknown as OpenJph;
    return decodeWith(() => new openjph.HTJ2KDecoder(), bytes, "HTJ2K", frame);
  },
  encode(decoded, frame) {
    checkEncodable(decoded, "HTJ2K", frame);
    checkColourTransform(decoded, "HTJ2K", frame, false);
    const openjph = codecRuntime("openjph") as unknown as OpenJph;
    return withInstance(
      () => new openjph.HTJ2KEncoder(),
      (encoder) => {
        const info = {
          width: decoded.width,
          height: decoded.height,
          bitsPerSample: decoded.bitsPerSample,
          componentCount: decoded.components,
          isSigned: decoded.signed,
          isUsingColorTransform: decoded.components > 1 && decoded.settings.colourTransform === true,
        };
        encoder.getDecodedBuffer(info).set(decoded.pixels);
        encoder.setQuality(true, 0);
        encoder.setDecompositions(decompositions(decoded));
        encoder.setBlockDimensions(blockSize(decoded));
        if (decoded.settings.rpclOptions === true) {
          // HTJ2K with RPCL Options (.202): RPCL progression, a TLM segment, tile-parts split at resolutions.
          encoder.setProgressionOrder(2);
          encoder.setTLMMarker(true);
          encoder.setTilePartDivisionsAtResolutions(true);
        } else {
          encoder.setProgressionOrder(Number(decoded.settings.progressionOrder ?? 2));
        }
        takeCodecOutput();
        try {
          encoder.encode();
        } catch (e) {
          throw new PixelError("unsupported", `HTJ2K frame ${frame} could not be re-encoded: ${wasmErrorMessage(e)} ${takeCodecOutput()}`.trim());
        }
        return finished(encoder.getEncodedBuffer(), frame);
      },
    );
  },
};
