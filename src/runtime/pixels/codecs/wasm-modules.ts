// Where the codecs' Emscripten glue and WebAssembly bytes come from. Run from
// source or from the CLI bundle, they are read from the installed packages
// when a codec is first needed. The standalone processor bundle has no
// node_modules: src/codegen/emit.ts replaces this module with the output of
// inlinedWasmModulesSource() (./bundling.ts), which carries the same exports
// with the glue bundled and the bytes inlined.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { EmscriptenFactory } from "./emscripten";

export type CodecName = "charls" | "openjpeg" | "openjph";

/** Package subpaths of each codec's glue and binary (the packages' "exports" names). */
export const CODEC_PACKAGES: Record<CodecName, { glue: string; wasm: string }> = {
  charls: { glue: "@cornerstonejs/codec-charls/wasmjs", wasm: "@cornerstonejs/codec-charls/wasm" },
  openjpeg: { glue: "@cornerstonejs/codec-openjpeg/wasmjs", wasm: "@cornerstonejs/codec-openjpeg/wasm" },
  openjph: { glue: "@cornerstonejs/codec-openjph/wasmjs", wasm: "@cornerstonejs/codec-openjph/wasm" },
};

export function codecModule(name: CodecName): { factory: EmscriptenFactory; wasm: Uint8Array } {
  const load = createRequire(import.meta.url);
  const { glue, wasm } = CODEC_PACKAGES[name];
  try {
    return { factory: load(glue) as EmscriptenFactory, wasm: readFileSync(load.resolve(wasm)) };
  } catch (e) {
    throw new Error(`the ${name} codec is not installed (${glue}): run npm install (${(e as Error).message})`);
  }
}
