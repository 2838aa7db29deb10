// Ctrl-C, a service manager's SIGTERM or a closed terminal's SIGHUP in the
// middle of a batch. Node's default is to die at once: the outputs written so
// far stay, but no report says which they are, and the files being written
// leave their temporaries behind. A run instead stops starting objects,
// finishes and reports the ones under way, writes the report with the signal
// in its summary, and exits with 128 + the signal's number, as a shell
// expects. A second signal is an impatient person: the default behaviour,
// at once.

import type { InterruptSignal } from "./report";

export const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** The exit code a shell reports for a process ended by `signal`. */
export function interruptExitCode(signal: InterruptSignal): number {
  return 128 + { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal];
}

/** Where interruptions come from: the process's signals, or a test's own. */
export interface InterruptSource {
  /** Calls `handler` on the first interruption; returns a function that stops listening. */
  listen(handler: (signal: InterruptSignal) => void): () => void;
}

/** The process's signals: the first goes to the handler, the next one ends the process as if unhandled. */
export const processInterrupts: InterruptSource = {
  listen(handler) {
    const listeners = new Map<InterruptSignal, () => void>();
    const stopListening = (): void => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
      listeners.clear();
    };
    for (const signal of INTERRUPT_SIGNALS) {
      const listener = (): void => {
        stopListening();
        // Only the second signal should find no listener and end the process: listen for it without acting.
        for (const s of INTERRUPT_SIGNALS) process.once(s, () => process.kill(process.pid, s));
        handler(signal);
      };
      listeners.set(signal, listener);
      process.on(signal, listener);
    }
    return stopListening;
  },
};
