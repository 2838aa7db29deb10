// The pixel layer: blanking rectangles of `pixels` blocks in pixel data,
// clearing overlay bits, removing metadata from JPEG bitstreams. Pure
// functions over bytes; docs/pixels.md describes the policy and the formats.

export { PixelError, type PixelErrorKind } from "./errors";
export { transferSyntaxInfo, type PixelEncoding, type TransferSyntaxInfo } from "./transfer-syntax";
export {
  IMAGE_ATTRIBUTE_TAGS,
  describeImage,
  imageAttributesFrom,
  planRegions,
  storedValueRange,
  fillCells,
  colourSamples,
  complementRectangles,
  type ImageAttributeValues,
  type ObjectRegions,
  type Rgb,
  type UltrasoundRegion,
  type ImageGeometry,
  type FrameRange,
  type PixelRegion,
  type PlannedRegion,
  type SelectedPixelRule,
} from "./geometry";
export { blankNative, removeOverlayBitsInPixelData, nativeLayout, type NativeEncoding, type NativeLayout } from "./native";
export { decodeRleFrame, encodeRleFrame, decodePackBits, encodePackBits } from "./rle";
export { blankEncapsulatedRle, rewriteRle, rewriteDeflatedFrames, type RewrittenFrames } from "./frames";
export { parseEncapsulated, buildEncapsulated, framesFromOffsetTable, fragmentBytes, type EncapsulatedPixelData, type Fragment, type BuiltEncapsulated } from "./encapsulated";
export { stripJpegMetadata, stripJpegFrames, JpegScanner, type RemovedMetadata, type StrippedJpeg } from "./jpeg";
export { blankJpegDct, blankDctPixelData, DCT_HUFFMAN_TRANSFER_SYNTAXES, type BlankedArea, type DctBlankResult, type DctRegion } from "./jpeg-dct/index";
export { applyPixelRules, type PixelDataInput, type PixelDataResult, type PixelReportEntry } from "./apply";
export { planPixelRules, type PixelRulePlan } from "./select";
