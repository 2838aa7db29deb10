// Rendering diagnostics for the terminal or a machine, chosen by --format.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { renderJson } from "../diagnostics/json";
import { renderPretty } from "../diagnostics/render";
import { renderSarif } from "../diagnostics/sarif";
import type { SourceText } from "../syntax/source";
import { COMPILER_VERSION } from "../version";
import { UsageError } from "./exit";

export type DiagnosticFormat = "pretty" | "json" | "sarif";

export function parseFormat(value: string): DiagnosticFormat {
  if (value === "pretty" || value === "json" || value === "sarif") return value;
  throw new UsageError(`--format must be pretty, json or sarif, not \`${value}\``);
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: Map<string, SourceText>, format: DiagnosticFormat, stream: NodeJS.WriteStream): string {
  switch (format) {
    case "json":
      return renderJson(diagnostics, sources);
    case "sarif":
      return renderSarif(diagnostics, sources, { name: "deidc", version: COMPILER_VERSION, informationUri: "https://github.com/deidc/deidc" });
    case "pretty":
      return renderPretty(diagnostics, sources, { color: useColor(stream) });
  }
}
