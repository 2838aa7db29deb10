// The run worker's side of dist/run-worker.mjs (src/run/worker-main.ts): the
// executor and the generated-plan loader, imported only by a thread started
// as a batch worker, not by the writer thread.

import { instantiatePlanModule } from "../codegen/instantiate";
import { createExecutor } from "../runtime/executor";
import { runWorkerData, serveRunWorker } from "./workers";

const data = runWorkerData();
if (!data) {
  process.stderr.write("deidc: run-worker.mjs is started by `deidc run --jobs N` as a worker thread; run `deidc run` instead\n");
  process.exitCode = 2;
} else {
  // The generated plan the main thread runs, when it sent one; otherwise the executor built from the IR.
  const planSource = data.planSource;
  serveRunWorker(data, (ir, env) => (planSource !== null ? instantiatePlanModule(planSource, ir).createProcessor(env) : createExecutor(ir, env)));
}
