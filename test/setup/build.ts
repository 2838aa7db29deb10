// Builds dist/deidc.mjs once before the suite, so CLI tests run the real bundled program.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
