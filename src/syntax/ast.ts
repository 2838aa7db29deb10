// The abstract syntax tree of a .deid file. Every node carries a span of
// UTF-16 offsets into its source text; line and column are computed only
// when a diagnostic is printed (see src/syntax/source.ts).
//
// Nodes are plain, immutable data. Passes after lowering never mutate them;
// resolved names and types live in side tables keyed by node (see src/check).

export interface Span {
  /** offset of the first character */
  start: number;
  /** offset one past the last character */
  end: number;
}

export interface Node {
  span: Span;
}

// ---------------------------------------------------------------- file

export interface DeidFile extends Node {
  kind: "File";
  /** path as given by the caller; used in diagnostics and audit records */
  path: string;
  /** `deid 1`; absent when the file has no version line */
  version: Version | null;
  items: Item[];
  /** every comment, in source order (kept by the formatter) */
  comments: Comment[];
}

export interface Version extends Node {
  kind: "Version";
  value: number;
}

export interface Comment extends Node {
  kind: "Comment";
  /** the text after `//`, not trimmed */
  text: string;
}

export type Item =
  | Import
  | ProfileHeader
  | OptionUnit
  | SecretDecl
  | ParamDecl
  | LetDecl
  | PixelApply
  | Statement;

/** What may appear in a unit body: at top level, inside `option { }` or inside `when ... { }`. */
export type Statement = Rule | Filter | PixelBlock | WhenBlock;

/**
 * `when Modality == "US" { ... }`: every statement inside also needs the
 * block's condition. Blocks nest; the IR desugars them (each rule, filter and
 * pixel block carries `(block) and (own)`), see src/syntax/blocks.ts.
 */
export interface WhenBlock extends Node {
  kind: "WhenBlock";
  when: Expr;
  body: Statement[];
}

export interface Name extends Node {
  kind: "Name";
  /** identifier or dotted/hyphenated qualified name: `ps315.retain-uids` */
  text: string;
}

export interface StringLit extends Node {
  kind: "String";
  /** decoded value (escapes processed) */
  value: string;
}

export interface NumberLit extends Node {
  kind: "Number";
  value: number;
  /** as written, so the formatter reproduces `05` or `1.50` faithfully */
  raw: string;
}

// ---------------------------------------------------------------- declarations

/** `import "common.deid"` makes the units of another file available by name. */
export interface Import extends Node {
  kind: "Import";
  path: StringLit;
}

/**
 * `profile acme.research "title" based on ps315.basic with a, b code 113100 release "2026c"`.
 * The statements at the top level of the file are the profile's own rules.
 */
export interface ProfileHeader extends Node {
  kind: "Profile";
  name: Name;
  title: StringLit | null;
  basedOn: Name | null;
  options: Name[];
  code: NumberLit | null;
  release: StringLit | null;
}

/** `option ps315.retain-uids "Retain UIDs Option" code 113110 { ... }` */
export interface OptionUnit extends Node {
  kind: "Option";
  name: Name;
  title: StringLit | null;
  code: NumberLit | null;
  body: Statement[];
}

/** `secret key from env DEID_KEY` or `secret key from file "/run/secrets/deid"` */
export interface SecretDecl extends Node {
  kind: "Secret";
  name: Name;
  source: "env" | "file";
  /** environment variable name or file path; never the secret itself */
  ref: Name | StringLit;
}

/** `param cutoff: number = 89` (typed run-time parameter, `--param cutoff=90`) */
export interface ParamDecl extends Node {
  kind: "Param";
  name: Name;
  type: Name;
  default: Expr | null;
}

/** `let offset = days(key, PatientID, -365 .. -30)` */
export interface LetDecl extends Node {
  kind: "Let";
  name: Name;
  value: Expr;
}

// ---------------------------------------------------------------- rules

/** `PatientName, PatientID -> X when ... because "..."` */
export interface Rule extends Node {
  kind: "Rule";
  selectors: Selector[];
  action: Action;
  when: Expr | null;
  because: StringLit | null;
}

export type Selector = PathSelector | VrSelector | PrivateAllSelector | AllSelector | KeywordPatternSelector | AnyWhereSelector;

/**
 * `keyword /Date$/`: every standard attribute whose PS3.6 keyword the pattern
 * matches (a search, anchors allowed), at any depth; resolved against the
 * dictionary when the IR is built.
 */
export interface KeywordPatternSelector extends Node {
  kind: "KeywordPatternSelector";
  pattern: RegexLit;
}

/**
 * `any where value == PatientName`: every element, at any depth, standard or
 * private (never a sequence itself), for which `test` holds; `value` is the
 * element's own value.
 */
export interface AnyWhereSelector extends Node {
  kind: "AnyWhereSelector";
  test: Expr;
}

/**
 * A path of steps separated by `/`. A single step with no leading `/`
 * matches the attribute at any depth (PS3.15 applies to nested items too).
 * `anchored` (leading `/`) restricts the first step to the top-level dataset.
 */
export interface PathSelector extends Node {
  kind: "PathSelector";
  anchored: boolean;
  steps: PathStep[];
}

export type PathStep = ElementStep | DeepStep | AnyStep;

/** `*` as a path step: exactly one sequence level, of any sequence */
export interface AnyStep extends Node {
  kind: "AnyStep";
}

/** `**`: zero or more sequence levels */
export interface DeepStep extends Node {
  kind: "DeepStep";
}

export interface ElementStep extends Node {
  kind: "ElementStep";
  element: ElementRef;
  /** `[2]` zero-based item index, `[*]` or absent = any item */
  item: NumberLit | null;
}

export type ElementRef = KeywordRef | TagRef | TagRangeRef | PrivateRef;

export interface KeywordRef extends Node {
  kind: "KeywordRef";
  keyword: string;
}

/**
 * `(0010,0010)`, or a mask `(60xx,4000)`, `(50xx,xxxx)`, where `x` is any hex digit.
 * `text` is exactly as written; `value`/`mask` are derived: a tag T matches when (T & mask) === value.
 */
export interface TagRef extends Node {
  kind: "TagRef";
  text: string;
  value: number;
  mask: number;
}

/** `(0008,0000)..(0008,FFFF)`: inclusive */
export interface TagRangeRef extends Node {
  kind: "TagRangeRef";
  from: TagRef;
  to: TagRef;
}

/**
 * A private attribute by PS3.15 E.3.10 notation: group, private creator and
 * element offset within the creator's block: `(0029,"SIEMENS CSA HEADER",10)`.
 * `element` null means every element of the block: `(0029,"SIEMENS CSA HEADER",xx)`.
 */
export interface PrivateRef extends Node {
  kind: "PrivateRef";
  group: number;
  creator: string;
  element: number | null;
  text: string;
}

/** `vr DA, DT` */
export interface VrSelector extends Node {
  kind: "VrSelector";
  vrs: Name[];
}

/** `private *`: every private attribute no other rule matches */
export interface PrivateAllSelector extends Node {
  kind: "PrivateAllSelector";
}

/** `*`: every attribute no other rule matches */
export interface AllSelector extends Node {
  kind: "AllSelector";
}

// ---------------------------------------------------------------- actions

export type ActionCode = "D" | "Z" | "X" | "K" | "C" | "U" | "Z/D" | "X/Z" | "X/D" | "X/Z/D" | "X/Z/U*";

export type Action = CodeAction | ShiftAction | LookupAction | CoarsenAction | ReplaceAction | SetAction;

/**
 * A PS3.15 action code, written as the code (`X/Z`) or as its word
 * (`remove` X, `empty` Z, `dummy` D, `keep` K, `clean` C, `uid` U).
 * `written` preserves the spelling for the formatter.
 */
export interface CodeAction extends Node {
  kind: "CodeAction";
  code: ActionCode;
  written: string;
}

/** `shift(offset)`: shift DA/DT/TM by a number of days */
export interface ShiftAction extends Node {
  kind: "ShiftAction";
  days: Expr;
}

/**
 * `lookup("ids.csv", PatientID) else hash(key, PatientID, 10)`; with several
 * keys the table's first columns are the key and its last the value.
 */
export interface LookupAction extends Node {
  kind: "LookupAction";
  table: StringLit;
  keys: Expr[];
  otherwise: Action | QuarantineMiss;
  /**
   * `create lookup(...) else ...`: also adds the attribute where the top-level dataset lacks it,
   * with the table's value, or on a miss with the `else` value (a miss under `else remove` adds
   * nothing). `set lookup` is the lookup (present elements only); `append lookup` is a lint error.
   */
  mode?: "create" | "set" | "append";
}

/** `else quarantine`: a lookup miss sets the whole object aside */
export interface QuarantineMiss extends Node {
  kind: "QuarantineMiss";
}

/** `coarsen(year)` keeps January 1st of the year, `coarsen(month)` the first of the month (DA, DT) */
export interface CoarsenAction extends Node {
  kind: "CoarsenAction";
  unit: Name;
}

/** `replace(/\d{6,}/g, "#")` */
export interface ReplaceAction extends Node {
  kind: "ReplaceAction";
  pattern: RegexLit;
  replacement: StringLit;
}

/**
 * a literal or computed value: `"ANON"`, `"ANON^" + hash(key, PatientID, 8)`, `set ""`;
 * `create "P-01"` also adds the attribute where the top-level dataset lacks it;
 * `append "DERIVED"` adds a value to a multi-valued attribute
 */
export interface SetAction extends Node {
  kind: "SetAction";
  value: Expr;
  /** absent: `set` (or no verb), which changes only present elements */
  mode?: "create" | "append";
}

// ---------------------------------------------------------------- filters and pixels

/**
 * `reject when ... because "..."` (drop), `quarantine ...` (set aside),
 * `accept ...` (de-identify, and evaluate no later filter), `skip ...` (pass
 * through unchanged). Filters run in file order; the first that fires decides.
 */
export interface Filter extends Node {
  kind: "Filter";
  outcome: "reject" | "quarantine" | "accept" | "skip";
  when: Expr | null;
  because: StringLit | null;
}

/** `pixels apply first` (only the first block whose condition holds applies) or `pixels apply all` (the default) */
export interface PixelApply extends Node {
  kind: "PixelApply";
  mode: "first" | "all";
}

/** `pixels complete when Modality == "US" { blank (0, 0, 800, 56) frames 1..3 fill 0 }` */
export interface PixelBlock extends Node {
  kind: "PixelBlock";
  /** `complete`: the regions cover all burned-in text of the layout (Burned In Annotation becomes NO) */
  complete: boolean;
  when: Expr | null;
  because: StringLit | null;
  regions: PixelRegion[];
}

/**
 * `blank SHAPE` fills the shape; `keep SHAPE` keeps it, and the block fills
 * everything outside the union of its `keep` shapes. Frames are 1-based and inclusive.
 */
export interface PixelRegion extends Node {
  kind: "PixelRegion";
  mode: "blank" | "keep";
  shape: RegionShape;
  frames: FrameRange[] | null;
  fill: NumberLit | ColourFill | null;
}

/**
 * `(x, y, width, height)`; `from (x0, y0) to (x1, y1)` (x1, y1 exclusive);
 * `all` (the whole image, `blank` only); `ultrasound regions` (the Sequence of
 * Ultrasound Regions of the object). Not nodes themselves: their coordinates are.
 */
export type RegionShape =
  | { form: "rect"; x: Coordinate; y: Coordinate; width: Coordinate; height: Coordinate }
  | { form: "corners"; x0: Coordinate; y0: Coordinate; x1: Coordinate; y1: Coordinate }
  | { form: "all" }
  | { form: "ultrasound" };

/** A pixel position or size: a number, or a distance back from the image's right or bottom edge. */
export type Coordinate = NumberLit | EdgeCoordinate;

/** `Columns - 200`, `Rows - 40`, `Columns` (offset null: the edge itself) */
export interface EdgeCoordinate extends Node {
  kind: "EdgeCoordinate";
  /** as written; the checker allows `Columns` for x and width, `Rows` for y and height */
  edge: Name;
  /** N in `Columns - N`, written without its sign */
  offset: NumberLit | null;
}

/** `fill (R, G, B)` for colour images */
export interface ColourFill extends Node {
  kind: "ColourFill";
  red: NumberLit;
  green: NumberLit;
  blue: NumberLit;
}

export interface FrameRange extends Node {
  kind: "FrameRange";
  from: NumberLit;
  to: NumberLit | null;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | StringLit
  | NumberLit
  | RegexLit
  | Ident
  | TagRef
  | PrivateRef
  | Call
  | Binary
  | Unary
  | ListExpr
  | RangeExpr
  | Paren;

export interface RegexLit extends Node {
  kind: "Regex";
  pattern: string;
  flags: string;
}

/** an attribute keyword, a `let`, `param` or `secret` name, or a bare word argument */
export interface Ident extends Node {
  kind: "Ident";
  name: string;
}

export interface Call extends Node {
  kind: "Call";
  callee: Name;
  args: Expr[];
}

export type BinaryOp =
  | "or"
  | "and"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "contains"
  | "~"
  | "!~"
  | "+";

export interface Binary extends Node {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface Unary extends Node {
  kind: "Unary";
  op: "not";
  operand: Expr;
}

export interface ListExpr extends Node {
  kind: "List";
  items: Expr[];
}

/** `-365 .. -30` (inclusive); only as a call argument */
export interface RangeExpr extends Node {
  kind: "Range";
  from: Expr;
  to: Expr;
}

/** kept so the formatter reproduces the author's parentheses */
export interface Paren extends Node {
  kind: "Paren";
  inner: Expr;
}

export type AnyNode =
  | DeidFile
  | Version
  | Comment
  | Item
  | Name
  | Selector
  | PathStep
  | ElementRef
  | Action
  | QuarantineMiss
  | PixelRegion
  | EdgeCoordinate
  | ColourFill
  | FrameRange
  | Expr;
