// PS3.16 CID 7050 "De-identification Method": the codes that name the Basic
// Profile and each of its Options in De-identification Method Code Sequence
// (0012,0064).
//
// part15.xml does not carry these codes (they live in PS3.16), so they are
// transcribed here. DCM code values are never reused or renumbered, so the
// list does not depend on the PS3.15 release being generated from. Checked by
// test/stdlib against PyMedPhys' transcription of CID 7050 (edition 2026d,
// /work/shared/standard/cid_7050-2026d.pymedphys.json).

export interface Cid7050Code {
  scheme: "DCM";
  value: string;
  meaning: string;
}

export const CID_7050: readonly Cid7050Code[] = [
  { scheme: "DCM", value: "113100", meaning: "Basic Application Confidentiality Profile" },
  { scheme: "DCM", value: "113101", meaning: "Clean Pixel Data Option" },
  { scheme: "DCM", value: "113102", meaning: "Clean Recognizable Visual Features Option" },
  { scheme: "DCM", value: "113103", meaning: "Clean Graphics Option" },
  { scheme: "DCM", value: "113104", meaning: "Clean Structured Content Option" },
  { scheme: "DCM", value: "113105", meaning: "Clean Descriptors Option" },
  { scheme: "DCM", value: "113106", meaning: "Retain Longitudinal Temporal Information Full Dates Option" },
  { scheme: "DCM", value: "113107", meaning: "Retain Longitudinal Temporal Information Modified Dates Option" },
  { scheme: "DCM", value: "113108", meaning: "Retain Patient Characteristics Option" },
  { scheme: "DCM", value: "113109", meaning: "Retain Device Identity Option" },
  { scheme: "DCM", value: "113110", meaning: "Retain UIDs Option" },
  { scheme: "DCM", value: "113111", meaning: "Retain Safe Private Option" },
  { scheme: "DCM", value: "113112", meaning: "Retain Institution Identity Option" },
];

export function cid7050ByMeaning(meaning: string): Cid7050Code {
  const code = CID_7050.find((c) => c.meaning === meaning);
  if (!code) throw new Error(`no CID 7050 code with meaning "${meaning}"`);
  return code;
}
