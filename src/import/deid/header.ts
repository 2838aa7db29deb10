// deid's `%header` actions folded into one decision per selector.
//
// deid applies the actions one after the other, each to the fields the file
// has at that moment: a REMOVE takes a field out of reach of later actions
// (except ADD, which creates it again), a BLANK followed by a REPLACE leaves
// the replacement, fields named by KEEP and a few protected ones are never
// touched. A .deid profile instead gives each element the action of its most
// specific rule, and two rules of one profile for the same selector conflict.
// So the import runs the actions in order over "entities" (every field, group
// and catch-all the recipe names, plus the fields where two of them overlap)
// and writes each entity's final state as one rule. Precedence in deidc
// (field over range over VR over `private *` over `*`) then picks, for each
// element, the entity whose state is the one deid would have left.

import type { FieldTarget } from "./fields";

export type FieldState =
  | { kind: "unchanged" }
  | { kind: "keep"; because: string }
  | { kind: "remove" }
  | { kind: "blank" }
  | { kind: "set"; value: string }
  | { kind: "shift"; days: number }
  /** a whole action deidc writes as is: `U`, `hash(key, value, 32)` */
  | { kind: "action"; action: string; dateSafe: boolean };

export type FoldAction =
  | { kind: "remove" }
  | { kind: "blank" }
  | { kind: "replace"; value: string }
  | { kind: "add"; value: string }
  | { kind: "jitter"; days: number }
  | { kind: "uid" }
  | { kind: "hash"; expr: string };

export type Scope =
  | { kind: "all" }
  | { kind: "private" }
  | { kind: "vr"; vr: string }
  | { kind: "range"; group: number }
  | { kind: "field"; target: FieldTarget; anchored: boolean };

export interface Entity {
  id: string;
  scope: Scope;
  selector: string;
  /** deidc's precedence: higher decides first */
  rank: number;
  state: FieldState;
  /** positions of the recipe actions that changed the state, in order */
  positions: number[];
  /** creation order, to keep rules of one position in a stable order */
  order: number;
  /** named by the recipe (written even when its state equals what would decide it anyway) */
  named: boolean;
  /** KEEP or protected: no action changes it */
  immune: boolean;
}

const RANK = { all: 0, private: 1, vr: 2, range: 3, field: 4, anchored: 5 } as const;

/** A dictionary attribute, as the fold needs it to decide overlaps. */
export interface DictionaryField {
  target: FieldTarget;
}

function isPrivateTarget(t: FieldTarget): boolean {
  return t.kind === "private" || (t.tag !== null && ((t.tag >>> 16) & 1) === 1);
}

function groupOf(t: FieldTarget): number | null {
  return t.tag === null ? (t.kind === "private" ? parseInt(t.selector.slice(1, 5), 16) : null) : t.tag >>> 16;
}

function contains(scope: Scope, t: FieldTarget, anchored: boolean): boolean {
  switch (scope.kind) {
    case "all":
      return !isPrivateTarget(t);
    case "private":
      return isPrivateTarget(t);
    case "vr":
      return !isPrivateTarget(t) && t.vrs.includes(scope.vr);
    case "range":
      return groupOf(t) === scope.group;
    case "field":
      return scope.target.selector === t.selector && (!scope.anchored || anchored);
  }
}

export function isDate(t: FieldTarget): boolean {
  return t.vrs.includes("DA") || t.vrs.includes("DT");
}

/** deid's JITTER on a date written YYYYMMDD, for a value a REPLACE already put there. */
function jitterDate(value: string, days: number): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime()) || d.getUTCMonth() !== Number(m[2]) - 1) return null;
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.getUTCFullYear().toString().padStart(4, "0")}${(d.getUTCMonth() + 1).toString().padStart(2, "0")}${d.getUTCDate().toString().padStart(2, "0")}`;
}

export class HeaderFold {
  readonly entities = new Map<string, Entity>();
  private nextOrder = 0;
  /** problems the fold met, for the caller to report on the action's line */
  readonly problems: { position: number; message: string }[] = [];

  constructor() {
    this.create({ kind: "all" }, "*", RANK.all, { kind: "unchanged" }, false);
    this.create({ kind: "private" }, "private *", RANK.private, { kind: "unchanged" }, false);
  }

  get all(): Entity {
    return this.entities.get("*")!;
  }

  get privateDefault(): Entity {
    return this.entities.get("private *")!;
  }

  private create(scope: Scope, selector: string, rank: number, state: FieldState, named: boolean): Entity {
    const entity: Entity = { id: selector, scope, selector, rank, state, positions: [], order: this.nextOrder++, named, immune: false };
    this.entities.set(selector, entity);
    return entity;
  }

  /** The entity that decides `t` in deidc now (highest rank containing it), excluding `except`. */
  decider(t: FieldTarget, anchored: boolean, except?: Entity): Entity {
    let best: Entity | null = null;
    for (const e of this.entities.values()) {
      if (e === except || !contains(e.scope, t, anchored)) continue;
      if (!best || e.rank > best.rank) best = e;
    }
    return best ?? (isPrivateTarget(t) ? this.privateDefault : this.all);
  }

  /** The entity for one field, created with the state that decides it now. */
  field(t: FieldTarget, anchored: boolean, named: boolean): Entity {
    const selector = anchored ? `/${t.selector}` : t.selector;
    const existing = this.entities.get(selector);
    if (existing) {
      if (named) existing.named = true;
      return existing;
    }
    const decided = this.decider(t, anchored);
    const entity = this.create({ kind: "field", target: t, anchored }, selector, anchored ? RANK.anchored : RANK.field, decided.state, named);
    entity.immune = decided.immune && decided.scope.kind === "field";
    entity.positions = [...decided.positions];
    return entity;
  }

  /** Marks a field as never changed (KEEP, or one of deid's protected fields). */
  protect(t: FieldTarget, because: string, named: boolean): Entity {
    const e = this.field(t, false, named);
    e.state = { kind: "keep", because };
    e.immune = true;
    return e;
  }

  private group(scope: Extract<Scope, { kind: "vr" } | { kind: "range" }>, selector: string, dictionary: readonly DictionaryField[]): Entity {
    this.materializeOverlaps(scope, dictionary);
    const existing = this.entities.get(selector);
    if (existing) return existing;
    const base = scope.kind === "range" && (scope.group & 1) === 1 ? this.privateDefault : this.all;
    const entity = this.create(scope, selector, scope.kind === "vr" ? RANK.vr : RANK.range, base.state, true);
    entity.positions = [...base.positions];
    return entity;
  }

  /**
   * Fields in both a VR group and a group range: the range outranks the VR
   * in deidc, so an action on one must reach those fields through field
   * entities of their own.
   */
  private materializeOverlaps(scope: Extract<Scope, { kind: "vr" } | { kind: "range" }>, dictionary: readonly DictionaryField[]): void {
    for (const other of [...this.entities.values()]) {
      if (scope.kind === "vr" && other.scope.kind === "range") {
        const g = other.scope.group;
        for (const d of dictionary) if (groupOf(d.target) === g && d.target.vrs.includes(scope.vr)) this.field(d.target, false, false);
      }
      if (scope.kind === "range" && other.scope.kind === "vr") {
        const vr = other.scope.vr;
        for (const d of dictionary) if (groupOf(d.target) === scope.group && d.target.vrs.includes(vr)) this.field(d.target, false, false);
      }
    }
  }

  /** Records that the recipe line at `position` names the entity. */
  cite(e: Entity, position: number): void {
    if (e.positions[e.positions.length - 1] !== position) e.positions.push(position);
  }

  private apply(e: Entity, action: FoldAction, position: number): void {
    if (e.immune) return;
    const next = this.transition(e, action, position);
    if (next === null) return;
    e.state = next;
    if (e.positions[e.positions.length - 1] !== position) e.positions.push(position);
  }

  private transition(e: Entity, action: FoldAction, position: number): FieldState | null {
    const s = e.state;
    switch (action.kind) {
      case "remove":
        // A removed field is out of reach: a second REMOVE does nothing to it.
        return s.kind === "remove" ? null : { kind: "remove" };
      case "blank":
        return s.kind === "remove" ? null : { kind: "blank" };
      case "replace":
        return s.kind === "remove" ? null : { kind: "set", value: action.value };
      case "add":
        return { kind: "set", value: action.value };
      case "uid":
      case "hash":
        if (s.kind === "remove") return null;
        return action.kind === "uid" ? { kind: "action", action: "U", dateSafe: false } : { kind: "action", action: action.expr, dateSafe: false };
      case "jitter": {
        if (e.scope.kind === "field" && !isDate(e.scope.target)) return null;
        if (e.scope.kind === "vr" && e.scope.vr !== "DA" && e.scope.vr !== "DT") return null;
        switch (s.kind) {
          case "remove":
          case "blank":
          case "keep":
            return null;
          case "unchanged":
            return { kind: "shift", days: action.days };
          case "shift":
            return { kind: "shift", days: s.days + action.days };
          case "set": {
            const shifted = jitterDate(s.value, action.days);
            if (shifted === null) {
              this.problems.push({ position, message: `deid would jitter the value \`${s.value}\` an earlier action wrote into ${e.selector}, which is not a date; the import keeps that value` });
              return null;
            }
            return { kind: "set", value: shifted };
          }
          case "action":
            this.problems.push({ position, message: `deid would jitter what an earlier function wrote into ${e.selector}; the import keeps that function's result` });
            return null;
        }
      }
    }
  }

  /** An action on named fields (`anchored`: the top-level element only, as deid's ADD). */
  applyFields(targets: readonly FieldTarget[], action: FoldAction, position: number, anchored = false): void {
    for (const t of targets) {
      const e = this.field(t, anchored, true);
      this.apply(e, action, position);
      // The line names the field even when it changes nothing (a REPLACE after a REMOVE): the rule cites it.
      this.cite(e, position);
      // The anchored entity of a field is part of it: an action on the field reaches it too.
      if (!anchored) {
        const root = this.entities.get(`/${t.selector}`);
        if (root) this.apply(root, action, position);
      }
    }
  }

  /** An action on a VR group or a group range, and on every field entity inside it. */
  applyGroup(scope: Extract<Scope, { kind: "vr" } | { kind: "range" }>, selector: string, action: FoldAction, position: number, dictionary: readonly DictionaryField[]): void {
    if (action.kind === "jitter" && scope.kind === "range") {
      // Only dates move; a range holds other VRs, so the dates in it become fields of their own.
      for (const d of dictionary) if (groupOf(d.target) === scope.group && isDate(d.target)) this.applyFields([d.target], action, position);
      return;
    }
    const g = this.group(scope, selector, dictionary);
    this.apply(g, action, position);
    for (const e of [...this.entities.values()]) {
      if (e.scope.kind === "field" && contains(scope, e.scope.target, e.scope.anchored)) this.apply(e, action, position);
    }
  }

  /** An action on every field (ALL), or every field but `excluded` (`except:`). */
  applyAll(action: FoldAction, position: number, dictionary: readonly DictionaryField[], excluded: readonly FieldTarget[] = []): void {
    const skip = new Set<Entity>();
    for (const t of excluded) {
      skip.add(this.field(t, false, false));
      const root = this.entities.get(`/${t.selector}`);
      if (root) skip.add(root);
    }
    if (action.kind === "jitter") {
      // deid jitters the dates among all fields; deidc says so with `vr DA, DT`.
      for (const vr of ["DA", "DT"]) {
        const g = this.group({ kind: "vr", vr }, `vr ${vr}`, dictionary);
        this.apply(g, action, position);
      }
      for (const e of [...this.entities.values()]) if (e.scope.kind === "field" && !skip.has(e)) this.apply(e, action, position);
      return;
    }
    for (const e of [...this.entities.values()]) if (!skip.has(e)) this.apply(e, action, position);
  }
}
