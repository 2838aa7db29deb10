// Codes of `deidc import` findings (6xxx). Each names something in the
// source profile that the imported .deid file does differently, or could not
// say, or says only because the source tool does it implicitly. A code is
// never reused for another meaning (see src/diagnostics/codes.ts).
//
// Severities: `info` for what the import reproduces faithfully or changes on
// purpose (deidc's keyed hashes, for example); `warning` for what a person
// has to look at before the imported profile is used (a behaviour the
// language cannot express, or one the source tool has that is unsafe);
// `error` for a source that cannot be imported at all.

import { registerCodes, type CodeInfo } from "../diagnostics/codes";

export const ImportCode = {
  unreadableSource: "DEID6001",
  disabledRule: "DEID6002",
  unknownFunction: "DEID6003",
  ignoredTag: "DEID6004",
  lookupMiss: "DEID6005",
  keyedHash: "DEID6006",
  keyedUid: "DEID6007",
  currentTime: "DEID6008",
  notExpressible: "DEID6009",
  nonNumericParameter: "DEID6010",
  cannotCreate: "DEID6011",
  writtenByDeidc: "DEID6012",
  privateKept: "DEID6013",
  expanderSuperset: "DEID6014",
  runtimeValue: "DEID6015",
  filterNotImported: "DEID6016",
  lookupTableFormat: "DEID6017",
  sequenceContents: "DEID6018",
  unknownAttribute: "DEID6019",
  safePrivateList: "DEID6020",
  generatedNotClean: "DEID6021",
  overridden: "DEID6022",
  ignoredLine: "DEID6023",
  noEffect: "DEID6024",
  quarantineOnError: "DEID6025",
  commandElement: "DEID6026",
  objectFails: "DEID6027",
  scriptVersion: "DEID6028",
  readsWrittenValue: "DEID6029",
  lookupKeyTypeMissing: "DEID6030",
  privateElementNumber: "DEID6031",
  copiesIdentifier: "DEID6032",
  sourceLintWarning: "DEID6033",
} as const;

export type ImportCodeValue = (typeof ImportCode)[keyof typeof ImportCode];

const table: CodeInfo[] = [
  { code: ImportCode.unreadableSource, name: "import-unreadable-source", severity: "error", summary: "a source profile that is not a well-formed CTP script, deid recipe or DicomEdit script" },
  { code: ImportCode.disabledRule, name: "import-disabled-rule", severity: "info", summary: "a CTP rule that is not enabled (`en=\"F\"`), so it is not imported" },
  { code: ImportCode.unknownFunction, name: "import-unknown-function", severity: "warning", summary: "a CTP `@function` CTP does not know: CTP writes the script text into the element, and so does the import" },
  { code: ImportCode.ignoredTag, name: "import-ignored-tag", severity: "warning", summary: "a CTP rule whose tag CTP cannot parse (a wildcard, for example), so CTP never applies it" },
  { code: ImportCode.lookupMiss, name: "import-lookup-miss", severity: "warning", summary: "a CTP `@lookup` that quarantines the object on a missing key, from when the language had no `lookup(...) else quarantine`; the import now writes that, and no longer reports this code" },
  { code: ImportCode.keyedHash, name: "import-keyed-hash", severity: "info", summary: "an unkeyed MD5 hash of the source tool imported as deidc's keyed HMAC `hash`" },
  { code: ImportCode.keyedUid, name: "import-keyed-uid", severity: "info", summary: "a hashed UID (MD5 under a UID root) imported as deidc's keyed `2.25` UID (action U)" },
  { code: ImportCode.currentTime, name: "import-current-time", severity: "warning", summary: "a value computed from the current date or time, which deidc never writes; the element is emptied instead" },
  { code: ImportCode.notExpressible, name: "import-not-expressible", severity: "warning", summary: "a source construct the .deid language cannot express; the import does the safer thing the comment names" },
  { code: ImportCode.nonNumericParameter, name: "import-non-numeric-parameter", severity: "warning", summary: "a date increment whose parameter is not a number" },
  { code: ImportCode.cannotCreate, name: "import-cannot-create", severity: "warning", summary: "a source rule that creates a missing element; deidc rules change only elements the object has" },
  { code: ImportCode.writtenByDeidc, name: "import-written-by-deidc", severity: "info", summary: "a rule for an element deidc writes itself (de-identification markers, File Meta Information)" },
  { code: ImportCode.privateKept, name: "import-private-kept", severity: "warning", summary: "the source tool keeps private elements; the import says so explicitly, which is unsafe" },
  { code: ImportCode.expanderSuperset, name: "import-expander-superset", severity: "info", summary: "a deid field expander expanded against the data dictionary: a superset of the fields deid touches in a given file" },
  { code: ImportCode.runtimeValue, name: "import-runtime-value", severity: "warning", summary: "a deid `var:` or `func:` value given at run time; without it deid does nothing, and neither does the import" },
  { code: ImportCode.filterNotImported, name: "import-filter-not-imported", severity: "info", summary: "a deid filter label that flags objects without changing them, kept only as a comment" },
  { code: ImportCode.lookupTableFormat, name: "import-lookup-table-format", severity: "info", summary: "a CTP lookup table (`keytype/key=value` lines) that must become a deidc CSV table" },
  { code: ImportCode.sequenceContents, name: "import-sequence-contents", severity: "info", summary: "a sequence the source keeps whole while deidc applies the profile's rules inside it" },
  { code: ImportCode.unknownAttribute, name: "import-unknown-attribute", severity: "warning", summary: "an element name the data dictionary does not know, so the rule or condition naming it is not imported" },
  { code: ImportCode.safePrivateList, name: "import-safe-private-list", severity: "info", summary: "CTP's safe private elements imported as the PS3.15 Retain Safe Private Option" },
  { code: ImportCode.generatedNotClean, name: "import-generated-not-clean", severity: "error", summary: "the generated profile does not parse or lint clean (a bug in deidc import)" },
  { code: ImportCode.overridden, name: "import-overridden", severity: "info", summary: "a source rule that a later rule or a later file replaces, as in the source tool" },
  { code: ImportCode.ignoredLine, name: "import-ignored-line", severity: "warning", summary: "a source line or element the source tool ignores, so the import ignores it too" },
  { code: ImportCode.noEffect, name: "import-no-effect", severity: "warning", summary: "a source setting that has no effect in the source tool, so the import gives it none" },
  { code: ImportCode.quarantineOnError, name: "import-quarantine-on-error", severity: "warning", summary: "a CTP script CTP cannot evaluate, which quarantines every object that has the element" },
  { code: ImportCode.objectFails, name: "import-object-fails", severity: "warning", summary: "a source statement that fails on some objects (a DicomEdit function of an absent attribute, say), so the source tool rejects them; the import quarantines them" },
  { code: ImportCode.scriptVersion, name: "import-script-version", severity: "warning", summary: "a DicomEdit script without `version \"6.x\"` (XNAT reads it as DicomEdit 4) or with a version the import does not know" },
  { code: ImportCode.readsWrittenValue, name: "import-reads-written-value", severity: "warning", summary: "a DicomEdit condition or value that reads an attribute an earlier statement changed; deidc conditions and values read the object as it arrived" },
  { code: ImportCode.lookupKeyTypeMissing, name: "import-lookup-key-type-missing", severity: "warning", summary: "a CTP `@lookup` key type with no entry in the lookup table given, so every object misses" },
  { code: ImportCode.privateElementNumber, name: "import-private-element-number", severity: "warning", summary: "a private element the source names by number, not by creator; the profile does the same, and lint reports it (DEID2022)" },
  { code: ImportCode.copiesIdentifier, name: "import-copies-identifier", severity: "warning", summary: "a value in the imported profile that copies an attribute the profile replaces or removes, so the original reaches the output; lint reports it (DEID3031): check it against the source" },
  { code: ImportCode.sourceLintWarning, name: "import-source-lint-warning", severity: "warning", summary: "a lint warning about what the source itself does (a Clinical Trial module created in part, DEID3030; a Clinical Trial attribute set only where present, DEID3032), which the profile reproduces" },
  { code: ImportCode.commandElement, name: "import-command-element", severity: "info", summary: "a rule for a command element (group 0000), which stored objects never hold, so it is not imported" },
];

registerCodes(table);

/** The default severity of each import code. */
export const importSeverity: ReadonlyMap<string, CodeInfo["severity"]> = new Map(table.map((c) => [c.code, c.severity]));
