import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { IrProgram } from "../../src/ir/types";
import { RunSetupError } from "../../src/run/errors";
import { FALLBACK_KEY_ENV, FALLBACK_KEY_NAME, loadSecrets } from "../../src/run/keys";
import { put, tempDir, TEST_KEY } from "./helpers";

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "utf8"));

function compiled(path: string): IrProgram {
  const { ir, diagnostics } = compileProfile(path);
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return ir;
}

function profileWith(dir: string, secretLine: string): IrProgram {
  return compiled(put(join(dir, "rules", "site.deid"), `deid 1\nprofile site.test "t" based on ps315.basic\n${secretLine}\nPatientID -> hash(site, PatientID, 10)\n`));
}

/** The message of the RunSetupError `run` throws. */
function setupError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RunSetupError);
    return (e as Error).message;
  }
  throw new Error("expected a RunSetupError");
}

describe("loadSecrets", () => {
  it("reads `from env X` from variable X", () => {
    const ir = profileWith(tempDir(), "secret site from env SITE_KEY");
    expect(loadSecrets(ir, { env: { SITE_KEY: TEST_KEY } })).toEqual(new Map([["site", bytes(TEST_KEY)]]));
  });

  it("reads `from file P` relative to the rule file, without the final line end", () => {
    const dir = tempDir();
    put(join(dir, "rules", "keys", "site.key"), TEST_KEY + "\r\n");
    const ir = profileWith(dir, 'secret site from file "keys/site.key"');
    // The IR names the rule file relative to its own folder (the entry's): `from file` is resolved from baseDir.
    expect(ir.secrets[0]!.source.file).toBe("site.deid");
    expect(loadSecrets(ir, { env: {}, baseDir: join(dir, "rules") }).get("site")).toEqual(bytes(TEST_KEY));
  });

  it("lets --key-file override every secret's source", () => {
    const dir = tempDir();
    const keyFile = put(join(dir, "k"), TEST_KEY + "\n");
    const ir = profileWith(dir, "secret site from env SITE_KEY");
    expect(loadSecrets(ir, { keyFile, env: { SITE_KEY: "something else entirely" } }).get("site")).toEqual(bytes(TEST_KEY));
  });

  it("takes DEID_KEY, or --key-file, when the profile declares no secret", () => {
    const ir = compiled("ps315.basic");
    expect(loadSecrets(ir, { env: { [FALLBACK_KEY_ENV]: TEST_KEY } })).toEqual(new Map([[FALLBACK_KEY_NAME, bytes(TEST_KEY)]]));
    const keyFile = put(join(tempDir(), "k"), TEST_KEY);
    expect(loadSecrets(ir, { keyFile, env: {} })).toEqual(new Map([[FALLBACK_KEY_NAME, bytes(TEST_KEY)]]));
  });

  it("requires a key for ps315.basic, names a rule that needs it and says where to put it", () => {
    const message = setupError(() => loadSecrets(compiled("ps315.basic"), { env: {} }));
    expect(message).toMatch(/the rule at stdlib\/ps315\/basic\.deid:\d+ \(U\) derives values from a key \(replacement UIDs, date shifts\)/);
    expect(message).toMatch(/set DEID_KEY or pass --key-file/);
  });

  it("runs without a key a profile that derives nothing from one", () => {
    const ir = compiled(
      put(
        join(tempDir(), "keep.deid"),
        'deid 1\nprofile site.keep "t" based on ps315.basic with ps315.retain-uids, ps315.retain-longitudinal-full-dates\nDigitalSignatureUID -> remove\nUID -> remove\n',
      ),
    );
    expect(loadSecrets(ir, { env: {} })).toEqual(new Map());
    // A key given is still taken (it names outputs of objects without a SOP Instance UID).
    expect(loadSecrets(ir, { env: { [FALLBACK_KEY_ENV]: TEST_KEY } })).toEqual(new Map([[FALLBACK_KEY_NAME, bytes(TEST_KEY)]]));
  });

  it("refuses without a key a profile that removes every SOP Instance UID, naming the rule", () => {
    const ir = compiled(
      put(
        join(tempDir(), "no-instance.deid"),
        'deid 1\nprofile site.noinstance "t" based on ps315.basic with ps315.retain-uids, ps315.retain-longitudinal-full-dates\nDigitalSignatureUID -> remove\nUID -> remove\nSOPInstanceUID -> remove\n',
      ),
    );
    expect(setupError(() => loadSecrets(ir, { env: {} }))).toMatch(/no secret key: the rule at .*no-instance\.deid:5 \(X\) removes SOP Instance UID \(0008,0018\), and each output is then named by a UID derived from a key; set DEID_KEY or pass --key-file <file>, or keep or replace the UID/);
    expect(loadSecrets(ir, { env: { [FALLBACK_KEY_ENV]: TEST_KEY } }).size).toBe(1);
  });

  it("names the variable of a declared secret that is not set", () => {
    const ir = profileWith(tempDir(), "secret site from env SITE_KEY");
    expect(setupError(() => loadSecrets(ir, { env: { SITE_KEY: "" } }))).toMatch(/secret `site` declared at .*site\.deid:3 reads environment variable SITE_KEY, which is not set or empty; set it or pass --key-file/);
  });

  it("names a missing or empty key file", () => {
    const dir = tempDir();
    const ir = profileWith(dir, 'secret site from file "nope.key"');
    expect(setupError(() => loadSecrets(ir, { env: {}, baseDir: join(dir, "rules") }))).toMatch(/cannot read the key file .*nope\.key \(secret `site` declared at .*\): no such file or folder/);
    const empty = put(join(dir, "empty.key"), "\n");
    expect(setupError(() => loadSecrets(ir, { keyFile: empty, env: {} }))).toMatch(/the key file .*empty\.key \(--key-file, for secret `site`.*\) is empty/);
  });

  it("warns about a short key without showing it", () => {
    const warnings: string[] = [];
    loadSecrets(compiled("ps315.basic"), { env: { DEID_KEY: "tiny-secret" }, warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/shorter than 16 bytes/);
    expect(warnings[0]).not.toContain("tiny-secret");
  });
});
