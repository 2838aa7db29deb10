// `based on` names a profile and `with` names options that some loaded file
// or the standard library defines; a file has one profile header; the options
// a profile ends up with can be combined (the check the IR build makes, so
// that a lint-clean profile compiles).

import { editDistance } from "../../dicom/dictionary";
import type { Name } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { findStdlib } from "../../program/stdlib-index";
import { layersOf } from "../../program/layers";
import type { Diagnostic } from "../../diagnostics/diagnostic";
import type { Unit } from "../../program/units";

/** The unit name among `known` closest to a misspelt `name`, if one is close enough to suggest. */
export function closestUnitName(name: string, known: readonly string[]): string | undefined {
  return known
    .map((n) => [editDistance(n, name, 6), n] as const)
    .filter(([d]) => d <= Math.max(3, Math.floor(name.length / 3)))
    .sort((a, b) => a[0] - b[0])[0]?.[1];
}

function basedOnName(unit: Unit): Name | null {
  return unit.header && unit.header.kind === "Profile" ? unit.header.basedOn : null;
}

/**
 * The profiles from `start` along `based on` until one leads back to `start`, or null when the
 * chain ends or enters a cycle `start` is not on (the file of a profile on that cycle reports it).
 * compile and run refuse such a profile (layers.ts); lint says why, with the path.
 */
function basedOnCycle(start: Unit, units: ReadonlyMap<string, Unit>): Unit[] | null {
  const chain: Unit[] = [start];
  const seen = new Set<Unit>(chain);
  for (let at = start; ; ) {
    const name = basedOnName(at);
    const base = name ? units.get(name.text) : undefined;
    if (!base || base.kind !== "profile") return null;
    if (base === start) return chain;
    if (seen.has(base)) return null;
    seen.add(base);
    chain.push(base);
    at = base;
  }
}

export function UnitReferenceRule(ctx: CheckContext): Visitor {
  const known = (): string[] => [...new Set([...ctx.program.units.keys(), ...Object.keys(findStdlib()?.units ?? {})])].filter((n) => !n.startsWith("<"));
  const check = (name: Name, want: "profile" | "option"): void => {
    const unit = ctx.program.units.get(name.text);
    if (!unit) {
      const best = closestUnitName(name.text, known());
      ctx.report("DEID2007", name.span, `unknown ${want} \`${name.text}\``, {
        help: best ? `did you mean \`${best}\`?` : `import the file that defines it, or use a standard-library ${want} (\`deidc explain --list\`)`,
        ...(best ? { fix: { description: `replace with \`${best}\``, file: ctx.file.path, span: name.span, text: best } } : {}),
      });
      return;
    }
    if (unit.kind !== want) {
      ctx.report("DEID3007", name.span, `\`${name.text}\` is ${unit.kind === "profile" ? "a profile" : "an option"}, not ${want === "profile" ? "a profile" : "an option"}`, {
        help: want === "option" ? "a profile extends another with `based on`; `with` switches options on" : "switch options on with `with`",
      });
    }
  };
  let firstHeader: Name | null = null;
  return {
    Profile(node) {
      if (firstHeader) {
        ctx.report("DEID2019", node.name.span, `a second profile header: this file already defines profile \`${firstHeader.text}\``, {
          help: "a file has at most one `profile` header; put each profile in its own file, or make this one an `option`",
          related: [{ file: ctx.file.path, span: firstHeader.span, message: "the file's profile" }],
        });
        return;
      }
      firstHeader = node.name;
      if (node.basedOn) check(node.basedOn, "profile");
      for (const o of node.options) check(o, "option");
      const seen = new Set<string>();
      for (const o of node.options) {
        if (seen.has(o.text)) ctx.report("DEID3001", o.span, `option \`${o.text}\` is listed twice`);
        seen.add(o.text);
      }
      const unit = ctx.program.units.get(node.name.text);
      if (unit && unit.kind === "profile" && unit.file === ctx.file && node.basedOn) {
        const cycle = basedOnCycle(unit, ctx.program.units);
        if (cycle) {
          ctx.report("DEID2009", node.basedOn.span, `profile \`${unit.name}\` is based on itself: ${[...cycle, unit].map((u) => `\`${u.name}\``).join(" -> ")}`, {
            help: "a profile's chain of bases must end in one that is based on nothing more (usually `ps315.basic`): remove or change one `based on` of the cycle",
            related: cycle.slice(1).map((u, i) => ({ file: u.file.path, span: basedOnName(u)!.span, message: `\`${u.name}\` is based on \`${(cycle[i + 2] ?? unit).name}\` here` })),
          });
        }
      }
      if (unit && unit.kind === "profile") {
        const found: Diagnostic[] = [];
        layersOf(unit, ctx.program.units, found);
        for (const d of found) if (d.code === "DEID3009" && d.file === ctx.file.path) ctx.report(d.code, d.span, d.message, d.help ? { help: d.help } : {});
      }
    },
  };
}
