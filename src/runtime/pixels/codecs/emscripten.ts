// Instantiating the codecs' Emscripten modules synchronously. The executor is
// synchronous (one object in, one object out), and Emscripten's factories
// resolve a promise; but when the module is given an `instantiateWasm` hook
// that instantiates on the spot, the runtime is initialised before the factory
// returns, and the module object passed in is usable at once. Compiling a
// codec costs ~10 ms, so it happens on the first frame that needs it, once.

import { PixelError } from "../errors";
import { codecModule, type CodecName } from "./wasm-modules";

/** An Emscripten MODULARIZE factory: `factory(moduleArg)` fills moduleArg and returns a promise of it. */
export type EmscriptenFactory = (moduleArg: Record<string, unknown>) => Promise<unknown>;

/** The part of an Embind value the codecs use: instances own WASM memory until `delete()`. */
export interface EmbindObject {
  delete(): void;
}

/** The WebAssembly API as used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const loaded = new Map<CodecName, Record<string, unknown>>();

/** What the codec last printed (OpenJPEG reports errors only as text), for error messages. */
let lastOutput = "";

/** Returns and forgets what the codecs printed since the last call. */
export function takeCodecOutput(): string {
  const text = lastOutput.trim();
  lastOutput = "";
  return text;
}

/** The initialised module of a codec (its Embind classes as properties), compiled on first use. */
export function codecRuntime(name: CodecName): Record<string, unknown> {
  const cached = loaded.get(name);
  if (cached) return cached;
  const { factory, wasm } = codecModule(name);
  const moduleArg: Record<string, unknown> = {
    instantiateWasm(imports: object, receive: (instance: { exports: object }, module: object) => void) {
      const module = new wasmApi.Module(wasm);
      const instance = new wasmApi.Instance(module, imports);
      receive(instance, module);
      return instance.exports;
    },
    print: (text: string) => void (lastOutput += `${text}\n`),
    printErr: (text: string) => void (lastOutput += `${text}\n`),
  };
  // The promise settles later; a rejection would also have thrown below, so it is only observed.
  factory(moduleArg).catch(() => undefined);
  if (typeof moduleArg.HEAPU8 !== "object") throw new PixelError("unsupported", `the ${name} codec did not initialise synchronously`);
  loaded.set(name, moduleArg);
  return moduleArg;
}

/** Runs `use` on a new instance of an Embind class and frees its WASM memory afterwards. */
export function withInstance<T extends EmbindObject, R>(create: () => T, use: (instance: T) => R): R {
  const instance = create();
  try {
    return use(instance);
  } finally {
    instance.delete();
  }
}

/** The message of an exception thrown from WASM (Embind raises numbers or Error objects). */
export function wasmErrorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "number") return `native exception ${e}`;
  return String(e);
}
