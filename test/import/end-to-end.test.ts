// An imported profile and the profile a person would write by hand for the
// same script do the same thing: run through the executor on real files of
// the shared corpus, they give byte-identical outputs. Skips, with a
// warning, when the corpus is absent.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { IrProgram } from "../../src/ir/types";
import { createExecutor } from "../../src/runtime/executor";
import { importProfile } from "../../src/import";
import { importedText, importText, tempDir } from "./helpers";

import { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";
warnIfNoCorpus("import end-to-end");

const FILES = [
  "pydicom-debian/CT_small.dcm",
  "pydicom-debian/MR_small.dcm",
  "pydicom-debian/priv_SQ.dcm",
  "pydicom-debian/test-SR.dcm",
  "pseudo-phi-johnsnowlabs/3209648408_09-23-1999-CT_UROGRAM-31798_3_000000-PARENCHYMAL_PHASE_Sep1999-95798_1-001.dcm",
];

const KEY = new TextEncoder().encode("import end-to-end test key, not a secret");

const CTP_SCRIPT = `<script>
 <p t="UIDROOT">1.2.840.99999</p>
 <p t="DATEINC">-30</p>
 <e en="T" t="00100010" n="PatientName">@hash(this,10)</e>
 <e en="T" t="00100020" n="PatientID">@lookup(this,ptid,keep)</e>
 <e en="T" t="00100030" n="PatientBirthDate">@modifydate(this,*,1,1)</e>
 <e en="T" t="00080018" n="SOPInstanceUID">@hashuid(@UIDROOT,this)</e>
 <e en="T" t="0020000d" n="StudyInstanceUID">@hashuid(@UIDROOT,this)</e>
 <e en="T" t="0020000e" n="SeriesInstanceUID">@hashuid(@UIDROOT,this)</e>
 <e en="T" t="00080020" n="StudyDate">@incrementdate(this,@DATEINC)</e>
 <e en="T" t="00080050" n="AccessionNumber">@empty()</e>
 <e en="T" t="00080080" n="InstitutionName">@remove()</e>
 <e en="T" t="00080090" n="ReferringPhysicianName">@empty()</e>
 <e en="T" t="00081030" n="StudyDescription">@if(Modality,equals,"CT"){CT STUDY}{@remove()}</e>
 <e en="T" t="00081010" n="StationName">ST-@hash(this,6)</e>
 <e en="T" t="00200010" n="StudyID">@truncate(this,2)</e>
 <k en="T" t="0029"/>
 <r en="T" t="privategroups"/>
</script>
`;

/** What a person would write for CTP_SCRIPT: other order, other spellings, the same meaning. */
const CTP_BY_HAND = `deid 1

profile imported.site "Written by hand"

secret key from env DEID_KEY
param dateinc: number = -30

SOPInstanceUID, StudyInstanceUID, SeriesInstanceUID -> uid
(0010,0010) -> hash(key, value, 10)
PatientID -> lookup("ids.csv", "ptid", value) else K
PatientBirthDate -> coarsen(year)
StudyDate -> shift(dateinc)
AccessionNumber, ReferringPhysicianName -> Z
InstitutionName -> X
StudyDescription -> "CT STUDY" when lower(Modality) == "ct"
StudyDescription -> remove
StationName -> "ST-" + hash(key, value, 6)
StudyID -> replace(/^(.{0,2}).*$/s, "$1")
(0029,0000)..(0029,FFFF) -> keep because "Siemens CSA header"
private * -> remove
* -> keep because "kept unless named"
`;

const DEID_RECIPE = `FORMAT dicom
%header
BLANK select:VR:PN
REPLACE PatientName ANONYMOUS
REMOVE select:group:0032
JITTER StudyDate -10
JITTER SeriesDate -10
KEEP Modality
REMOVE Modality
REMOVE AccessionNumber
REPLACE PatientID var:id
`;

const DEID_BY_HAND = `deid 1

profile imported.site "Written by hand"

vr PN -> Z
PatientName -> "ANONYMOUS"
(0032,0000)..(0032,FFFF) -> X
StudyDate, SeriesDate -> shift(-10)
AccessionNumber -> remove
private * -> keep because "deid keeps private tags"
* -> K because "deid keeps what no action names"
`;

const DICOMEDIT_SCRIPT = `version "6.3"
(0010,0010) ?= "ANONYMOUS"
(0010,0020) ?= format["{0}-{1}", "SUBJ", (0008,0060)]
-(0010,0030)
-(0008,0090)
(0008,0060) = "CT" ? (0008,1030) ?= "CT STUDY" : -(0008,1030)
(0020,000D) := hashUID[(0020,000D)]
(0008,0018) := hashUID[(0008,0018)]
(0008,0020) := shiftDateByIncrement[(0008,0020), "-10"]
(0008,0080) ?= uppercase[(0008,0080)]
*/(0008,1150) ?= "1.2.3"
removeAllPrivateTags
alterPixels["rectangle", "l=0, t=0, r=20, b=10", "solid", "v=0"]
`;

/** What a person would write for DICOMEDIT_SCRIPT. */
const DICOMEDIT_BY_HAND = `deid 1

profile imported.site "Written by hand"

quarantine when empty(StudyDate) because "no study date"
quarantine when not exists(InstitutionName) because "no institution"
/PatientName -> "ANONYMOUS"
/PatientID -> "SUBJ-" + Modality
/PatientBirthDate, /ReferringPhysicianName -> remove
/StudyDescription -> "CT STUDY" when Modality == "CT"
/StudyDescription -> X
/StudyInstanceUID, /SOPInstanceUID -> U
/StudyDate -> shift(-10)
/InstitutionName -> upper(InstitutionName)
ReferencedSOPClassUID -> "1.2.3"
private * -> remove
* -> keep

pixels because "top left corner" {
  blank (0, 0, 20, 10)
}
`;

const CTP_FILTER = `// original images only
!ImageType.contains("SECONDARY") * !SeriesDescription.containsIgnoreCase("screen")
`;

const CTP_PIXELS = `Small CT
  { Modality.equals("CT") * Rows.equals("128") }
  (0,0,128,12) (100,100,28,28)

Any CT
  { Modality.equals("CT") }
  (50,50,10,10)

Small MR
  { Modality.equals("MR") + Manufacturer.startsWith("TOSHIBA") }
  (0,0,64,8)
`;

/** What a person would write for CTP_FILTER and CTP_PIXELS. */
const CTP_PIXELS_BY_HAND = `deid 1

profile imported.site "Written by hand"

pixels apply first

quarantine when ImageType ~ /SECONDARY/ or lower(SeriesDescription) ~ /screen/ because "derived images"

pixels when Modality == "CT" and Rows == 128 because "small CT" {
  blank (0, 0, 128, 12)
  blank (100, 100, 28, 28)
}
pixels when Modality == "CT" because "any CT" {
  blank (50, 50, 10, 10)
}
pixels when Modality == "MR" or Manufacturer ~ /^TOSHIBA/ because "small MR" {
  blank (0, 0, 64, 8)
}

private * -> keep because "the pixel anonymizer leaves the header alone"
* -> keep
`;

function compile(text: string, name: string): IrProgram {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, text);
  const compiled = compileProfile(path);
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return compiled.ir!;
}

function outputs(ir: IrProgram, tables: Map<string, Map<string, string>>): { file: string; outcome: string; bytes: Uint8Array | null; touched: string[] }[] {
  const executor = createExecutor(ir, { secrets: new Map(ir.secrets.map((s) => [s.name, KEY])), params: new Map(), tables, runKey: KEY });
  return FILES.map((file) => {
    const result = executor.process(new Uint8Array(readFileSync(join(CORPUS_DIR!, file))), file);
    return { file, outcome: result.record.outcome, bytes: result.output, touched: result.record.touched.map((t) => `${t.path} ${t.action}`) };
  });
}

describe.skipIf(!CORPUS_DIR)("deidc import: imported and hand-written profiles give the same bytes", () => {
  it("for a CTP script", () => {
    const imported = importedText(importText("ctp", CTP_SCRIPT, "site.script", { lookupTable: "ids.csv" }));
    // One patient in the table, so both branches of the lookup are taken across the files.
    const tables = new Map([["ids.csv", new Map([["ptid\u00001CT1", "SUBJECT-01"]])]]);
    const a = outputs(compile(imported, "imported.deid"), tables);
    const b = outputs(compile(CTP_BY_HAND, "by-hand.deid"), tables);
    for (let i = 0; i < FILES.length; i++) {
      expect(a[i]!.outcome, FILES[i]).toBe("written");
      expect(a[i]!.touched, FILES[i]).toEqual(b[i]!.touched);
      expect(Buffer.from(a[i]!.bytes!).equals(Buffer.from(b[i]!.bytes!)), FILES[i]).toBe(true);
    }
    // The profiles did de-identify: the lookup hit in one file and missed in the others.
    expect(a[0]!.touched).toContain("(0010,0020) lookup");
    expect(a[1]!.touched.some((t) => t.startsWith("(0010,0020) lookup-miss"))).toBe(true);
    expect(a[0]!.touched).toContain("(0008,0018) U");
  });

  it("for a deid recipe", () => {
    const imported = importedText(importText("deid", DEID_RECIPE, "deid.site", { name: "imported.site" }));
    const a = outputs(compile(imported, "imported.deid"), new Map());
    const b = outputs(compile(DEID_BY_HAND, "by-hand.deid"), new Map());
    for (let i = 0; i < FILES.length; i++) {
      expect(a[i]!.outcome, FILES[i]).toBe("written");
      expect(Buffer.from(a[i]!.bytes!).equals(Buffer.from(b[i]!.bytes!)), FILES[i]).toBe(true);
    }
    expect(a[0]!.touched).toContain("(0010,0010) set");
    expect(a[0]!.touched).toContain("(0008,0020) shift");
  });

  it("for a DicomEdit script", () => {
    const imported = importedText(importText("dicomedit", DICOMEDIT_SCRIPT, "project.das", { name: "imported.site" }));
    const a = outputs(compile(imported, "imported.deid"), new Map());
    const b = outputs(compile(DICOMEDIT_BY_HAND, "by-hand.deid"), new Map());
    for (let i = 0; i < FILES.length; i++) {
      expect(a[i]!.outcome, FILES[i]).toBe(b[i]!.outcome);
      if (a[i]!.bytes === null) continue;
      expect(Buffer.from(a[i]!.bytes!).equals(Buffer.from(b[i]!.bytes!)), FILES[i]).toBe(true);
    }
    // Some files were written and de-identified; a file without the institution is quarantined, as DicomEdit fails on it.
    expect(a.filter((r) => r.outcome === "written").length).toBeGreaterThan(0);
    expect(a.find((r) => r.outcome === "written")!.touched).toContain("(0010,0010) set");
  });

  it("for CTP DicomFilter and DicomPixelAnonymizer scripts", () => {
    const result = importProfile("ctp", [
      { path: "DicomFilter.script", text: CTP_FILTER },
      { path: "DicomPixelAnonymizer.script", text: CTP_PIXELS },
    ], { name: "imported.site" });
    const imported = importedText(result);
    const a = outputs(compile(imported, "imported.deid"), new Map());
    const b = outputs(compile(CTP_PIXELS_BY_HAND, "by-hand.deid"), new Map());
    for (let i = 0; i < FILES.length; i++) {
      expect(a[i]!.outcome, FILES[i]).toBe(b[i]!.outcome);
      if (a[i]!.bytes === null) continue;
      expect(Buffer.from(a[i]!.bytes!).equals(Buffer.from(b[i]!.bytes!)), FILES[i]).toBe(true);
    }
    // The small CT got the first signature's regions only, and its pixels changed.
    const ct = readFileSync(join(CORPUS_DIR!, FILES[0]!));
    expect(a[0]!.outcome).toBe("written");
    expect(Buffer.from(a[0]!.bytes!).equals(ct)).toBe(false);
  });
});
