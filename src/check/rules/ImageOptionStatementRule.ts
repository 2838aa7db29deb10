// The Clean Pixel Data and Clean Recognizable Visual Features Options need NO
// in Burned In Annotation (0028,0301) and Recognizable Visual Features
// (0028,0302) of every image, and deidc never writes that NO on its own. A
// profile that switches one on and states the NO nowhere writes only the
// images that say NO themselves: found here, at the option's name, rather
// than after a run (src/ir/image-option-statements.ts).

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { buildIr } from "../../ir/build";
import { unstatedImageOptions } from "../../ir/image-option-statements";
import { layersOf } from "../../program/layers";

/** CID 7050 codes of the two options (src/ir/image-options.ts). */
const IMAGE_OPTION_CODES: ReadonlySet<number> = new Set([113101, 113102]);

export function ImageOptionStatementRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        for (const unit of ctx.unitsHere) {
          if (unit.kind !== "profile" || unit.header === null || unit.header.kind !== "Profile") continue;
          const header = unit.header;
          // The IR is built only for a profile whose chain switches one of the options on.
          if (!layersOf(unit, ctx.program.units, []).some((l) => l.code !== null && IMAGE_OPTION_CODES.has(l.code))) continue;
          const { ir } = buildIr(ctx.program, unit);
          for (const { option, message, help } of unstatedImageOptions(ir)) {
            // where the option is switched on: its name in this header's `with`, else the profile's name
            const span = header.options.find((o) => o.text === option.name)?.span ?? header.name.span;
            ctx.report("DEID3026", span, message, { help });
          }
        }
      },
    },
  };
}
