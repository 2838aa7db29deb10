// The Clean Structured Content Option by concept name (PS3.15 E.3.4, Table
// E.3.4-1). Under the option, C on Content Sequence, Acquisition Context
// Sequence and the like walks the content items in clean mode; the table says,
// per concept name, what a content item of that concept becomes instead:
// removed (X), its values given dummies (D, X/D), kept (K) or cleaned (C). Each
// row has a cell per unit (the Basic Profile and the options); the cell of the
// last unit in force that has one decides, as options override the profile in
// Table E.1-1 (E.1.1). The table is data generated from the standard
// (stdlib/ps315/content-item-concepts.json, `deidc stdlib generate`), pinned to
// the release the standard library was generated from.

import table from "../../../stdlib/ps315/content-item-concepts.json";
import type { IrProgram } from "../../ir/types";

/** What happens to a content item: removed, walked with dummies, kept, or cleaned. */
export type ContentItemAction = "X" | "D" | "K" | "C";

/** The unit whose C on content sequences the table refines. */
export const CLEAN_STRUCTURED_CONTENT = "ps315.clean-structured-content";

/** columns: meaning, code value, designator, version, value type, then one per unit */
const FIRST_UNIT_COLUMN = 5;

/**
 * Rows are matched on concept name and value type together: the table gives one concept different
 * actions by value type ("Clinical Report" COMPOSITE K under Retain UIDs, TEXT C under Clean
 * Descriptors), and a coded "Finding" (CODE) is not the free-text one (TEXT) it lists. A content item
 * whose concept and value type no row names is cleaned like any other.
 */
export interface ContentItemPlan {
  /** `code\0scheme\0valueType` -> action */
  readonly actions: ReadonlyMap<string, ContentItemAction>;
  /** the standard release the table was generated from */
  readonly release: string;
}

function asAction(code: string): ContentItemAction {
  // X/D: D wherever D is allowed, as for Table E.1-1 (docs/executor.md, "Compound codes").
  if (code === "X/D" || code === "D") return "D";
  if (code === "X" || code === "K" || code === "C") return code;
  throw new Error(`${table.table}: action code ${code} is not one the executor applies to a content item`);
}

/** One row of the table as it applies to a profile: `deidc explain` lists them. */
export interface ResolvedContentItem {
  codeMeaning: string;
  codeValue: string;
  codingSchemeDesignator: string;
  /** informative: items are matched without it (a code value is stable within its designator) */
  codingSchemeVersion: string | null;
  valueType: string;
  /** the table's code, as written (X/D included) */
  code: string;
  action: ContentItemAction;
  /** the unit whose column decided */
  unit: string;
}

/**
 * The table resolved for a profile, in table order: null unless the profile switches the Clean
 * Structured Content Option on. Rows whose cells are all empty for the units in force are left out
 * (the item is cleaned like any other).
 */
export function resolvedContentItems(ir: IrProgram): ResolvedContentItem[] | null {
  const layers = ir.profile.layers.map((l) => l.name);
  if (!layers.includes(CLEAN_STRUCTURED_CONTENT)) return null;
  const columns = table.columns.slice(FIRST_UNIT_COLUMN);
  const order = layers.flatMap((name) => {
    const i = columns.indexOf(name);
    return i < 0 ? [] : [{ unit: name, at: FIRST_UNIT_COLUMN + i }];
  });
  const resolved: ResolvedContentItem[] = [];
  for (const row of table.rows as (string | null)[][]) {
    let decided: { code: string; unit: string } | null = null;
    for (const { unit, at } of order) if (row[at]) decided = { code: row[at]!, unit };
    if (decided === null) continue;
    resolved.push({ codeMeaning: row[0]!, codeValue: row[1]!, codingSchemeDesignator: row[2]!, codingSchemeVersion: row[3] ?? null, valueType: row[4]!, code: decided.code, action: asAction(decided.code), unit: decided.unit });
  }
  return resolved;
}

/** The table as the executor looks it up (null: the option is off). */
export function contentItemPlanOf(ir: IrProgram): ContentItemPlan | null {
  const resolved = resolvedContentItems(ir);
  if (resolved === null) return null;
  const actions = new Map<string, ContentItemAction>();
  for (const r of resolved) actions.set(`${normalised(r.codeValue)}\u0000${normalised(r.codingSchemeDesignator)}\u0000${r.valueType}`, r.action);
  return { actions, release: table.release };
}

/** Code values and scheme designators compare without their padding. */
function normalised(text: string): string {
  return text.trim();
}

/** The action for a content item with this concept name and value type; null when the table does not name the concept. */
export function contentItemAction(plan: ContentItemPlan, codeValue: string, scheme: string, valueType: string): ContentItemAction | null {
  return plan.actions.get(`${normalised(codeValue)}\u0000${normalised(scheme)}\u0000${valueType.trim().toUpperCase()}`) ?? null;
}
