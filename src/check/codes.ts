// Codes reported by the checker and the linker (2xxx names and types,
// 3xxx rule logic and the standard, 4xxx files).

import { registerCodes } from "../diagnostics/codes";

registerCodes([
  { code: "DEID2001", name: "unknown-attribute", severity: "error", summary: "an attribute keyword or tag the data dictionary does not know" },
  { code: "DEID2002", name: "action-vr-mismatch", severity: "error", summary: "an action that cannot apply to the attribute's value representation" },
  { code: "DEID2003", name: "condition-type", severity: "error", summary: "a condition that compares values of different types" },
  { code: "DEID2004", name: "undefined-name", severity: "error", summary: "a name that is not an attribute, `let`, `param` or `secret`" },
  { code: "DEID2005", name: "unknown-function", severity: "error", summary: "a function the language does not have" },
  { code: "DEID2006", name: "secret-required", severity: "error", summary: "a keyed function whose key is not a declared secret, or a secret used as a value" },
  { code: "DEID2007", name: "unknown-unit", severity: "error", summary: "a profile or option name that no file defines" },
  { code: "DEID2008", name: "duplicate-unit", severity: "error", summary: "a profile or option defined twice" },
  { code: "DEID2009", name: "profile-cycle", severity: "error", summary: "a profile based on itself" },
  { code: "DEID2010", name: "duplicate-declaration", severity: "error", summary: "a `let`, `param` or `secret` name declared twice" },
  { code: "DEID2011", name: "bad-private-tag", severity: "error", summary: "a private tag in an even group or with a reserved element offset" },
  { code: "DEID2012", name: "wrong-arguments", severity: "error", summary: "a function or action called with the wrong number or kind of arguments" },
  { code: "DEID2013", name: "unknown-dictionary-tag", severity: "warning", summary: "a standard tag the data dictionary release does not list" },
  { code: "DEID2014", name: "unused-declaration", severity: "warning", summary: "a `let`, `param` or `secret` that nothing uses" },
  { code: "DEID3001", name: "duplicate-rule", severity: "warning", summary: "the same selector given the same action twice in one unit" },
  { code: "DEID3002", name: "conflicting-rules", severity: "error", summary: "the same selector given different actions in one unit" },
  { code: "DEID3003", name: "unreachable-rule", severity: "warning", summary: "a rule that can never decide any element" },
  { code: "DEID3004", name: "keep-without-reason", severity: "warning", summary: "a rule keeps what the base profile removes or replaces, with no `because`" },
  { code: "DEID3005", name: "pixel-region-outside", severity: "error", summary: "a pixel rectangle outside the image dimensions its condition fixes" },
  { code: "DEID3006", name: "filter-without-reason", severity: "warning", summary: "a `reject` or `quarantine` with no `because`" },
  { code: "DEID3007", name: "not-an-option", severity: "error", summary: "`with` names a profile, or `based on` names an option" },
  { code: "DEID3008", name: "profile-without-base", severity: "warning", summary: "a profile that is not based on the PS3.15 Basic Profile" },
  { code: "DEID3009", name: "exclusive-options", severity: "error", summary: "two options PS3.15 says cannot be combined" },
  { code: "DEID3010", name: "empty-path", severity: "error", summary: "a selector path that ends in `**` and so selects no attribute" },
  { code: "DEID4001", name: "unreadable-file", severity: "error", summary: "an imported file or table that cannot be read" },
]);
