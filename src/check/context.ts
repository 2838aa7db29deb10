// What a lint rule receives: the file being checked, the program around it,
// resolved names, and `report`. Rules never walk other files themselves.

import type { Diagnostic, Fix, Related } from "../diagnostics/diagnostic";
import { codes } from "../diagnostics/codes";
import type { Span } from "../syntax/ast";
import type { Program } from "../program/program";
import type { ParsedFile, Unit } from "../program/units";
import type { Scope } from "./scope";
import "./codes";

export interface CheckContext {
  file: ParsedFile;
  program: Program;
  scope: Scope;
  /** units defined in this file, in source order */
  unitsHere: Unit[];
  report(code: string, span: Span, message: string, extra?: { help?: string; related?: Related[]; fix?: Fix }): void;
}

export function makeContext(file: ParsedFile, program: Program, scope: Scope, unitsHere: Unit[], sink: Diagnostic[]): CheckContext {
  return {
    file,
    program,
    scope,
    unitsHere,
    report(code, span, message, extra) {
      const info = codes.get(code);
      if (!info) throw new Error(`unregistered diagnostic code ${code}`);
      sink.push({ code, severity: info.severity, file: file.path, span, message, ...extra });
    },
  };
}
