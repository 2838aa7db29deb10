// Bookkeeping for one generated module: which runtime names it imports, the
// constants hoisted to module level (built once when the module loads, not
// per object, deduplicated by their code) and the names it exports. It also
// knows the module's language and form, so the generator writes type syntax
// and exports through it and one generator gives every output.

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

/** TypeScript, or the same module with its type syntax left out. */
export type Language = "ts" | "js";

/**
 * An ES module (imports the runtime, exports with `export`), or the body of a
 * function whose parameter RUNTIME_PARAMETER is the runtime namespace and
 * which returns the module's exports as an object (for `new Function`).
 */
export type ModuleForm = "module" | "function";

/** The runtime namespace's name inside a function-form module. */
export const RUNTIME_PARAMETER = "runtime";

/**
 * The IR's name inside a function-form module: the caller passes the IR the
 * body was generated from instead of the body spelling it out (half its size,
 * and the larger half to generate and to parse).
 */
export const IR_PARAMETER = "ir";

interface Hoisted {
  name: string;
  code: string;
  type: string | null;
  comment: string | null;
}

export class ModuleBuilder {
  private readonly used = new Set<string>();
  private readonly exports: string[] = [];
  private readonly hoisted: Hoisted[] = [];
  private readonly byCode = new Map<string, string>();
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(
    readonly language: Language,
    readonly form: ModuleForm,
  ) {}

  /** `: type` after a declaration or parameter; nothing in JavaScript. */
  annotate(type: string): string {
    return this.language === "ts" ? `: ${type}` : "";
  }

  /** `<types>` after a generic constructor or function; nothing in JavaScript. */
  typeArguments(types: string): string {
    return this.language === "ts" ? `<${types}>` : "";
  }

  /** `expr as type` (unparenthesized: the caller knows its context); `expr` in JavaScript. */
  cast(expr: string, type: string): string {
    return this.language === "ts" ? `${expr} as ${type}` : expr;
  }

  /** `expr!`, an index the code knows is in range; `expr` in JavaScript. */
  nonNull(expr: string): string {
    return this.language === "ts" ? `${expr}!` : expr;
  }

  /** `export const name` (or `export function name`), recording the export; without `export` in a function body. */
  exported(declaration: "const" | "function", name: string): string {
    this.exports.push(name);
    return `${this.form === "module" ? "export " : ""}${declaration} ${name}`;
  }

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

  /** The import statement(s) for everything used, from `specifier` (type imports in TypeScript only). */
  importLines(specifier: string): string[] {
    const from = JSON.stringify(specifier);
    const lines: string[] = [];
    if (this.usedValues().length > 0) lines.push(`import ${nameList(this.usedValues())} from ${from};`);
    if (this.usedTypes().length > 0 && this.language === "ts") lines.push(`import type ${nameList(this.usedTypes())} from ${from};`);
    return lines;
  }

  /** A function body's counterpart of the imports: the values used, taken from RUNTIME_PARAMETER. */
  runtimeBindingLines(): string[] {
    return this.usedValues().length > 0 ? [`const ${nameList(this.usedValues())} = ${RUNTIME_PARAMETER};`] : [];
  }

  private usedValues(): string[] {
    return [...this.used].filter((n) => !RUNTIME_TYPES.has(n)).sort();
  }

  private usedTypes(): string[] {
    return [...this.used].filter((n) => RUNTIME_TYPES.has(n)).sort();
  }

  /** In a function body, the statement returning every exported name; nothing in a module. */
  exportLines(): string[] {
    if (this.form === "module") return [];
    return [`return { ${this.exports.join(", ")} };`];
  }

  /** The hoisted constants' declarations, in the order they were first needed. */
  hoistedLines(): string[] {
    const lines: string[] = [];
    for (const h of this.hoisted) {
      if (h.comment) lines.push(`// ${commentText(h.comment)}`);
      lines.push(`const ${h.name}${h.type ? this.annotate(h.type) : ""} = ${h.code};`);
    }
    return lines;
  }
}

/** `{ a, b }` as imports and destructuring write it, one name a line. */
function nameList(names: string[]): string {
  return `{\n${names.map((n) => `  ${n},`).join("\n")}\n}`;
}

/** Text safe inside a comment: one line, with no star-slash to end a block comment early. */
export function commentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/\*\//g, "*\\/");
}

export function hex(n: number, width = 8): string {
  return `0x${(n >>> 0).toString(16).toUpperCase().padStart(width, "0")}`;
}
