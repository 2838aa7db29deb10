// The one error the pixel layer throws. The executor turns it into a failed or
// quarantined object; `kind` lets it choose without parsing the message.

export type PixelErrorKind =
  /** Image Pixel attributes missing or contradictory, or a rectangle/fill that does not fit the image. */
  | "geometry"
  /** The encoding needs a codec deidc does not have (progressive or arithmetic JPEG, JPEG XL, video, deflated video...). */
  | "needs-codec"
  /** A pixel layout deidc does not handle (e.g. Samples per Pixel 4, RLE of 1-bit data). */
  | "unsupported"
  /** The pixel data contradicts the image attributes or its own encoding (truncated, corrupt stream). */
  | "malformed";

export class PixelError extends Error {
  override readonly name = "PixelError";
  constructor(
    readonly kind: PixelErrorKind,
    message: string,
  ) {
    super(message);
  }
}
