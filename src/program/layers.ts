// The layers of a profile, lowest first: its base profile's layers, then the
// options it switches on, then the profile's own rules. A later layer wins
// (docs/language.md, "Which rule wins").
//
// Standard options are a set, not a sequence (PS3.15 E.1.1: "a requirement
// for an Option, when implemented, overrides any requirement for the
// underlying Profile"; E.3.1-E.3.5: the clean options remove what "the
// Profile and any other Options" leave). So `ps315.*` options take the
// standard library's canonical order (retain options, then clean options)
// whatever order `with` lists them in; other options follow in `with` order.

import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Span } from "../syntax/ast";
import { findStdlib } from "./stdlib-index";
import type { Unit } from "./units";

/** PS3.15 E.3.6: "two mutually exclusive Options". */
const MUTUALLY_EXCLUSIVE: readonly [string, string][] = [["ps315.retain-longitudinal-full-dates", "ps315.retain-longitudinal-modified-dates"]];

function canonicalRank(name: string): number {
  const names = Object.keys(findStdlib()?.units ?? {});
  const i = names.indexOf(name);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

export function layersOf(profile: Unit, units: ReadonlyMap<string, Unit>, diagnostics: Diagnostic[]): Unit[] {
  const layers: Unit[] = [];
  const visiting = new Set<string>();
  const optionSpans = new Map<string, { file: string; span: Span }>();
  const add = (unit: Unit): void => {
    const header = unit.header;
    if (visiting.has(unit.name)) {
      diagnostics.push({
        code: "DEID2009",
        severity: "error",
        file: unit.file.path,
        span: header ? header.name.span : { start: 0, end: 0 },
        message: `profile \`${unit.name}\` is based on itself`,
        help: "remove the `based on` cycle",
      });
      return;
    }
    visiting.add(unit.name);
    if (header && header.kind === "Profile") {
      if (header.basedOn) {
        const base = units.get(header.basedOn.text);
        if (base && base.kind === "profile") add(base);
      }
      const options: Unit[] = [];
      for (const optionName of header.options) {
        const option = units.get(optionName.text);
        if (!option || option.kind !== "option" || layers.includes(option) || options.includes(option)) continue;
        options.push(option);
        // `--with` options have no place in a file (compile-program.ts gives them empty spans).
        const onCommandLine = optionName.span.start === 0 && optionName.span.end === 0;
        optionSpans.set(option.name, { file: onCommandLine ? "<command line>" : unit.file.path, span: optionName.span });
      }
      const standard = options.filter((o) => o.file.fromStdlib).sort((a, b) => canonicalRank(a.name) - canonicalRank(b.name));
      const site = options.filter((o) => !o.file.fromStdlib);
      layers.push(...standard, ...site);
    }
    visiting.delete(unit.name);
    if (!layers.includes(unit)) layers.push(unit);
  };
  add(profile);

  const names = new Set(layers.map((l) => l.name));
  for (const [a, b] of MUTUALLY_EXCLUSIVE) {
    if (names.has(a) && names.has(b)) {
      const at = optionSpans.get(b) ?? optionSpans.get(a) ?? { file: profile.file.path, span: { start: 0, end: 0 } };
      diagnostics.push({
        code: "DEID3009",
        severity: "error",
        file: at.file,
        span: at.span,
        message: `\`${a}\` and \`${b}\` cannot be used together`,
        help: "PS3.15 E.3.6 calls them mutually exclusive: keep full dates, or modify them, not both",
      });
    }
  }
  return layers;
}
