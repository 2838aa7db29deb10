// Canonical form of the part-A language extensions; every case also goes
// through the formatter's contract (idempotence, same tree).

import { describe, expect, it } from "vitest";
import { checkContract } from "./helpers";

describe("conditional blocks", () => {
  it("indents the body, nests, and keeps comments", () => {
    const src = 'deid 1\nwhen   Modality=="US"{ PatientName->X\n// inner\nwhen exists(StationName) { StationName -> "S" } }\n';
    expect(checkContract(src)).toBe(
      'deid 1\n\nwhen Modality == "US" {\n  PatientName -> X\n  // inner\n  when exists(StationName) {\n    StationName -> "S"\n  }\n}\n',
    );
  });
  it("prints an empty block and a block inside an option", () => {
    expect(checkContract("option a.b { when Rows > 1 {} }")).toBe("option a.b {\n  when Rows > 1 {\n  }\n}\n");
  });
});

describe("functions and root names", () => {
  it("prints them as written, canonically spaced", () => {
    expect(checkContract('PatientName -> format( "{}-{}" ,root.PatientID,truncate(value,3)) when matches(Modality,/C./)')).toBe(
      'PatientName -> format("{}-{}", root.PatientID, truncate(value, 3)) when matches(Modality, /C./)\n',
    );
  });
});

describe("create, append and else quarantine", () => {
  it("keeps the verbs and the quarantine", () => {
    expect(checkContract('ClinicalTrialSiteID->create   "S01"\nImageType -> append"DERIVED"\nPatientID->lookup("ids.csv",PatientID)else   quarantine')).toBe(
      'ClinicalTrialSiteID -> create "S01"\nImageType -> append "DERIVED"\nPatientID -> lookup("ids.csv", PatientID) else quarantine\n',
    );
  });
});

describe("selectors", () => {
  it("prints wildcard digits, `*` steps, keyword patterns and any where", () => {
    expect(checkContract("(50@X,XX#x)->X\nContentSequence / * / PersonName->X\n/ * /PatientID -> X\nkeyword   /Date$/ -> X\nany  where value==PatientName -> X")).toBe(
      "(50@x,xx#x) -> X\nContentSequence/*/PersonName -> X\n/*/PatientID -> X\nkeyword /Date$/ -> X\nany where value == PatientName -> X\n",
    );
  });
});
