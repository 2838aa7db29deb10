// The entry of dist/run-worker.mjs: what `deidc run --jobs N` starts as its
// worker threads, and `deidc run` as its writer thread. Only the runtime is
// bundled into it (no parser, no schema validator), so a worker starts in a
// fraction of the time the whole CLI takes to load. Standalone processors do not use it: they start their own
// file as the worker (src/codegen/emit.ts).
//
// The writer thread loads only the writer (src/run/writer-thread.ts): the
// executor's modules are imported by batch workers alone (src/run/worker-runtime.ts).
// Compiling them took the writer thread 0.15-0.2 s of CPU at every run, on a
// core the main thread needs while it starts.

import { isWriterThread, serveWriter } from "./writer-thread";

if (isWriterThread()) serveWriter();
else await import("./worker-runtime");
