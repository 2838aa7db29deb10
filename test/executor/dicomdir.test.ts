// A DICOMDIR names the patients and files of a file set; it is never passed on, whatever a filter
// says: constructed, and one made by dcmmkdir from a corpus file, run with `deidc run` beside the
// image it indexes.

import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deidc } from "../cli/cli";
import { listFiles, readValidReport, tempDir, TEST_KEY as RUN_KEY } from "../run/helpers";
import { CORPUS_DIR, buildPart10, compile, executorFor, type BuiltElement } from "./helpers";

const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });
const HAVE_DCMMKDIR = spawnSync("dcmmkdir", ["--version"], { stdio: "ignore" }).status === 0;
if (!HAVE_DCMMKDIR) console.warn("[executor/dicomdir] dcmmkdir not installed (apt-get install dcmtk): the dcmmkdir test is skipped");

/** A small DICOMDIR: one PATIENT record naming the patient, no SOP Instance UID in its dataset (as PS3.10 has it). */
const DICOMDIR = buildPart10(
  [
    text(0x00041130, "CS", "DOE_STUDY"),
    {
      tag: 0x00041220,
      vr: "SQ",
      items: [[text(0x00041430, "CS", "PATIENT"), text(0x00100010, "PN", "Doe^Jane"), text(0x00100020, "LO", "PID77")]],
    },
  ],
  "1.2.840.10008.1.2.1",
  { sopClass: "1.2.840.10008.1.3.10", sopInstance: "1.2.3.99" },
);

/** The same directory records without the File Meta's Media Storage Directory class; and the class without the records. */
const RECORDS_ONLY = buildPart10([text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.7"), text(0x00080018, "UI", "1.2.3.98"), { tag: 0x00041220, vr: "SQ", items: [[text(0x00041430, "CS", "PATIENT"), text(0x00100010, "PN", "Doe^Jane")]] }]);
const CLASS_ONLY = buildPart10([text(0x00041130, "CS", "DOE_STUDY")], "1.2.840.10008.1.2.1", { sopClass: "1.2.840.10008.1.3.10", sopInstance: "1.2.3.97" });

describe("DICOMDIR", () => {
  it("fails with a reason that says what to do, and writes nothing: by its File Meta class or by its directory records", () => {
    for (const [name, bytes] of [["both", DICOMDIR], ["records", RECORDS_ONLY], ["class", CLASS_ONLY]] as const) {
      const result = executorFor(compile("ps315.basic")).process(bytes, "DICOMDIR");
      expect(result.record.outcome, name).toBe("failed");
      expect(result.record.reason, name).toMatch(/DICOMDIR.*not de-identified.*make a new one from the outputs/);
      expect(result.output, name).toBeNull();
    }
  });

  it("is not passed on by a `skip` filter", () => {
    const dir = tempDir("deidc-dicomdir-");
    const profile = join(dir, "skip.deid");
    writeFileSync(profile, 'deid 1\n\nprofile t.skip "t"\n  based on ps315.basic\n\nskip because "everything is a phantom here"\n');
    const result = executorFor(compile(profile)).process(DICOMDIR, "DICOMDIR");
    expect(result.record.outcome).toBe("failed");
    expect(result.output).toBeNull();
  });

  it.skipIf(!CORPUS_DIR || !HAVE_DCMMKDIR)("made by dcmmkdir beside a corpus image: the image is written, the DICOMDIR reported and left behind", () => {
    const dir = tempDir("deidc-dicomdir-");
    const input = join(dir, "in");
    mkdirSync(join(input, "IMAGES"), { recursive: true });
    copyFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm"), join(input, "IMAGES", "CT1"));
    const made = spawnSync("dcmmkdir", ["+I", "--general-purpose", "IMAGES/CT1"], { cwd: input, encoding: "utf8" });
    expect(made.status, made.stderr).toBe(0);
    expect(readFileSync(join(input, "DICOMDIR")).includes(Buffer.from("CompressedSamples^CT1"))).toBe(true);

    const out = join(dir, "out");
    const report = join(dir, "report.jsonl");
    const r = deidc(["run", "ps315.basic", input, "-o", out, "--report", report, "--no-progress"], { env: { DEID_KEY: RUN_KEY } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DICOMDIR: .*a DICOMDIR \(Media Storage Directory\) is not de-identified/);
    expect(listFiles(out)).toEqual(["IMAGES/CT1"]);
    expect(existsSync(join(out, "DICOMDIR"))).toBe(false);
    const lines = readValidReport(report) as { input?: string; outcome?: string }[];
    const failed = lines.filter((l) => l.outcome === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.input).toMatch(/DICOMDIR$/);
  });
});
