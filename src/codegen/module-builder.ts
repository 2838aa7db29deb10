// Bookkeeping for one generated module: which runtime names it imports and
// the constants hoisted to module level (built once when the module loads,
// not per object), deduplicated by their code.

export const RUNTIME_TYPES = new Set([
  "Ancestor",
  "AncestorMatcher",
  "Compiled",
  "CompiledPlan",
  "EvalContext",
  "ExecutionPlan",
  "Executor",
  "ExecutorEnvironment",
  "IrProgram",
  "PlannedAction",
  "PlannedRule",
  "RuleDispatch",
  "Value",
]);

interface Hoisted {
  name: string;
  code: string;
  type: string | null;
  comment: string | null;
}

export class ModuleBuilder {
  private readonly used = new Set<string>();
  private readonly hoisted: Hoisted[] = [];
  private readonly byCode = new Map<string, string>();
  private readonly names = new Set<string>();

  /** Marks a runtime export as used and returns its name. */
  use(name: string): string {
    this.used.add(name);
    return name;
  }

  /** A name not used before in this module, from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  private readonly counters = new Map<string, number>();

  /** `base_0`, `base_1`, …: for constants of one kind (files, lists, patterns). */
  indexed(base: string): string {
    for (;;) {
      const n = this.counters.get(base) ?? 0;
      this.counters.set(base, n + 1);
      const name = `${base}_${n}`;
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
  }

  /** Reserves a name chosen by the generator (rule constants, tables). */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`generated name ${name} is used twice`);
    this.names.add(name);
    return name;
  }

  /**
   * A module-level constant holding `code`; the same code gets the same
   * constant unless `shared` is false (objects with state, like a
   * RegExp used by `replace`, whose sticky flag keeps a position).
   */
  hoist(base: string, code: string, options: { type?: string; comment?: string; shared?: boolean; indexed?: boolean } = {}): string {
    const shared = options.shared ?? true;
    if (shared) {
      const existing = this.byCode.get(code);
      if (existing) return existing;
    }
    const name = options.indexed ? this.indexed(base) : this.fresh(base);
    this.hoisted.push({ name, code, type: options.type ?? null, comment: options.comment ?? null });
    if (shared) this.byCode.set(code, name);
    return name;
  }

  /** The import statement(s) for everything used, from `specifier`. */
  importLines(specifier: string): string[] {
    const values = [...this.used].filter((n) => !RUNTIME_TYPES.has(n)).sort();
    const types = [...this.used].filter((n) => RUNTIME_TYPES.has(n)).sort();
    const lines: string[] = [];
    const from = JSON.stringify(specifier);
    if (values.length > 0) lines.push(`import {\n${values.map((n) => `  ${n},`).join("\n")}\n} from ${from};`);
    if (types.length > 0) lines.push(`import type {\n${types.map((n) => `  ${n},`).join("\n")}\n} from ${from};`);
    return lines;
  }

  /** The hoisted constants' declarations, in the order they were first needed. */
  hoistedLines(): string[] {
    const lines: string[] = [];
    for (const h of this.hoisted) {
      if (h.comment) lines.push(`// ${h.comment}`);
      lines.push(`const ${h.name}${h.type ? `: ${h.type}` : ""} = ${h.code};`);
    }
    return lines;
  }
}

/** Text safe inside a comment: one line, with no star-slash to end a block comment early. */
export function commentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/\*\//g, "*\\/");
}

export function hex(n: number, width = 8): string {
  return `0x${(n >>> 0).toString(16).toUpperCase().padStart(width, "0")}`;
}
