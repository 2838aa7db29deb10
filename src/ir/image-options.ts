// Where a profile switches on the two options that need NO in an attribute of
// every image (docs/executor.md, "Options that need NO"): read by the executor,
// the linter and `deidc explain`, so it depends on the IR alone.

import type { IrLayer, IrProgram } from "./types";

/**
 * The options whose every output must say NO in an attribute of their own: the Clean Pixel Data
 * Option (113101) in Burned In Annotation (0028,0301), PS3.15 E.3.1, and the Clean Recognizable
 * Visual Features Option (113102) in Recognizable Visual Features (0028,0302), E.3.2. Each is the
 * unit that carries the code (the stdlib option, or a site unit with the same code), or null when
 * the profile does not switch the option on.
 */
export interface ImageOptions {
  pixelData: IrLayer | null;
  visualFeatures: IrLayer | null;
}

export function imageOptionsOf(ir: IrProgram): ImageOptions {
  const layerWith = (value: string): IrLayer | null => ir.profile.layers.find((l) => l.code !== null && l.code.value === value && (l.code.scheme === "DCM" || l.code.scheme === "")) ?? null;
  return { pixelData: layerWith("113101"), visualFeatures: layerWith("113102") };
}
