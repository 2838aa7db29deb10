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
  /**
   * `pixels apply first`: of the `pixels` blocks whose condition holds, only the first (in
   * `pixels` order) applies. Absent: every such block applies (`pixels apply all`, the default).
   */
  pixelApply?: "first";
}

export interface IrSource {
  /**
   * The rule file, named independently of the working directory and of where
   * deidc is installed (ParsedFile.id): `stdlib/ps315/basic.deid` for a
   * standard-library file, otherwise relative to the entry profile's folder.
   */
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

/** Filters run in `filters` order; the first whose condition holds decides. */
export interface IrFilter {
  /** reject: drop; quarantine: set aside; accept: de-identify (no later filter runs); skip: pass through unchanged */
  outcome: "reject" | "quarantine" | "accept" | "skip";
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
  | { kind: "all" }
  /**
   * `keyword /re/`: the standard attributes whose PS3.6 keyword the pattern matches,
   * resolved at compile time (exact tags, and masks for repeating groups such as (60xx,3000))
   */
  | { kind: "keywords"; pattern: string; flags: string; matches: IrKeywordMatch[] }
  /** `any where test`: every element that is not a sequence, at any depth, for which `test` holds (`value` is its value) */
  | { kind: "anyWhere"; test: IrExpr };

export type IrKeywordMatch = Extract<IrElementMatch, { kind: "tag" | "mask" }>;

/**
 * Matches an element whose tag matches the last step and whose enclosing
 * sequences match the earlier steps. Unanchored paths may start at any depth.
 */
export interface IrPathSelector {
  kind: "path";
  anchored: boolean;
  steps: IrStep[];
}

/** `deep`: `**`, zero or more sequence levels; `any`: `*`, exactly one level of any sequence */
export type IrStep = IrElementStep | { kind: "deep" } | { kind: "any" };

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
  /** `mode` absent: present elements only; "create": also adds a top-level attribute the object lacks; "append": adds a value */
  | { kind: "set"; value: IrExpr; mode?: "create" | "append" }
  | { kind: "shift"; days: IrExpr }
  /** `mode` "create": also adds a top-level attribute the object lacks (the table's value, or on a miss the `otherwise` value) */
  | { kind: "lookup"; table: string; keys: IrExpr[]; otherwise: IrAction | IrQuarantineMiss; mode?: "create" }
  | { kind: "coarsen"; unit: "year" | "month" }
  | { kind: "replace"; pattern: string; flags: string; replacement: string };

/** `lookup(...) else quarantine`: a miss sets the whole object aside ("no entry in <table> for <attribute>"). */
export interface IrQuarantineMiss {
  kind: "quarantine";
}

// ---------------------------------------------------------------- expressions

export type IrExpr =
  | { kind: "str"; value: string }
  | { kind: "num"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "regex"; pattern: string; flags: string }
  /**
   * value of an attribute of the object being processed: of the top-level dataset, or with `item`
   * (`item.Keyword`) of the dataset that directly contains the element being decided
   */
  | { kind: "attr"; tag: string; keyword: string | null; item?: true }
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
export type IrFunction =
  | "hash"
  | "days"
  | "upper"
  | "lower"
  | "exists"
  | "empty"
  | "startsWith"
  | "endsWith"
  | "includes"
  | "matches"
  | "equalsIgnoreCase"
  | "truncate"
  | "initials"
  | "format"
  | "ageBand"
  | "capAge";

// ---------------------------------------------------------------- pixels

export interface IrPixelRule {
  when: IrExpr | null;
  because: string | null;
  /** `pixels complete`: the regions cover all burned-in text of the layout, so Burned In Annotation becomes NO; absent = false */
  complete?: true;
  regions: IrRegion[];
  source: IrSource;
}

/**
 * One line of a `pixels` block. A rectangle of plain numbers (also one written with corners)
 * is x, y, width, height, as in the first version of the IR; every other shape is `area`, and
 * then x, y, width and height are 0.
 */
export interface IrRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** a shape that depends on the object: edges, the whole image, the ultrasound regions */
  area?: IrArea;
  /** `keep`: the area is kept, and the block fills everything outside the union of its keep areas; absent = blank */
  keep?: true;
  /** 1-based inclusive frame ranges; null = every frame */
  frames: { from: number; to: number }[] | null;
  /** the stored value of a blanked grey sample; with fillColour, 0 */
  fill: number;
  /** `fill (R, G, B)`, as written (RGB; converted for YBR images when applied) */
  fillColour?: [number, number, number];
  source: IrSource;
}

/** A pixel position or size: a number, or a distance back from the right (Columns) or bottom (Rows) edge. */
export type IrCoordinate = number | { edge: "Columns" | "Rows"; minus: number };

export type IrArea =
  | { kind: "rect"; x: IrCoordinate; y: IrCoordinate; width: IrCoordinate; height: IrCoordinate }
  /** from (x0, y0) to (x1, y1): x1 and y1 exclusive */
  | { kind: "corners"; x0: IrCoordinate; y0: IrCoordinate; x1: IrCoordinate; y1: IrCoordinate }
  | { kind: "all" }
  /** the rectangles of the Sequence of Ultrasound Regions (0018,6011) */
  | { kind: "ultrasound" };
