// Each `let`, `param` and `secret` name is declared once and used somewhere:
// an unused secret is a configuration mistake waiting to happen. A `let` may
// not be defined through itself (`let a = b`, `let b = a`): it has no value.
//
// Two declarations are used without being named (docs/language.md, "What
// happens without a rule, and the run key"): the chain's first `secret` is the
// run key, which U, C and the naming of an output without a SOP Instance UID
// derive values from, and `let dateShift` is the shift C gives a date. Telling
// a user to remove either would change every replacement UID or shifted date,
// so they count as used exactly when the executor would read them.

import type { AnyNode, LetDecl } from "../../syntax/ast";
import type { Declaration } from "../scope";
import { childrenOf, type Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { typeOf } from "../types";
import { lookupKeyword } from "../../dicom/dictionary";
import { buildIr } from "../../ir/build";
import type { IrAction, IrElementMatch, IrProgram, IrSelector } from "../../ir/types";
import { ruleNeedingRunKey, ruleRemovingInstanceUid } from "../../runtime/executor/keys";

/** The expression type a `param`'s default must have, by its declared type. */
const PARAM_DEFAULT_TYPES: Readonly<Record<string, string>> = { string: "string", date: "string", number: "number", bool: "bool" };

function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The names an expression reads. */
function identsOf(node: AnyNode, out: Set<string>): Set<string> {
  if (node.kind === "Ident") out.add(node.name);
  for (const child of childrenOf(node)) identsOf(child, out);
  return out;
}

export function DeclarationRule(ctx: CheckContext): Visitor {
  const used = new Set<string>();
  return {
    Ident(node) {
      used.add(node.name);
    },
    File: {
      leave() {
        for (const dup of ctx.scope.duplicates) {
          const first = ctx.scope.declarations.get(dup.name.text)!;
          ctx.report("DEID2010", dup.name.span, `\`${dup.name.text}\` is already declared`, {
            related: [{ file: ctx.file.path, span: first.name.span, message: "first declared here" }],
          });
        }
        const implicit = readWithoutName(ctx);
        for (const [name, decl] of ctx.scope.declarations) {
          if (used.has(name) || implicit.used.has(decl)) continue;
          ctx.report("DEID2014", decl.name.span, `\`${name}\` is declared but never used`, { help: implicit.unusedHelp.get(decl) ?? "remove it, or use it in a rule" });
        }
        // A declaration hides the attribute of the same keyword in every condition and value of the file.
        for (const [name, decl] of ctx.scope.declarations) {
          if (lookupKeyword(name)) {
            ctx.report("DEID2021", decl.name.span, `\`${name}\` is also an attribute keyword: in this file it means the ${decl.kind === "Let" ? "`let`" : decl.kind === "Param" ? "parameter" : "secret"}, never the object's ${name}`, {
              help: `rename it, e.g. \`${name[0]!.toLowerCase()}${name.slice(1)}Value\``,
            });
          }
        }
        // A default is checked as `--param` checks a value given on the command line.
        for (const decl of ctx.scope.declarations.values()) {
          if (decl.kind !== "Param" || !decl.default) continue;
          const want = PARAM_DEFAULT_TYPES[decl.type.text];
          const got = typeOf(decl.default, ctx.scope);
          if (want && got !== "unknown" && got !== want) {
            ctx.report("DEID2003", decl.default.span, `the default of \`${decl.name.text}\` is ${got === "bool" ? "a condition" : got === "number" ? "a number" : got === "string" ? "text" : got}, but the parameter is declared \`${decl.type.text}\``);
          } else if (decl.type.text === "date" && decl.default.kind === "String" && !isCalendarDate(decl.default.value)) {
            ctx.report("DEID2003", decl.default.span, `the default of \`${decl.name.text}\` is not a date: \`${decl.default.value}\``, { help: "write a date as YYYYMMDD, as DICOM's DA does" });
          }
        }
        const lets = new Map<string, LetDecl>();
        for (const [name, decl] of ctx.scope.declarations) if (decl.kind === "Let") lets.set(name, decl);
        const reads = new Map([...lets].map(([name, decl]) => [name, identsOf(decl.value as AnyNode, new Set())]));
        const cyclic = namesOnCycles(reads);
        for (const name of tooDeep(reads, cyclic)) {
          ctx.report("DEID2023", lets.get(name)!.name.span, `\`${name}\` reads through more than ${MAX_LET_CHAIN.toLocaleString("en")} other \`let\`s, one after another`, {
            help: "compute it in fewer steps: a list of alternatives reads well as `PatientID in [\"a\", \"b\", ...]`, and a long `let` chain written by a program can usually be one expression",
          });
        }
        for (const [name, decl] of lets) {
          const path = cyclic.has(name) ? cycleThrough(name, reads) : null;
          if (path) {
            ctx.report("DEID2020", decl.name.span, `\`${name}\` is defined through itself (${[...path, name].map((n) => `\`${n}\``).join(" -> ")}), so it has no value`, {
              help: "define it from attributes, parameters or other `let`s that do not lead back to it",
            });
          }
        }
      },
    },
  };
}

/** What the executor reads without a name: the run key and `let dateShift` (readWithoutName). */
interface ImplicitUses {
  used: Set<Declaration>;
  /** why a declaration that could have been read that way is not, for DEID2014's help */
  unusedHelp: Map<Declaration, string>;
}

/**
 * The first secret and `let dateShift` of this file that the executor reads for a profile the file
 * defines. A file of options and no profile cannot say: the profile that switches its options on may
 * take its first secret as the run key and its `let dateShift` for C, so neither is reported there.
 */
function readWithoutName(ctx: CheckContext): ImplicitUses {
  const out: ImplicitUses = { used: new Set(), unusedHelp: new Map() };
  const declarations = [...ctx.scope.declarations.values()];
  const firstSecret = declarations.find((d) => d.kind === "Secret");
  const dateShift = ctx.scope.declarations.get("dateShift");
  const shiftLet = dateShift?.kind === "Let" ? dateShift : undefined;
  if (!firstSecret && !shiftLet) return out;
  const profiles = ctx.unitsHere.filter((u) => u.kind === "profile");
  if (profiles.length === 0) {
    if (ctx.unitsHere.length > 0) {
      if (firstSecret) out.used.add(firstSecret);
      if (shiftLet) out.used.add(shiftLet);
    }
    return out;
  }
  for (const unit of profiles) {
    const { ir } = buildIr(ctx.program, unit);
    const here = (source: { file: string }): boolean => source.file === ctx.file.id;
    const runKey = ir.secrets[0];
    if (firstSecret && runKey && runKey.name === firstSecret.name.text && here(runKey.source)) {
      if (ruleNeedingRunKey(ir) || ruleRemovingInstanceUid(ir)) out.used.add(firstSecret);
      else out.unusedHelp.set(firstSecret, `remove it, or use it in a rule: the profile's first secret keys replacement UIDs (U) and C's date shifts, and no action of profile \`${unit.name}\` derives a value from the run key`);
    }
    // `let dateShift` configures C on dates wherever C applies, and `deidc run --with` may switch on the
    // option that brings C (ps315.retain-longitudinal-modified-dates) to a profile that has none.
    const shift = ir.lets.find((l) => l.name === "dateShift");
    if (shiftLet && shift && here(shift.source)) out.used.add(shiftLet);
  }
  return out;
}

/**
 * How many `let`s one may read through, one after another. The compiler and
 * the executor follow a chain by recursion; 1,000 leaves them ample stack
 * (5,000 overflowed it), and no hand-written profile comes near.
 */
const MAX_LET_CHAIN = 1000;

/**
 * The `let`s where a chain first passes MAX_LET_CHAIN (one per chain, not
 * every `let` above it), in an iterative post-order walk. `let`s on cycles
 * are DEID2020's and count as depth 0 here.
 */
function tooDeep(reads: ReadonlyMap<string, ReadonlySet<string>>, cyclic: ReadonlySet<string>): string[] {
  const depth = new Map<string, number>();
  const found: string[] = [];
  for (const root of reads.keys()) {
    if (depth.has(root) || cyclic.has(root)) continue;
    const frames = [{ name: root, next: (reads.get(root) ?? new Set<string>()).values() }];
    const open = new Set([root]);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const step = frame.next.next();
      if (!step.done) {
        const read = step.value;
        if (reads.has(read) && !cyclic.has(read) && !depth.has(read) && !open.has(read)) {
          open.add(read);
          frames.push({ name: read, next: (reads.get(read) ?? new Set<string>()).values() });
        }
        continue;
      }
      frames.pop();
      open.delete(frame.name);
      let deepest = 0;
      for (const read of reads.get(frame.name) ?? []) deepest = Math.max(deepest, depth.get(read) ?? 0);
      depth.set(frame.name, deepest + 1);
      if (deepest === MAX_LET_CHAIN + 1) found.push(frame.name);
    }
  }
  return found;
}

/**
 * The `let`s that lie on a cycle: in a strongly connected component of more
 * than one, or reading themselves. Tarjan's algorithm, iterative, so that a
 * machine-written chain of thousands of `let`s takes linear time and no stack.
 */
function namesOnCycles(reads: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const onCycles = new Set<string>();
  let counter = 0;
  for (const root of reads.keys()) {
    if (index.has(root)) continue;
    // Each frame: a name and the successors still to visit.
    const frames: { name: string; next: Iterator<string> }[] = [];
    const enter = (name: string): void => {
      index.set(name, counter);
      low.set(name, counter++);
      stack.push(name);
      onStack.add(name);
      frames.push({ name, next: (reads.get(name) ?? new Set<string>()).values() });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const step = frame.next.next();
      if (!step.done) {
        const next = step.value;
        if (!reads.has(next)) continue;
        if (!index.has(next)) enter(next);
        else if (onStack.has(next)) low.set(frame.name, Math.min(low.get(frame.name)!, index.get(next)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.name, Math.min(low.get(parent.name)!, low.get(frame.name)!));
      if (low.get(frame.name) !== index.get(frame.name)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.name);
      if (component.length > 1 || reads.get(frame.name)?.has(frame.name)) for (const m of component) onCycles.add(m);
    }
  }
  return onCycles;
}

/** The shortest chain of `let`s from `start` back to itself, or null: breadth first, with parent links. */
function cycleThrough(start: string, reads: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const parent = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  for (let at = 0; at < queue.length; at++) {
    const name = queue[at]!;
    for (const next of reads.get(name) ?? []) {
      if (next === start) {
        const path: string[] = [];
        for (let n: string | null = name; n !== null; n = parent.get(n)!) path.push(n);
        return path.reverse();
      }
      if (!reads.has(next) || parent.has(next)) continue;
      parent.set(next, name);
      queue.push(next);
    }
  }
  return null;
}
