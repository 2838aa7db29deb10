// Every attribute named in a selector exists in the data dictionary (PS3.6).
// An unknown keyword is an error with the closest keywords as suggestions;
// an exact standard tag the dictionary lacks is a warning, since it may be
// newer than the dictionary's release.

import { lookupKeyword, lookupTag, suggestKeywords, DICTIONARY_RELEASE, formatTag } from "../../dicom/dictionary";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function UnknownAttributeRule(ctx: CheckContext): Visitor {
  return {
    KeywordRef(node) {
      if (lookupKeyword(node.keyword)) return;
      const suggestions = suggestKeywords(node.keyword);
      const best = suggestions[0];
      ctx.report("DEID2001", node.span, `unknown attribute keyword \`${node.keyword}\``, {
        help: best ? `did you mean \`${best}\`?` + (suggestions.length > 1 ? ` (or ${suggestions.slice(1).map((s) => `\`${s}\``).join(", ")})` : "") : "keywords are those of PS3.6 (e.g. `PatientName`); a tag such as `(0010,0010)` works too",
        ...(best ? { fix: { description: `replace with \`${best}\``, file: ctx.file.path, span: node.span, text: best } } : {}),
      });
    },
    TagRef(node, parents) {
      if (node.mask !== 0xffffffff) return;
      const group = node.value >>> 16;
      if (group & 1) return; // private: no dictionary
      if (parents[parents.length - 1]?.kind === "TagRangeRef") return;
      if (lookupTag(node.value)) return;
      // The standard library is generated from a newer release than the dictionary: its tags are the standard's own.
      if (ctx.file.fromStdlib) return;
      ctx.report("DEID2013", node.span, `tag \`${formatTag(node.value)}\` is not in the PS3.6 ${DICTIONARY_RELEASE} data dictionary`, {
        help: "if it is newer than that release, keep it; otherwise check the digits",
      });
    },
  };
}

