// Constructs of the language's extensions (docs/language.md) the importers
// write when they are the faithful translation. Each importer has a fallback
// for a construct switched off here: the nearest older form, with a finding
// that names the difference. They are switched on once the compiler has them.

export const LANGUAGE_FEATURES = {
  /** `X -> create v`: set, adding the attribute when the object lacks it */
  create: true,
  /** `lookup(...) else quarantine` */
  quarantineOnLookupMiss: true,
  /** the path step `*`: exactly one sequence level */
  oneLevelStep: true,
  /** `@` (even) and `#` (odd) digit wildcards in tags */
  digitWildcards: true,
  /** `root.Keyword` in a condition: the top-level attribute, from inside a sequence item */
  rootQualified: true,
} as const;
