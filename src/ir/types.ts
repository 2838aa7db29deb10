// The IR: the contract between the compiler and everything after it
// (executor code generation, the reference evaluator, explain, reports).
// Plain JSON, versioned, validated by src/ir/schema.json at the boundary.
//
// A profile is flattened into one ordered rule list. For each element the
// executor takes the FIRST rule, in `rules` order, whose selector matches and
// whose condition holds. The compiler sorts rules so that order encodes the
// language's precedence (see docs/language.md, "Which rule wins"):
//   1. specific rules before catch-alls (`private *`, then `*`);
//   2. a later layer (site file > options in `with` order > base profile) first;
//   3. within a layer, the more specific selector first;
//   4. then source order.

export const IR_VERSION = 1;

export interface IrProgram {
  irVersion: typeof IR_VERSION;
  /** deidc version that produced this IR */
  compiler: string;
  profile: IrProfile;
  secrets: IrSecret[];
  params: IrParam[];
  lets: IrLet[];
  filters: IrFilter[];
  rules: IrRule[];
  pixels: IrPixelRule[];
}

export interface IrSource {
  file: string;
  line: number;
  column: number;
}

export interface IrProfile {
  name: string;
  title: string | null;
  /** DICOM standard release the standard library units were generated from, e.g. "2026c" */
  release: string | null;
  /** every unit in layer order: base profiles first, then options, then the site profile */
  layers: IrLayer[];
  /** CID 7050 codes of the profile and options applied, in layer order, without duplicates */
  methodCodes: IrCode[];
}

export interface IrLayer {
  index: number;
  name: string;
  kind: "profile" | "option";
  code: IrCode | null;
  source: IrSource;
}

export interface IrCode {
  /** coding scheme designator, "DCM" for CID 7050 */
  scheme: string;
  value: string;
  meaning: string;
}

export interface IrSecret {
  name: string;
  from: "env" | "file";
  /** environment variable name or file path; never the secret */
  ref: string;
  source: IrSource;
}

export interface IrParam {
  name: string;
  type: "string" | "number" | "date" | "bool";
  default: IrExpr | null;
  source: IrSource;
}

export interface IrLet {
  name: string;
  value: IrExpr;
  source: IrSource;
}

export interface IrFilter {
  outcome: "reject" | "quarantine";
  when: IrExpr | null;
  reason: string;
  source: IrSource;
}

export interface IrRule {
  /** position in the rule list; the audit report names rules by source, not id */
  id: number;
  layer: number;
  selector: IrSelector;
  action: IrAction;
  when: IrExpr | null;
  because: string | null;
  source: IrSource;
}

// ---------------------------------------------------------------- selectors

export type IrSelector =
  | IrPathSelector
  | { kind: "vr"; vrs: string[] }
  | { kind: "privateAll" }
  | { kind: "all" };

/**
 * Matches an element whose tag matches the last step and whose enclosing
 * sequences match the earlier steps. Unanchored paths may start at any depth.
 */
export interface IrPathSelector {
  kind: "path";
  anchored: boolean;
  steps: IrStep[];
}

export type IrStep = IrElementStep | { kind: "deep" };

export interface IrElementStep {
  kind: "element";
  match: IrElementMatch;
  /** zero-based item index inside the parent sequence; null = any item */
  item: number | null;
}

export type IrElementMatch =
  /** an exact tag, as 8 upper-case hex digits: "00100010" */
  | { kind: "tag"; tag: string; keyword: string | null }
  /** (tag & mask) === value; both 8 upper-case hex digits */
  | { kind: "mask"; value: string; mask: string; text: string }
  | { kind: "range"; from: string; to: string }
  /**
   * A private element by creator: group (4 hex digits), creator string as in
   * the Private Creator element (trailing spaces trimmed, compared exactly),
   * element offset within the block (2 hex digits) or null for the whole block.
   */
  | { kind: "private"; group: string; creator: string; element: string | null };

// ---------------------------------------------------------------- actions

export type IrActionCode = "D" | "Z" | "X" | "K" | "C" | "U" | "Z/D" | "X/Z" | "X/D" | "X/Z/D" | "X/Z/U*";

export type IrAction =
  | { kind: "code"; code: IrActionCode }
  | { kind: "set"; value: IrExpr }
  | { kind: "shift"; days: IrExpr }
  | { kind: "lookup"; table: string; keys: IrExpr[]; otherwise: IrAction }
  | { kind: "coarsen"; unit: "year" | "month" }
  | { kind: "replace"; pattern: string; flags: string; replacement: string };

// ---------------------------------------------------------------- expressions

export type IrExpr =
  | { kind: "str"; value: string }
  | { kind: "num"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "regex"; pattern: string; flags: string }
  /** value of an attribute of the object being processed (top-level dataset) */
  | { kind: "attr"; tag: string; keyword: string | null }
  | { kind: "privateAttr"; group: string; creator: string; element: string }
  /** the current element's own value (inside an action) */
  | { kind: "value" }
  | { kind: "let"; name: string }
  | { kind: "param"; name: string }
  | { kind: "secret"; name: string }
  | { kind: "call"; fn: IrFunction; args: IrExpr[] }
  | { kind: "binary"; op: IrBinaryOp; left: IrExpr; right: IrExpr }
  | { kind: "not"; operand: IrExpr }
  | { kind: "list"; items: IrExpr[] }
  | { kind: "range"; from: IrExpr; to: IrExpr };

export type IrBinaryOp = "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "contains" | "~" | "!~" | "+";

/** The closed set of functions; the checker rejects any other name. */
export type IrFunction = "hash" | "days" | "upper" | "lower" | "exists" | "empty";

// ---------------------------------------------------------------- pixels

export interface IrPixelRule {
  when: IrExpr | null;
  because: string | null;
  regions: IrRegion[];
  source: IrSource;
}

export interface IrRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** 1-based inclusive frame ranges; null = every frame */
  frames: { from: number; to: number }[] | null;
  fill: number;
  source: IrSource;
}
