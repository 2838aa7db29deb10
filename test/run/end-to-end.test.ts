// `deidc run` with the real executor on files of the shared corpus, copied
// into temporary folders next to malformed inputs made here. Skips, with a
// warning, when the corpus is absent.

import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedExecutors, runWithDependencies, type RunCliOptions } from "../../src/cli/run";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import { openCursor, readPart10, TokenKind } from "../../src/runtime/dicom";
import { CapturedStream, CORPUS_DIR, listFiles, put, readValidReport, TEST_KEY, tempDir, warnIfNoCorpus } from "./helpers";

const GOOD_FILES = [
  "pydicom-debian/CT_small.dcm",
  "pydicom-debian/MR_small_bigendian.dcm",
  "pydicom-debian/rtstruct.dcm",
  "pydicom-debian/test-SR.dcm",
  "pseudo-phi-johnsnowlabs/8732322741_01-05-2008-MRI_PROSTATE_W_WO_CONTRAST-39318_4_000000-t2spcrstaxial_oblProstate-50358_1-01.dcm",
  "pseudo-phi-johnsnowlabs/9894340694_04-16-1997-MRI_ABDOMEN_PELVIS_WWO_CONT-87318_15_000000-LIVER-PELVISHASTEAXIALP-65398_1-02.dcm",
];

const TAG_PATIENT_NAME = 0x00100010;
const TAG_PATIENT_ID = 0x00100020;
const TAG_STUDY_UID = 0x0020000d;
const TAG_SERIES_UID = 0x0020000e;
const TAG_SOP_INSTANCE_UID = 0x00080018;

/** Top-level text values of a DICOM file, by tag; reading to the end also proves the file is complete. */
function topLevelText(bytes: Uint8Array): Map<number, string> {
  const values = new Map<number, string>();
  const cursor = openCursor(readPart10(bytes));
  while (cursor.next()) {
    if (cursor.depth === 0 && cursor.kind === TokenKind.Element && cursor.vr !== "OB" && cursor.vr !== "OW" && cursor.vr !== "UN") {
      values.set(cursor.tag, cursor.readText().replace(/[\0 ]+$/, ""));
    }
  }
  return values;
}

/** The identifying values of the inputs that the report must never contain (long enough not to occur by chance). */
function originalIdentifiers(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    const values = topLevelText(new Uint8Array(readFileSync(path)));
    for (const tag of [TAG_PATIENT_NAME, TAG_PATIENT_ID, TAG_STUDY_UID, TAG_SERIES_UID, TAG_SOP_INSTANCE_UID]) {
      const v = values.get(tag);
      if (v && v.length >= 6) out.add(v);
    }
  }
  return [...out];
}

/** The good corpus files in `dir/in/good/`, and one malformed input of each kind in `dir/in/bad/`. */
function makeBatch(dir: string): { input: string; good: string[]; bad: Record<string, string> } {
  const input = join(dir, "in");
  const good = GOOD_FILES.map((f) => {
    const target = join(input, "good", f.replace(/^.*\//, ""));
    put(target, "");
    copyFileSync(join(CORPUS_DIR!, f), target);
    return target;
  });
  const ct = new Uint8Array(readFileSync(join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm")));
  const wrongMagic = Uint8Array.from(ct);
  wrongMagic.set([0x44, 0x49, 0x43, 0x58], 128); // "DICX"
  const bad = {
    truncated: put(join(input, "bad", "truncated.dcm"), ct.subarray(0, Math.floor(ct.length * 0.6))),
    text: put(join(input, "bad", "notes.txt"), "Patient list for Tuesday\n"),
    empty: put(join(input, "bad", "empty.dcm"), ""),
    wrongMagic: put(join(input, "bad", "wrong-magic.dcm"), wrongMagic),
  };
  return { input, good, bad };
}

async function run(inputs: string[], opts: RunCliOptions, env: Record<string, string> = { DEID_KEY: TEST_KEY }, profile = "ps315.basic"): Promise<{ code: number; stderr: CapturedStream }> {
  const stderr = new CapturedStream();
  const code = await runWithDependencies(profile, inputs, opts, { createExecutor, stderr, env });
  return { code, stderr };
}

/** Every place a key could leak to, as text and bytes. */
function keyForms(key: string): string[] {
  const bytes = Buffer.from(key, "utf8");
  return [key, bytes.toString("hex"), bytes.toString("hex").toUpperCase(), bytes.toString("base64")];
}

describe.skipIf(!CORPUS_DIR)("deidc run ps315.basic on corpus files", () => {
  it("writes every good file completely, names each malformed input on stderr, and exits 1", async () => {
    const dir = tempDir();
    const { input, good, bad } = makeBatch(dir);
    const inputsBefore = listFiles(input).map((f) => readFileSync(join(input, f)));
    const out = join(dir, "out");
    const report = join(dir, "report.jsonl");
    const { code, stderr } = await run([input], { output: out, report });
    expect(listFiles(input).map((f) => readFileSync(join(input, f)))).toEqual(inputsBefore);

    expect(code).toBe(1);
    const lines = stderr.lines;
    for (const path of Object.values(bad)) expect(lines.filter((l) => l.startsWith(`deidc: ${path}: `))).toHaveLength(1);
    expect(lines.find((l) => l.startsWith(`deidc: ${bad.truncated}: `))).toMatch(/\(at byte \d+\)$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^deidc: ${GOOD_FILES.length + 4} object\\(s\\): ${GOOD_FILES.length} written, 0 rejected, 0 quarantined, 4 failed;`));

    expect(listFiles(out)).toEqual(good.map((g) => `good/${g.replace(/^.*\//, "")}`).sort());
    // Complete: each output parses to its end and is byte for byte what the executor makes of its input.
    const executor = createExecutor(compileProfile("ps315.basic").ir!, {
      secrets: new Map([["key", new Uint8Array(Buffer.from(TEST_KEY))]]),
      params: new Map(),
      tables: new Map(),
    });
    for (const path of good) {
      const written = new Uint8Array(readFileSync(join(out, "good", path.replace(/^.*\//, ""))));
      expect(topLevelText(written).size).toBeGreaterThan(0);
      expect(written).toEqual(executor.process(new Uint8Array(readFileSync(path)), path).output);
    }

    const records = readValidReport(report) as Record<string, unknown>[];
    expect(records).toHaveLength(GOOD_FILES.length + 4 + 1);
    expect(records.at(-1)).toMatchObject({ summary: { objects: GOOD_FILES.length + 4, written: GOOD_FILES.length, failed: 4, profile: "ps315.basic", release: "2026c" } });
    // Paths are the user's own names (these corpus names carry Patient IDs), so only the rest of each line is checked.
    const withoutPaths = JSON.stringify(records.map(({ input: _input, output: _output, ...rest }) => rest));
    for (const original of originalIdentifiers(good)) expect(withoutPaths).not.toContain(original);
  });

  it("never prints, logs or writes the key", async () => {
    const dir = tempDir();
    const { input } = makeBatch(dir);
    const key = "k3y-" + "0123456789abcdef".repeat(2) + "-do-not-leak";
    const out = join(dir, "out");
    const report = join(dir, "report.jsonl");
    const crosswalk = join(dir, "crosswalk");
    const keyFile = put(join(dir, "secret", "deid.key"), key + "\n");
    const viaEnv = await run([input], { output: out, report, crosswalk, layout: "patient/study/series" }, { DEID_KEY: key });
    const viaFile = await run([input], { output: join(dir, "out2"), report: join(dir, "report2.jsonl"), keyFile }, {});
    expect(viaEnv.code).toBe(1);
    expect(viaFile.code).toBe(1);

    const places: [string, Buffer][] = [
      ["stderr (env)", Buffer.from(viaEnv.stderr.text)],
      ["stderr (key file)", Buffer.from(viaFile.stderr.text)],
      ...[out, join(dir, "out2"), crosswalk].flatMap((d) => listFiles(d).map((f): [string, Buffer] => [join(d, f), readFileSync(join(d, f))])),
      [report, readFileSync(report)],
      [join(dir, "report2.jsonl"), readFileSync(join(dir, "report2.jsonl"))],
    ];
    expect(places.length).toBeGreaterThan(2 * GOOD_FILES.length);
    for (const [where, content] of places) {
      for (const form of keyForms(key)) expect(content.includes(Buffer.from(form)), `${where} contains the key (${form === key ? "as text" : "encoded"})`).toBe(false);
    }
  });

  it("names outputs by new identifiers only, and puts originals in the crosswalk and nowhere else", async () => {
    const dir = tempDir();
    const { input, good } = makeBatch(dir);
    const out = join(dir, "out");
    const crosswalk = join(dir, "private", "crosswalk");
    const report = join(dir, "report.jsonl");
    await run([input], { output: out, crosswalk, report, layout: "patient/study/series" });

    const files = listFiles(out);
    expect(files).toHaveLength(GOOD_FILES.length);
    const records = (readValidReport(report) as Record<string, string>[]).filter((r) => r.outcome === "written");
    // test-SR.dcm has an empty Patient ID, which Z/D leaves empty: its folder says so.
    for (const r of records) expect(r.output).toBe(`${r.newPatientId || "no-patient-id"}/${r.newStudyUid}/${r.newSeriesUid}/${r.newSopInstanceUid}.dcm`);
    expect(records.filter((r) => r.output!.startsWith("no-patient-id/"))).toHaveLength(1);
    const originals = originalIdentifiers(good);
    for (const original of originals) for (const f of files) expect(f).not.toContain(original);

    const uids = readFileSync(join(crosswalk, "uids.csv"), "utf8").split("\n");
    expect(uids[0]).toBe("original_uid,new_uid");
    const rows = uids.slice(1, -1);
    expect([...rows].sort()).toEqual(rows);
    expect(new Set(rows).size).toBe(rows.length);
    for (const path of good) {
      const sop = topLevelText(new Uint8Array(readFileSync(path))).get(TAG_SOP_INSTANCE_UID)!;
      expect(rows.some((row) => row.startsWith(sop + ","))).toBe(true);
    }
    expect(readFileSync(join(crosswalk, "patient-ids.csv"), "utf8").split("\n")[0]).toBe("original_patient_id,new_patient_id");
  });

  it("gives identical outputs for --jobs 1 and --jobs 4", async () => {
    const dir = tempDir();
    const { input } = makeBatch(dir);
    await run([input], { output: join(dir, "o1"), jobs: "1" });
    await run([input], { output: join(dir, "o4"), jobs: "4" });
    const files = listFiles(join(dir, "o1"));
    expect(listFiles(join(dir, "o4"))).toEqual(files);
    for (const f of files) expect(readFileSync(join(dir, "o4", f))).toEqual(readFileSync(join(dir, "o1", f)));
  });

  it("applies a site profile's lookup table, resolved beside the rule file, with the key from --key-file", async () => {
    const dir = tempDir();
    const ct = join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm");
    const patientId = topLevelText(new Uint8Array(readFileSync(ct))).get(TAG_PATIENT_ID)!;
    put(join(dir, "site", "tables", "subjects.csv"), `original,pseudonym\n"${patientId.replace(/"/g, '""')}",SUBJ-0001\n`);
    const profile = put(
      join(dir, "site", "site.deid"),
      [
        "deid 1",
        'profile site.trial "trial export" based on ps315.basic',
        'secret key from file "/nonexistent/overridden-by-key-file"',
        'PatientID -> lookup("tables/subjects.csv", PatientID) else "UNLISTED-" + hash(key, PatientID, 8)',
        "",
      ].join("\n"),
    );
    const keyFile = put(join(dir, "k"), TEST_KEY);
    const input = join(dir, "in");
    copyFileSync(ct, put(join(input, "ct.dcm"), ""));
    writeFileSync(join(input, "mr.dcm"), readFileSync(join(CORPUS_DIR!, GOOD_FILES[4]!)));
    const out = join(dir, "out");
    const { code, stderr } = await run([input], { output: out, keyFile }, {}, profile);
    expect(stderr.text).not.toMatch(/failed;.*[1-9] failed/);
    expect(code).toBe(0);
    expect(topLevelText(new Uint8Array(readFileSync(join(out, "ct.dcm")))).get(TAG_PATIENT_ID)).toBe("SUBJ-0001");
    expect(topLevelText(new Uint8Array(readFileSync(join(out, "mr.dcm")))).get(TAG_PATIENT_ID)).toMatch(/^UNLISTED-[A-Z2-7]{8}$/);
  });
});

if (!CORPUS_DIR) warnIfNoCorpus("run end-to-end");

describe.skipIf(!CORPUS_DIR)("deidc run without a key", () => {
  /** The SOP Instance UID of a Part 10 file. */
  const instanceUid = (bytes: Uint8Array): string | undefined => {
    const cursor = openCursor(readPart10(bytes));
    while (cursor.next()) if (cursor.depth === 0 && cursor.tag === 0x00080018) return cursor.readText().replace(/[\0 ]+$/, "");
    return undefined;
  };

  it("runs a profile that derives nothing from a key, through the generated executor, and keeps the UIDs", async () => {
    const dir = tempDir();
    const profile = put(
      join(dir, "keep.deid"),
      'deid 1\nprofile site.keep "UIDs and dates kept" based on ps315.basic with ps315.retain-uids, ps315.retain-longitudinal-full-dates\nDigitalSignatureUID -> remove\nUID -> remove\n',
    );
    const input = join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm");
    const stderr = new CapturedStream();
    const code = await runWithDependencies(profile, [input], { output: join(dir, "out"), progress: false }, { ...generatedExecutors(), stderr, env: {} });
    expect(stderr.text).toMatch(/1 object\(s\): 1 written/);
    expect(code).toBe(0);
    const written = readFileSync(join(dir, "out", "CT_small.dcm"));
    expect(instanceUid(written)).toBe(instanceUid(readFileSync(input)));
  });

  it("refuses ps315.basic with the Retain UIDs Option, naming the rule that still needs a key", async () => {
    const dir = tempDir();
    const stderr = new CapturedStream();
    const input = join(CORPUS_DIR!, "pydicom-debian/CT_small.dcm");
    await expect(runWithDependencies("ps315.basic", [input], { output: join(dir, "out"), with: ["ps315.retain-uids"] }, { ...generatedExecutors(), stderr, env: {} })).rejects.toThrow(
      /the rule at stdlib\/ps315\/basic\.deid:\d+ \(U\) derives values from a key/,
    );
  });
});
