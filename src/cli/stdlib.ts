// `deidc stdlib generate --source <part15.xml> --out <dir>`: regenerate the
// standard library from the standard's own DocBook source.

import { generateStdlib } from "../stdlib/generate";
import { EXIT_OK, UsageError } from "./exit";

export async function stdlibGenerateCommand(opts: { source?: string; out?: string }): Promise<number> {
  if (!opts.source) throw new UsageError("stdlib generate needs --source <part15.xml> (NEMA's DocBook source of PS3.15)");
  const result = await generateStdlib(opts.source, opts.out ?? "stdlib");
  const lines = result.files.reduce((n, f) => n + f.lines, 0);
  process.stdout.write(`generated ${result.files.length} files (${lines} lines) from DICOM PS3.15 ${result.release} (${result.source.file}, SHA-256 ${result.source.sha256}) into ${result.outDir}\n`);
  return EXIT_OK;
}
