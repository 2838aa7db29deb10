// Generic traversal of the AST. Lint rules are visitors keyed by node kind
// (graphql-js style); `visitInParallel` runs every rule in one walk.

import type { AnyNode, Coordinate, DeidFile, RegionShape } from "./ast";

type KindOf<N> = N extends { kind: infer K } ? K : never;
type NodeOfKind<K> = Extract<AnyNode, { kind: K }>;

/** Handlers per node kind; `enter` is called before children, `leave` after. */
export type Visitor = {
  [K in KindOf<AnyNode>]?: ((node: NodeOfKind<K>, parents: readonly AnyNode[]) => void) | {
    enter?: (node: NodeOfKind<K>, parents: readonly AnyNode[]) => void;
    leave?: (node: NodeOfKind<K>, parents: readonly AnyNode[]) => void;
  };
};

/** The direct children of a node, in source order. */
export function childrenOf(node: AnyNode): AnyNode[] {
  switch (node.kind) {
    case "File":
      return node.version ? [node.version, ...node.items] : [...node.items];
    case "Profile":
      return [node.name, ...(node.title ? [node.title] : []), ...(node.basedOn ? [node.basedOn] : []), ...node.options, ...(node.code ? [node.code] : []), ...(node.release ? [node.release] : [])];
    case "Option":
      return [node.name, ...(node.title ? [node.title] : []), ...(node.code ? [node.code] : []), ...node.body];
    case "Import":
      return [node.path];
    case "Secret":
      return [node.name, node.ref];
    case "Param":
      return [node.name, node.type, ...(node.default ? [node.default] : [])];
    case "Let":
      return [node.name, node.value];
    case "Rule":
      return [...node.selectors, node.action, ...(node.when ? [node.when] : []), ...(node.because ? [node.because] : [])];
    case "PathSelector":
      return [...node.steps];
    case "ElementStep":
      return node.item ? [node.element, node.item] : [node.element];
    case "TagRangeRef":
      return [node.from, node.to];
    case "KeywordPatternSelector":
      return [node.pattern];
    case "AnyWhereSelector":
      return [node.test];
    case "VrSelector":
      return [...node.vrs];
    case "ShiftAction":
      return [node.days];
    case "LookupAction":
      return [node.table, ...node.keys, node.otherwise];
    case "CoarsenAction":
      return [node.unit];
    case "ReplaceAction":
      return [node.pattern, node.replacement];
    case "SetAction":
      return [node.value];
    case "WhenBlock":
      return [node.when, ...node.body];
    case "Filter":
      return [...(node.when ? [node.when] : []), ...(node.because ? [node.because] : [])];
    case "PixelBlock":
      return [...(node.when ? [node.when] : []), ...(node.because ? [node.because] : []), ...node.regions];
    case "PixelRegion":
      return [...shapeCoordinates(node.shape), ...(node.frames ?? []), ...(node.fill ? [node.fill] : [])];
    case "EdgeCoordinate":
      return node.offset ? [node.edge, node.offset] : [node.edge];
    case "ColourFill":
      return [node.red, node.green, node.blue];
    case "FrameRange":
      return node.to ? [node.from, node.to] : [node.from];
    case "Call":
      return [node.callee, ...node.args];
    case "Binary":
      return [node.left, node.right];
    case "Unary":
      return [node.operand];
    case "List":
      return [...node.items];
    case "Range":
      return [node.from, node.to];
    case "Paren":
      return [node.inner];
    default:
      return [];
  }
}

/** The coordinates of a pixel region's shape, in source order (none for `all` and `ultrasound regions`). */
export function shapeCoordinates(shape: RegionShape): Coordinate[] {
  switch (shape.form) {
    case "rect":
      return [shape.x, shape.y, shape.width, shape.height];
    case "corners":
      return [shape.x0, shape.y0, shape.x1, shape.y1];
    default:
      return [];
  }
}

/** Walks `root` depth-first, calling every visitor's handlers in one pass. */
export function visitInParallel(root: DeidFile, visitors: readonly Visitor[]): void {
  const parents: AnyNode[] = [];
  const walk = (node: AnyNode): void => {
    for (const v of visitors) {
      const h = (v as Record<string, unknown>)[node.kind];
      if (typeof h === "function") h(node, parents);
      else if (h && typeof (h as { enter?: unknown }).enter === "function") (h as { enter: (n: AnyNode, p: AnyNode[]) => void }).enter(node, parents);
    }
    parents.push(node);
    for (const child of childrenOf(node)) walk(child);
    parents.pop();
    for (const v of visitors) {
      const h = (v as Record<string, unknown>)[node.kind];
      if (h && typeof h === "object" && typeof (h as { leave?: unknown }).leave === "function") (h as { leave: (n: AnyNode, p: AnyNode[]) => void }).leave(node, parents);
    }
  };
  walk(root);
}
