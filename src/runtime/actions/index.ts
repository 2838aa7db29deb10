// The value-level action library the generated executor calls, one element
// at a time. Every function is pure and works on decoded values (values.ts);
// docs/actions.md specifies each one and the PS3.15 text it follows.

export { type SecretKey, keyedHash, daysOffset, MAX_HASH_LENGTH } from "./hash";
export { replacementUid, replacementUids, computeReplacementUid, clearUidMemo, isValidUid } from "./uid";
export {
  shiftDa,
  shiftDt,
  shiftTemporal,
  coarsenDa,
  coarsenDt,
  coarsenTemporal,
  parseDa,
  parseDt,
  type ParsedDt,
  parseAge,
  type ParsedAge,
  ageBand,
  capAge,
} from "./dates";
export { dummyValue, emptyValue, DUMMY_TEXT, DUMMY_UID, DUMMY_URI, TEXT_DUMMIES } from "./dummy";
export { makeCleaner, personNameTokens, dateRenderings, ageRenderings, sexWords, DEFAULT_REPLACEMENT_MARK, MIN_IDENTIFIER_LENGTH, type Cleaner, type CleanerOptions } from "./clean";
export {
  splitValues,
  joinValues,
  mapValues,
  isMultiValuedTextVr,
  toUpper,
  toLower,
  compileRegex,
  replaceInValues,
  truncateToVrLength,
  truncateCodeUnits,
} from "./text-transforms";
export { conformsToVr, isValidTextValue } from "./conformance";
export { type DecodedValue, type ValueKind, valueKind, minimumMultiplicity, SINGLE_VALUED_TEXT_VRS, BINARY_VALUE_WIDTH } from "./values";
