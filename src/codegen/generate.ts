// The code generator: one profile's IR to a TypeScript module that builds the
// executor's ExecutionPlan with everything decided at generation time:
//
// - a dispatch table from tag to candidate rules (a Map literal: each tag a
//   rule names exactly, with every mask, range, VR rule and catch-all that
//   also matches it, in precedence order), generated pattern tests for the
//   tags no rule names, and a table from private-creator slot to rules;
// - conditions and values compiled to JavaScript expressions, constants
//   folded, regular expressions and lists built once at module load;
// - the attributes the pre-pass reads, the method description and codes.
//
// The generated module does not process anything itself: `createPlan` returns
// a plan that the executor's `processObject` runs, so a generated processor
// and `createExecutor` share one semantics. The output is deterministic: the
// same IR always gives the same bytes.

import { createHash } from "node:crypto";
import { describeAction, describeExpr } from "../ir/explain";
import type { IrAction, IrExpr, IrProgram, IrRule, IrSource } from "../ir/types";
import { lookupTag } from "../dicom/dictionary";
import { collectAttributeTags } from "../runtime/executor/expr";
import { IDENTIFYING_TAGS } from "../runtime/executor/process";
import { ExprEmitter } from "./emit-expr";
import { commentText, hex, ModuleBuilder } from "./module-builder";
import { ancestorMatcherCode, canMatchOddGroup, describeSelector, patternMatches, patternTest, ruleShape, sourceText, type RuleShape } from "./selectors";

export interface GenerateOptions {
  /** module specifier the generated code imports the runtime from (src/codegen/runtime.ts or its published name) */
  runtimeImport: string;
  /** version of the deidc that generates the module */
  deidcVersion: string;
  /** the command that regenerates the module, for the preamble */
  command?: string;
}

/** The IR as `deidc compile --emit ir` writes it; IR_HASH is the SHA-256 of these bytes. */
export function irText(ir: IrProgram): string {
  return JSON.stringify(ir, null, 2) + "\n";
}

export function irHash(ir: IrProgram): string {
  return `sha256:${createHash("sha256").update(irText(ir)).digest("hex")}`;
}

/** Profile identity, as the generated module and bundles export it. */
export interface ProfileIdentity {
  profile: string;
  title: string | null;
  options: string[];
  release: string | null;
  deidcVersion: string;
  irHash: string;
}

export function profileIdentity(ir: IrProgram, deidcVersion: string): ProfileIdentity {
  return {
    profile: ir.profile.name,
    title: ir.profile.title,
    options: ir.profile.layers.filter((l) => l.kind === "option").map((l) => l.name),
    release: ir.profile.release,
    deidcVersion,
    irHash: irHash(ir),
  };
}

interface PlannedRuleInfo {
  rule: IrRule;
  name: string;
  shape: RuleShape;
  /** the condition folds to a value other than true: no element ever gets this rule */
  never: boolean;
}

const CODE_NAMES: Record<string, string> = {
  D: "D",
  Z: "Z",
  X: "X",
  K: "K",
  C: "C",
  U: "U",
  "Z/D": "Z_D",
  "X/Z": "X_Z",
  "X/D": "X_D",
  "X/Z/D": "X_Z_D",
  "X/Z/U*": "X_Z_U_STAR",
};

/** `AccessionNumber -> Z when …`: a rule as its source reads, for comments. */
function describeRule(r: IrRule): string {
  return commentText(`${describeSelector(r.selector)} -> ${describeAction(r.action)}${r.when ? ` when ${describeExpr(r.when)}` : ""}`);
}

/** Ends a list opened on the last line but one: `[]` on one line when nothing was added. */
function closeList(lines: string[], close: string): string[] {
  const last = lines[lines.length - 1]!;
  if (last.endsWith("[") || last.endsWith("([")) lines[lines.length - 1] = last + close.trimStart();
  else lines.push(close);
  return lines;
}

class Generator {
  private readonly mod = new ModuleBuilder();
  private readonly expr: ExprEmitter;
  private readonly files = new Map<string, string>();
  private readonly rules: PlannedRuleInfo[] = [];

  constructor(
    private readonly ir: IrProgram,
    private readonly options: GenerateOptions,
  ) {
    this.expr = new ExprEmitter(this.mod, new Map(ir.lets.map((l) => [l.name, l.value])));
    ir.rules.forEach((rule, position) => {
      // Private candidates gathered from several tables are put back in order by id.
      if (rule.id !== position) throw new Error(`IR rule ${position} has id ${rule.id}; ids must be positions in the rule list`);
    });
  }

  private source(s: IrSource): string {
    let file = this.files.get(s.file);
    if (!file) {
      file = this.mod.hoist("FILE", JSON.stringify(s.file), { indexed: true });
      this.files.set(s.file, file);
    }
    return `{ file: ${file}, line: ${s.line}, column: ${s.column} }`;
  }

  /** `(ctx) => …` for a condition, or null when it always holds; undefined when it never holds. */
  private condition(e: IrExpr | null): string | null | undefined {
    if (e === null) return null;
    if (this.expr.isConstant(e)) return this.expr.constantValue(e) === true ? null : undefined;
    return this.expr.closure(e);
  }

  private action(a: IrAction, rule: string): string {
    const plannedAction = this.mod.use("PlannedAction");
    switch (a.kind) {
      case "code":
        return this.mod.hoist(`ACTION_${CODE_NAMES[a.code] ?? "CODE"}`, `{ ir: { kind: "code", code: ${JSON.stringify(a.code)} } }`, { type: plannedAction });
      case "coarsen":
        return this.mod.hoist(`ACTION_COARSEN_${a.unit.toUpperCase()}`, `{ ir: ${JSON.stringify(a)} }`, { type: plannedAction });
      case "set":
        return `{ ir: ${JSON.stringify(a)}, value: ${this.expr.closure(a.value)} }`;
      case "shift":
        return `{ ir: ${JSON.stringify(a)}, value: ${this.expr.closure(a.days)} }`;
      case "lookup":
        return `{ ir: ${JSON.stringify(a)}, keys: [${a.keys.map((k) => this.expr.closure(k)).join(", ")}], otherwise: ${this.action(a.otherwise, rule)} }`;
      case "replace": {
        // One RegExp per rule, as RulePlan builds them: a sticky pattern keeps its position between calls.
        const re = this.mod.hoist(`${rule}_PATTERN`, `new RegExp(${JSON.stringify(a.pattern)}, ${JSON.stringify(a.flags)})`, { type: "RegExp", shared: false });
        return `{ ir: ${JSON.stringify(a)}, regex: ${re} }`;
      }
    }
  }

  private ruleDeclarations(): string[] {
    const out: string[] = [];
    const plannedRule = this.mod.use("PlannedRule");
    for (const rule of this.ir.rules) {
      const name = this.mod.reserve(`r${rule.id}`);
      const shape = ruleShape(rule.selector);
      const when = this.condition(rule.when);
      const never = when === undefined || shape.kind === "none";
      this.rules.push({ rule, name, shape, never });
      out.push(`// rule ${commentText(sourceText(rule))}  ${describeRule(rule)}`);
      if (never) {
        out.push(`//   never applies (${shape.kind === "none" ? "its selector matches no element" : "its condition is always false"}), so no table lists it`);
        continue;
      }
      const matcher = ancestorMatcherCode(rule.selector, `${name}_ancestors`);
      if (matcher) {
        this.mod.use("Ancestor");
        out.push(matcher);
      }
      const vrs = rule.selector.kind === "vr" ? JSON.stringify(rule.selector.vrs) : "null";
      const catchAll = rule.selector.kind === "all" || rule.selector.kind === "privateAll";
      out.push(
        `const ${name}: ${plannedRule} = { id: ${rule.id}, source: ${this.source(rule.source)}, vrs: ${vrs}, ancestors: ${matcher ? `${name}_ancestors` : "null"}, ` +
          `when: ${when ?? "null"}, action: ${this.action(rule.action, name)}, catchAll: ${catchAll} };`,
      );
    }
    return out;
  }

  private live(): PlannedRuleInfo[] {
    return this.rules.filter((r) => !r.never);
  }

  /** Could this rule be a candidate for the standard (even-group or unnamed) tag `tag`? */
  private standardCandidate(r: PlannedRuleInfo, tag: number): boolean {
    switch (r.shape.kind) {
      case "tag":
        return r.shape.tag === tag;
      case "pattern":
        return patternMatches(r.shape.match, tag);
      case "every":
        return !r.shape.privateOnly;
      default:
        return false;
    }
  }

  private list(rules: PlannedRuleInfo[]): string {
    return `[${rules.map((r) => r.name).join(", ")}]`;
  }

  private standardDispatch(): string[] {
    const plannedRule = this.mod.use("PlannedRule");
    const live = this.live();
    const keywords = new Map<number, string | null>();
    for (const r of live) if (r.shape.kind === "tag" && !keywords.get(r.shape.tag)) keywords.set(r.shape.tag, r.shape.keyword);
    const tags = [...keywords.keys()].sort((a, b) => a - b);
    const out: string[] = [];
    out.push(
      "/**",
      " * Candidate rules for every tag a rule names exactly, in precedence order:",
      " * the tag's own rules with the masks, ranges, VR rules and `*` that also",
      " * match it. Tags that no rule names are added on first sight (forTag).",
      " */",
      `const STANDARD = new Map<number, readonly ${plannedRule}[]>([`,
    );
    for (const tag of tags) {
      const keyword = keywords.get(tag) ?? lookupTag(tag)?.keyword ?? null;
      out.push(`  [${hex(tag)}, ${this.list(live.filter((r) => this.standardCandidate(r, tag)))}],${keyword ? ` // ${commentText(keyword)}` : ""}`);
    }
    out.push("]);", "");

    out.push("/** Candidates for a standard tag no rule names exactly: masks and ranges that match it, VR rules and `*`. */");
    out.push(`function standardByPattern(tag: number): readonly ${plannedRule}[] {`);
    const general = live.filter((r) => r.shape.kind === "pattern" || (r.shape.kind === "every" && !r.shape.privateOnly));
    if (general.every((r) => r.shape.kind === "every")) {
      out.push(`  return ${this.list(general)};`);
    } else {
      out.push(`  const rules: ${plannedRule}[] = [];`);
      for (const r of general) {
        const what = `// ${describeRule(r.rule)}`;
        if (r.shape.kind === "pattern") out.push(`  if (${patternTest(r.shape.match, "tag")}) rules.push(${r.name}); ${what}`);
        else out.push(`  rules.push(${r.name}); ${what}`);
      }
      out.push("  return rules;");
    }
    out.push("}");
    return out;
  }

  private privateDispatch(): string[] {
    const plannedRule = this.mod.use("PlannedRule");
    const live = this.live();
    const out: string[] = [];
    const slots = new Map<string, PlannedRuleInfo[]>();
    for (const r of live) {
      if (r.shape.kind !== "private") continue;
      const element = r.shape.element === null ? "xx" : r.shape.element.toString(16).toUpperCase().padStart(2, "0");
      const key = `${r.shape.group.toString(16).toUpperCase().padStart(4, "0")},${r.shape.creator},${element}`;
      const list = slots.get(key) ?? [];
      list.push(r);
      slots.set(key, list);
    }
    if (slots.size > 0) {
      out.push(
        "/**",
        ' * Rules naming private slots, by "gggg,creator,ee" (one element of the',
        ' * block the creator reserved in group gggg) or "gggg,creator,xx" (the',
        " * whole block), each list in precedence order.",
        " */",
        `const PRIVATE_SLOTS = new Map<string, readonly ${plannedRule}[]>([`,
      );
      for (const key of [...slots.keys()].sort()) out.push(`  [${JSON.stringify(key)}, ${this.list(slots.get(key)!)}],`);
      out.push("]);", "");
    }

    out.push(
      "/**",
      " * Candidates for a private element: the rules of its creator's slot, rules",
      " * naming odd tags, masks and ranges that match it, then VR rules, `private *`",
      " * and `*`, merged in precedence order.",
      " */",
      `function privateCandidates(tag: number, ${slots.size > 0 ? "creator" : "_creator"}: string | undefined): readonly ${plannedRule}[] {`,
      `  const rules: ${plannedRule}[] = [];`,
    );
    if (slots.size > 0) {
      out.push(
        "  if (creator !== undefined && (tag & 0xff00) >= 0x1000) {",
        `    const [element, block] = ${this.mod.use("privateSlotKeys")}(tag, creator);`,
        "    rules.push(...(PRIVATE_SLOTS.get(element) ?? []), ...(PRIVATE_SLOTS.get(block) ?? []));",
        "  }",
      );
    }
    for (const r of live) {
      const what = `// ${describeRule(r.rule)}`;
      // forPrivate only sees odd groups: an exact even tag can never match.
      if (r.shape.kind === "tag" && ((r.shape.tag >>> 16) & 1) === 1) out.push(`  if (tag === ${hex(r.shape.tag)}) rules.push(${r.name}); ${what}`);
      else if (r.shape.kind === "pattern" && canMatchOddGroup(r.shape.match)) out.push(`  if (${patternTest(r.shape.match, "tag")}) rules.push(${r.name}); ${what}`);
      else if (r.shape.kind === "every") out.push(`  rules.push(${r.name}); ${what}`);
    }
    out.push(`  return rules.sort(${this.mod.use("byPrecedence")});`, "}");
    return out;
  }

  private ruleTable(): string[] {
    const ruleDispatch = this.mod.use("RuleDispatch");
    return [
      "/** The rule table processObject asks for each element's candidates (see RulePlan in src/runtime/executor/plan.ts). */",
      `export const RULES: ${ruleDispatch} = {`,
      "  forTag(tag) {",
      "    let rules = STANDARD.get(tag);",
      "    if (rules === undefined) STANDARD.set(tag, (rules = standardByPattern(tag)));",
      "    return rules;",
      "  },",
      "  forPrivate(tag, creator) {",
      "    let byTag = PRIVATE_SEEN.get(creator);",
      "    if (byTag === undefined) PRIVATE_SEEN.set(creator, (byTag = new Map()));",
      "    let rules = byTag.get(tag);",
      "    if (rules === undefined) byTag.set(tag, (rules = privateCandidates(tag, creator)));",
      "    return rules;",
      "  },",
      "};",
    ];
  }

  private filters(): string[] {
    const out = [
      "/** `reject` and `quarantine` filters in source order: the first whose condition holds decides. */",
      `const FILTERS: ${this.mod.use("CompiledPlan")}["filters"] = [`,
    ];
    for (const f of this.ir.filters) {
      const when = this.condition(f.when);
      out.push(`  // ${f.outcome} ${commentText(sourceText(f))}${f.when ? `  when ${commentText(describeExpr(f.when))}` : ""}`);
      if (when === undefined) {
        out.push("  //   never applies: its condition is always false");
        continue;
      }
      out.push(`  { outcome: ${JSON.stringify(f.outcome)}, when: ${when ?? "null"}, reason: ${JSON.stringify(f.reason)}, source: ${this.source(f.source)} },`);
    }
    return closeList(out, "];");
  }

  private lets(): string[] {
    const out = ["/** `let` values, computed at most once per object when first read. */", `const LETS = new Map<string, ${this.mod.use("Compiled")}>([`];
    for (const l of this.ir.lets) {
      out.push(`  // let ${l.name} = ${commentText(describeExpr(l.value))}  (${commentText(sourceText(l))})`);
      out.push(`  [${JSON.stringify(l.name)}, ${this.expr.closure(l.value)}],`);
    }
    return closeList(out, "]);");
  }

  /** The top-level attributes the pre-pass decodes, computed as createExecutor does. */
  private wantedTags(): string[] {
    const ir = this.ir;
    const wanted = new Set<number>(IDENTIFYING_TAGS);
    wanted.add(0x00100020);
    for (const l of ir.lets) collectAttributeTags(l.value, wanted);
    for (const r of ir.rules) {
      if (r.when) collectAttributeTags(r.when, wanted);
      const a = r.action;
      if (a.kind === "set") collectAttributeTags(a.value, wanted);
      if (a.kind === "shift") collectAttributeTags(a.days, wanted);
      if (a.kind === "lookup") a.keys.forEach((k) => collectAttributeTags(k, wanted));
    }
    for (const f of ir.filters) if (f.when) collectAttributeTags(f.when, wanted);
    for (const p of ir.pixels) if (p.when) collectAttributeTags(p.when, wanted);
    const out = ["/** Top-level attributes read before the main pass: what conditions and values use, and the identifiers `C` removes. */", "const WANTED_TAGS: ReadonlySet<number> = new Set([" ];
    for (const tag of [...wanted].sort((a, b) => a - b)) {
      const keyword = lookupTag(tag)?.keyword;
      out.push(`  ${hex(tag)},${keyword ? ` // ${keyword}` : ""}`);
    }
    out.push("]);");
    return out;
  }

  private method(): string[] {
    const ir = this.ir;
    const options = ir.profile.layers.filter((l) => l.kind === "option").map((l) => l.name);
    const description = [`deidc ${ir.compiler}${ir.profile.release ? ` DICOM PS3.15 ${ir.profile.release}` : ""}`, `profile ${ir.profile.name}`, ...options.map((o) => `option ${o}`)];
    const codes = ir.profile.methodCodes.map((c) => ({ value: c.value, scheme: c.scheme, meaning: c.meaning }));
    return [
      "/** De-identification Method (0012,0063) values this profile adds. */",
      `const METHOD_DESCRIPTION: string[] = [${description.map((d) => JSON.stringify(d)).join(", ")}];`,
      "/** De-identification Method Code Sequence (0012,0064) items this profile adds (CID 7050). */",
      `const METHOD_CODES: { value: string; scheme: string; meaning: string }[] = [${codes.map((c) => `\n  { value: ${JSON.stringify(c.value)}, scheme: ${JSON.stringify(c.scheme)}, meaning: ${JSON.stringify(c.meaning)} },`).join("")}${codes.length ? "\n" : ""}];`,
    ];
  }

  private createPlan(): string[] {
    const env = `${this.mod.use("ExecutorEnvironment")} & { runKey?: Uint8Array }`;
    const params = this.ir.params.map((p) => {
      let fallback = "undefined";
      if (p.default) {
        fallback = this.expr.isConstant(p.default)
          ? this.expr.literal(this.expr.constantValue(p.default))
          : // A default that reads the object cannot be computed before any object; the executor fails the same way.
            `(${this.expr.closure(p.default)})({} as ${this.mod.use("EvalContext")})`;
      }
      return `      // param ${p.name}: ${p.type}${p.default ? ` = ${commentText(describeExpr(p.default))}` : ""}  (${commentText(sourceText(p))})\n      [${JSON.stringify(p.name)}, env.params.get(${JSON.stringify(p.name)}) ?? ${fallback}],`;
    });
    return [
      "/**",
      " * The executor's plan for this profile in an environment (secrets, `--param`",
      " * values, lookup tables, crosswalk). Throws MissingSecretError, as",
      " * createExecutor does, when a key is missing.",
      " */",
      `export function createPlan(env: ${env}): ${this.mod.use("ExecutionPlan")} {`,
      `  const keys = ${this.mod.use("resolveKeys")}(IR.secrets, env);`,
      `  return ${this.mod.use("toExecutionPlan")}({`,
      "    rules: RULES,",
      "    filters: FILTERS,",
      "    lets: LETS,",
      `    params: new Map<string, ${this.mod.use("Value")}>([${params.length ? `\n${params.join("\n")}\n    ` : ""}]),`,
      "    wantedTags: WANTED_TAGS,",
      "    tables: env.tables,",
      "    crosswalk: env.crosswalk,",
      "    runKey: keys.runKey,",
      "    secret: keys.secret,",
      `    defaultDateShift: ${this.mod.use("DEFAULT_DATE_SHIFT")},`,
      "    methodDescription: METHOD_DESCRIPTION,",
      "    methodCodes: METHOD_CODES,",
      `    implementationClassUid: ${this.mod.use("IMPLEMENTATION_CLASS_UID")},`,
      `    implementationVersionName: ${this.mod.use("IMPLEMENTATION_VERSION_NAME")},`,
      "  });",
      "}",
      "",
      "/** An Executor for this profile: the plan above, run by the executor's processObject. */",
      `export function createProcessor(env: ${env}): ${this.mod.use("Executor")} {`,
      "  const plan = createPlan(env);",
      `  return { process: (bytes, inputPath) => ${this.mod.use("processObject")}(plan, bytes, inputPath) };`,
      "}",
    ];
  }

  /** The IR itself, one rule per line: the run driver reads its declarations (secrets, parameters, tables). */
  private irLiteral(): string[] {
    const entries = Object.entries(this.ir).map(([key, value]) => {
      if (key === "rules" && Array.isArray(value) && value.length > 0) {
        return `  ${JSON.stringify(key)}: [\n${value.map((r) => `    ${JSON.stringify(r)}`).join(",\n")}\n  ]`;
      }
      return `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
    });
    return [
      "/** The IR this module was generated from, unchanged (IR_HASH is the SHA-256 of its `--emit ir` form). */",
      `export const IR: ${this.mod.use("IrProgram")} = {\n${entries.join(",\n")}\n};`,
    ];
  }

  private preamble(identity: ProfileIdentity): string[] {
    const ir = this.ir;
    const lines = [
      `// ${identity.profile}${identity.title ? ` (${commentText(identity.title)})` : ""}: executor plan generated by deidc ${identity.deidcVersion}.`,
      "// generated; do not edit." + (this.options.command ? ` Regenerate with: ${commentText(this.options.command)}` : ""),
      "//",
      `//   profile           ${identity.profile}`,
      `//   options           ${identity.options.length ? identity.options.join(", ") : "(none)"}`,
      `//   standard release  ${identity.release ? `DICOM PS3.15 ${identity.release}` : "(not pinned)"}`,
      `//   deidc version     ${identity.deidcVersion}${ir.compiler !== identity.deidcVersion ? ` (IR from deidc ${ir.compiler})` : ""}`,
      `//   IR hash           ${identity.irHash} (SHA-256 of \`deidc compile --emit ir\`)`,
      `//   rules             ${ir.rules.length}, filters ${ir.filters.length}, lets ${ir.lets.length}, params ${ir.params.length}`,
      "//",
      "// createPlan(env) returns the ExecutionPlan that the executor's processObject",
      "// (src/runtime/executor/process.ts) runs; createProcessor(env) wraps it as an",
      "// Executor. Each rule below is preceded by the place in the rule files it",
      "// comes from; the tables list rules in the order the language's precedence",
      "// gives them (docs/language.md, \"Which rule wins\").",
    ];
    return lines;
  }

  generate(): string {
    const identity = profileIdentity(this.ir, this.options.deidcVersion);
    // Sections that hoist constants or use runtime names are built first; the
    // imports and constants they need are written above them.
    const rules = this.ruleDeclarations();
    const standard = this.standardDispatch();
    const priv = this.privateDispatch();
    const table = this.ruleTable();
    const filters = this.filters();
    const lets = this.lets();
    const wanted = this.wantedTags();
    const method = this.method();
    const plan = this.createPlan();
    const ir = this.irLiteral();
    const plannedRule = this.mod.use("PlannedRule");

    const metadata = [
      "/** Profile name. */",
      `export const PROFILE = ${JSON.stringify(identity.profile)};`,
      "/** Profile title, if it has one. */",
      `export const PROFILE_TITLE: string | null = ${JSON.stringify(identity.title)};`,
      "/** Options switched on, in layer order (the profile's own `with`, then `--with`). */",
      `export const OPTIONS: readonly string[] = ${JSON.stringify(identity.options)};`,
      "/** DICOM PS3.15 release the standard library units come from. */",
      `export const STANDARD_RELEASE: string | null = ${JSON.stringify(identity.release)};`,
      "/** deidc version that generated this module. */",
      `export const DEIDC_VERSION = ${JSON.stringify(identity.deidcVersion)};`,
      "/** SHA-256 of the IR (`deidc compile --emit ir` output) this module was generated from. */",
      `export const IR_HASH = ${JSON.stringify(identity.irHash)};`,
    ];

    const sections = [
      this.preamble(identity).join("\n"),
      this.mod.importLines(this.options.runtimeImport).join("\n"),
      metadata.join("\n"),
      ["// ---------------------------------------------------------------- constants", "", ...this.mod.hoistedLines()].join("\n"),
      ["// ---------------------------------------------------------------- rules, in precedence order", "", ...rules].join("\n"),
      ["// ---------------------------------------------------------------- dispatch", "", ...standard, "", ...priv, "", `/** Private candidates met so far, by creator and tag. */`, `const PRIVATE_SEEN = new Map<string | undefined, Map<number, readonly ${plannedRule}[]>>();`, "", ...table].join("\n"),
      ["// ---------------------------------------------------------------- filters, lets, markers", "", ...filters, "", ...lets, "", ...wanted, "", ...method].join("\n"),
      ["// ---------------------------------------------------------------- plan", "", ...plan].join("\n"),
      ["// ---------------------------------------------------------------- IR", "", ...ir].join("\n"),
    ];
    return sections.join("\n\n") + "\n";
  }
}

/** TypeScript source of the plan module for `ir`. Deterministic: the same IR and options give the same text. */
export function generatePlanModule(ir: IrProgram, options: GenerateOptions): string {
  return new Generator(ir, options).generate();
}
