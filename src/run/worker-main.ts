// The entry of dist/run-worker.mjs: what `deidc run --jobs N` starts as its
// worker threads, and `deidc run` as its writer thread. Only the runtime is
// bundled into it (no parser, no schema validator), so a worker starts in a
// fraction of the time the whole CLI takes to load. Standalone processors do not use it: they start their own
// file as the worker (src/codegen/emit.ts).

import { instantiatePlanModule } from "../codegen/instantiate";
import { createExecutor } from "../runtime/executor";
import { runWorkerData, serveRunWorker } from "./workers";
import { isWriterThread, serveWriter } from "./writer-thread";

const data = runWorkerData();
if (isWriterThread()) serveWriter();
else if (!data) {
  process.stderr.write("deidc: run-worker.mjs is started by `deidc run --jobs N` as a worker thread; run `deidc run` instead\n");
  process.exitCode = 2;
} else {
  // The generated plan the main thread runs, when it sent one; otherwise the executor built from the IR.
  const planSource = data.planSource;
  serveRunWorker(data, (ir, env) => (planSource !== null ? instantiatePlanModule(planSource, ir).createProcessor(env) : createExecutor(ir, env)));
}
