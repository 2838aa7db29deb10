// Builds dist/deidc.mjs once before the suite, so CLI tests run the real
// bundled program. Also gives the run its own temporary folder: every test
// and every CLI it spawns inherits TMPDIR, so one `rm` at teardown leaves
// nothing behind in /tmp, however a test ends.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), "deidc-tests-"));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
