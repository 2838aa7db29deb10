// Runs the bundled CLI as a user would, capturing stdout, stderr and the exit code.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function deidc(args: string[], options: { env?: Record<string, string>; input?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${ROOT}dist/deidc.mjs`, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    input: options.input,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
