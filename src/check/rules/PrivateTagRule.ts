// A private tag names an odd group (PS3.5 7.8.1) and a creator; element
// offsets are 00..FF within the creator's block.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function PrivateTagRule(ctx: CheckContext): Visitor {
  return {
    PrivateRef(node) {
      const hex = node.group.toString(16).toUpperCase().padStart(4, "0");
      if ((node.group & 1) === 0) {
        ctx.report("DEID2011", node.span, `private tag in even group \`${hex}\``, {
          help: "private attributes live in odd groups (PS3.5 7.8.1); use a standard keyword or tag for an even group",
        });
      } else if (node.group <= 0x0007) {
        ctx.report("DEID2011", node.span, `group \`${hex}\` cannot hold private attributes`, { help: "groups 0001, 0003, 0005 and 0007 are reserved (PS3.5 7.8.1)" });
      }
      if (node.creator.trim() === "") {
        ctx.report("DEID2011", node.span, "a private tag needs a non-empty private creator", { help: 'write the creator as it appears in the data, e.g. `(0029,"SIEMENS CSA HEADER",10)`' });
      }
    },
  };
}
