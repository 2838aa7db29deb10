// The run key: which profiles need one (ruleNeedingRunKey), and what a run
// without one does. A profile that keeps UIDs and dates runs without a key;
// a keyed action reached anyway fails its object instead of writing it.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MissingSecretError, createExecutor } from "../../src/runtime/executor";
import { resolveKeys, ruleNeedingRunKey, ruleRemovingInstanceUid } from "../../src/runtime/executor/keys";
import { buildDataset, buildPart10, compile, topLevelTexts, walkBytes, type BuiltElement } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "deidc-run-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A site profile on ps315.basic with UIDs and dates kept; `rules` decide the two UIDs the Retain UIDs Option leaves to U. */
function keepingUids(name: string, rules: string): string {
  const path = join(dir, `${name}.deid`);
  writeFileSync(path, `deid 1\n\nprofile test.${name} "t"\n  based on ps315.basic\n  with ps315.retain-uids, ps315.retain-longitudinal-full-dates\n\n${rules}\n`);
  return path;
}

const BOTH_REMOVED = "DigitalSignatureUID -> remove\nUID -> remove";
const noKeyEnv = { secrets: new Map<string, Uint8Array>(), params: new Map(), tables: new Map() };

describe("ruleNeedingRunKey", () => {
  it("finds ps315.basic's first U rule, and with the Retain UIDs Option the two UIDs the option leaves to U", () => {
    expect(ruleNeedingRunKey(compile("ps315.basic"))).toMatchObject({ action: { kind: "code", code: "U" }, source: { file: "stdlib/ps315/basic.deid" } });
    const left = ruleNeedingRunKey(compile("ps315.basic", ["ps315.retain-uids"]));
    expect(left?.selector).toMatchObject({ kind: "path", steps: [{ match: { kind: "tag", tag: "04000100" } }] });
  });

  it("finds C, the per-patient date shift, in the date options", () => {
    const rule = ruleNeedingRunKey(compile(keepingUids("modified-dates", `${BOTH_REMOVED}\nStudyDate -> C`)));
    expect(rule).toMatchObject({ action: { kind: "code", code: "C" } });
    expect(rule?.source.file).toMatch(/modified-dates\.deid$/);
  });

  it("is null when every keyed rule is decided first by an unconditional rule naming every element it could select", () => {
    expect(ruleNeedingRunKey(compile(keepingUids("both-removed", BOTH_REMOVED)))).toBeNull();
    expect(ruleNeedingRunKey(compile(keepingUids("by-tag", "(0400,0100) -> remove\n(0040,A124) -> keep")))).toBeNull();
  });

  it("counts a keyed rule that an earlier rule decides only sometimes, only somewhere or only by VR", () => {
    const conditional = ruleNeedingRunKey(compile(keepingUids("conditional", `DigitalSignatureUID -> remove when Modality == "CT"\nUID -> remove`)));
    expect(conditional?.source.file).toBe("stdlib/ps315/basic.deid");
    expect(conditional?.selector).toMatchObject({ steps: [{ match: { tag: "04000100" } }] });
    const anchored = ruleNeedingRunKey(compile(keepingUids("anchored", "/DigitalSignatureUID -> remove\nUID -> remove")));
    expect(anchored?.selector).toMatchObject({ steps: [{ match: { tag: "04000100" } }] });
    expect(ruleNeedingRunKey(compile(keepingUids("by-vr", "vr UI -> keep")))?.source.file).toBe("stdlib/ps315/basic.deid");
  });

  it("counts a lookup that falls back to a keyed action", () => {
    writeFileSync(join(dir, "ids.csv"), "from,to\nA,B\n");
    const rule = ruleNeedingRunKey(compile(keepingUids("lookup", `${BOTH_REMOVED}\nStudyInstanceUID -> lookup("ids.csv", StudyInstanceUID) else uid`)));
    expect(rule).toMatchObject({ action: { kind: "lookup", otherwise: { kind: "code", code: "U" } } });
  });
});

describe("ruleRemovingInstanceUid", () => {
  it("finds an unconditional rule that removes or empties every SOP Instance UID, and refuses the keyless run", () => {
    const removing = compile(keepingUids("no-instance", `${BOTH_REMOVED}\nSOPInstanceUID -> remove`));
    expect(ruleNeedingRunKey(removing)).toBeNull();
    expect(ruleRemovingInstanceUid(removing)).toMatchObject({ action: { kind: "code", code: "X" } });
    expect(() => resolveKeys(removing, noKeyEnv)).toThrow(/no key: the rule at .*no-instance\.deid:\d+ \(X\) removes SOP Instance UID \(0008,0018\)/);
    expect(ruleRemovingInstanceUid(compile(keepingUids("empty-instance", `${BOTH_REMOVED}\n(0008,0018) -> Z`)))).toMatchObject({ action: { code: "Z" } });
    // an anchored path decides only the top level, which is the UID that names the output
    expect(ruleRemovingInstanceUid(compile(keepingUids("anchored-instance", `${BOTH_REMOVED}\n/SOPInstanceUID -> remove`)))).toMatchObject({ action: { code: "X" } });
  });

  it("is null when the UID is kept, or when an earlier rule may keep it for some objects", () => {
    expect(ruleRemovingInstanceUid(compile(keepingUids("kept-instance", BOTH_REMOVED)))).toBeNull();
    expect(ruleRemovingInstanceUid(compile(keepingUids("sometimes", `${BOTH_REMOVED}\nSOPInstanceUID -> keep when Modality == "CT"\nSOPInstanceUID -> remove`)))).toBeNull();
    expect(ruleRemovingInstanceUid(compile(keepingUids("nested-only", `${BOTH_REMOVED}\nReferencedImageSequence/SOPInstanceUID -> remove`)))).toBeNull();
    // `**` is zero levels or more: this keep decides the top-level UID first, and the run needs no key
    const deep = compile(keepingUids("deep-keep", `${BOTH_REMOVED}\n**/SOPInstanceUID -> keep\nSOPInstanceUID -> remove`));
    expect(ruleRemovingInstanceUid(deep)).toBeNull();
    expect(() => resolveKeys(deep, noKeyEnv)).not.toThrow();
  });
});

describe("a run without a key", () => {
  const SC = "1.2.840.10008.5.1.4.1.1.7";
  const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });
  const object = (...extra: BuiltElement[]): BuiltElement[] => [
    text(0x00080016, "UI", SC),
    text(0x00080020, "DA", "20200102"),
    text(0x00100010, "PN", "Doe^John"),
    text(0x0020000d, "UI", "1.2.826.0.1.3680043.2.1125.100"),
    ...extra,
  ];

  it("is refused before any object for a profile that needs one, naming the rule", () => {
    expect(() => createExecutor(compile("ps315.basic", ["ps315.retain-uids"]), noKeyEnv)).toThrow(MissingSecretError);
    expect(() => resolveKeys(compile("ps315.basic", ["ps315.retain-uids"]), noKeyEnv)).toThrow(/^no key: the rule at stdlib\/ps315\/basic\.deid:\d+ \(U\) derives values from a secret key/);
  });

  it("takes an empty key for no key, for a declared secret too", () => {
    const path = join(dir, "declared.deid");
    writeFileSync(path, `deid 1\n\nprofile test.declared "t"\n  based on ps315.basic\n  with ps315.retain-uids, ps315.retain-longitudinal-full-dates\n\nsecret key from env SITE_KEY\n${BOTH_REMOVED}\nPatientName -> hash(key, PatientName, 10)\n`);
    const ir = compile(path);
    expect(ruleNeedingRunKey(ir)).toBeNull();
    const empty = { ...noKeyEnv, secrets: new Map([["key", new Uint8Array(0)]]) };
    expect(() => createExecutor(ir, empty)).toThrow(/^secret `key` has no value \(environment variable SITE_KEY\)/);
    expect(() => createExecutor(compile("ps315.basic"), { ...noKeyEnv, runKey: new Uint8Array(0) })).toThrow(MissingSecretError);
  });

  it("keeps the UIDs and dates of a profile that needs no key", () => {
    const executor = createExecutor(compile(keepingUids("both-removed", BOTH_REMOVED)), noKeyEnv);
    const result = executor.process(buildPart10(object(text(0x00080018, "UI", "1.2.826.0.1.3680043.2.1125.102"))), "in.dcm");
    expect(result.record.outcome).toBe("written");
    const values = topLevelTexts(walkBytes(result.output!).file);
    expect(values.get(0x00080018)).toBe("1.2.826.0.1.3680043.2.1125.102");
    expect(values.get(0x0020000d)).toBe("1.2.826.0.1.3680043.2.1125.100");
    expect(values.get(0x00080020)).toBe("20200102");
  });

  it("fails, not writes, an object that would need a keyed UID: one without a SOP Instance UID, in the dataset or the File Meta", () => {
    const executor = createExecutor(compile(keepingUids("both-removed", BOTH_REMOVED)), noKeyEnv);
    // The profile keeps SOP Instance UIDs, so the File Meta's stands in for the dataset's, and no key is needed.
    const metaOnly = executor.process(buildPart10(object()), "meta-instance.dcm");
    expect(metaOnly.record.outcome).toBe("written");
    expect(topLevelTexts(walkBytes(metaOnly.output!).file).get(0x00080018)).toBe("1.2.3.4");
    // A dataset without File Meta (implicit VR little endian, as old files are) has neither.
    const result = executor.process(buildDataset(object(), { littleEndian: true, explicitVr: false }), "no-instance.dcm");
    expect(result.record.outcome).toBe("failed");
    expect(result.record.reason).toMatch(/^naming an object that has no SOP Instance UID needs a secret key, and this run was given none: set DEID_KEY, pass --key-file to deidc run or a processor, or the `key` option to a processor.s library$/);
    expect(result.output).toBeNull();
  });
});
