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
PatientID -> lookup("ids.csv", value) else K
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
    const tables = new Map([["ids.csv", new Map([["1CT1", "SUBJECT-01"]])]]);
    const a = outputs(compile(imported, "imported.deid"), tables);
    const b = outputs(compile(CTP_BY_HAND, "by-hand.deid"), tables);
    for (let i = 0; i < FILES.length; i++) {
      expect(a[i]!.outcome, FILES[i]).toBe("written");
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
});
