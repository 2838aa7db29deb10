// Finds the generated standard library (stdlib/index.json) that ships with
// this deidc, whether running from source or from the bundled dist/.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface StdlibIndex {
  dir: string;
  release: string;
  source: { file: string; sha256: string };
  /** unit name -> path relative to `dir` */
  units: Record<string, string>;
}

let cached: StdlibIndex | null | undefined;

export function findStdlib(): StdlibIndex | null {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "stdlib", "index.json");
    if (existsSync(candidate)) {
      const index = JSON.parse(readFileSync(candidate, "utf8")) as Omit<StdlibIndex, "dir">;
      cached = { ...index, dir: join(dir, "stdlib") };
      return cached;
    }
    dir = dirname(dir);
  }
  cached = null;
  return cached;
}
