// A private data element's number is not its name: (0019,1010) is element
// 10 of whichever creator got block 10 of group 0019 in that file, and the
// same creator gets block 11 in the next file when another one came first
// (PS3.5 7.8.1). A rule or condition on the raw number acts on, or reads,
// another creator's element there. The creator-qualified form
// `(0019,"CREATOR",10)` (PS3.15 E.3.10) names the element in every file.
// Only numbers that depend on a block are reported: private creator
// elements (gggg,0010-00FF) sit at fixed numbers, and a whole group
// (`(0019,xxxx)`) covers every block.

import type { TagRangeRef, TagRef } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, "0");

/** A group that holds private attributes: odd, and not one of the reserved 0001-0007. */
const isPrivateGroup = (group: number): boolean => (group & 1) === 1 && group > 0x0007;

/** The block byte of a private data element (10 in (0019,1010)), or null for a creator or reserved element. */
const blockOf = (element: number): number | null => (element >= 0x1000 ? element >>> 8 : null);

export function PrivateElementNumberRule(ctx: CheckContext): Visitor {
  /** `offset`: the element offset of one element, "xx" for a whole block, "ee" for part of one. */
  const report = (node: TagRef | TagRangeRef, group: number, block: number, offset: string): void => {
    const written = ctx.file.source.text.slice(node.span.start, node.span.end);
    const qualified = `\`(${hex(group, 4)},"CREATOR",${offset})\`` + (offset === "ee" ? " for each element offset ee" : "");
    ctx.report("DEID2022", node.span, `private ${offset === "xx" || offset === "ee" ? "elements" : "element"} \`${written}\` named by number, without a private creator`, {
      help: `the number depends on the block the creator got in each file, here whichever creator (${hex(group, 4)},00${hex(block, 2)}) names; write ${qualified} with the creator as it appears in the data`,
    });
  };
  return {
    TagRef(node, parents) {
      if (parents[parents.length - 1]?.kind === "TagRangeRef") return;
      const group = node.value >>> 16;
      const element = node.value & 0xffff;
      if (node.mask >>> 16 !== 0xffff || !isPrivateGroup(group)) return;
      const block = blockOf(element);
      if (block === null) return;
      if (node.mask === 0xffffffff) report(node, group, block, hex(element & 0xff, 2));
      // `(0019,10xx)`: one block of the group, whatever creator holds it.
      else if ((node.mask & 0xff00) === 0xff00) report(node, group, block, (node.mask & 0xff) === 0 ? "xx" : "ee");
    },
    TagRangeRef(node) {
      const group = node.from.value >>> 16;
      if (group !== node.to.value >>> 16 || !isPrivateGroup(group)) return;
      const block = blockOf(node.from.value & 0xffff);
      if (block === null || block !== blockOf(node.to.value & 0xffff)) return;
      const [from, to] = [node.from.value & 0xff, node.to.value & 0xff];
      report(node, group, block, from === to ? hex(from, 2) : from === 0 && to === 0xff ? "xx" : "ee");
    },
  };
}
