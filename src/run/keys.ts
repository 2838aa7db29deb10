// Loading the secrets a profile needs. The bytes go into the executor's
// environment and nowhere else: no message, report line or file written here
// ever contains them, so every error below names only where a key was looked
// for (an environment variable's name, a file's path), never what was found.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { IrProgram, IrSecret } from "../ir/types";
import { keyedRuleText, ruleNeedingRunKey, ruleRemovingInstanceUid } from "../runtime/executor/keys";
import { CLI_ADVICE, type SetupAdvice } from "./advice";
import { RunSetupError } from "./errors";
import { displayPath, fsReason } from "./paths";

/**
 * The environment variable read when the profile declares no secret.
 * Replacement UIDs (action U) and the default per-patient date shift are HMACs
 * under it, and ps315.basic replaces UIDs; a profile that can do neither
 * (ruleNeedingRunKey) runs without it.
 */
export const FALLBACK_KEY_ENV = "DEID_KEY";

/**
 * The secret name under which that fallback key is handed to the executor.
 * It is the name the documentation's examples use (`secret key from env
 * DEID_KEY`), so a profile that declares that line and one that declares
 * nothing give the executor the same environment.
 */
export const FALLBACK_KEY_NAME = "key";

/** Keys shorter than this are accepted with a warning: HMAC under a short key can be brute-forced. */
export const MIN_KEY_BYTES = 16;

export interface KeySources {
  /** `--key-file F`: overrides the source of every secret */
  keyFile?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** called for advice that does not stop the run (a short key); never given the key */
  warn?: (message: string) => void;
  /**
   * The folder the IR's rule-file names are relative to (Program.baseDir: the
   * entry profile's folder), against which `from file` paths are resolved;
   * default: the working directory (a compiled processor, which has no entry file).
   */
  baseDir?: string;
  /** how messages say to give a key: command-line flags (the default) or the library's options */
  advice?: SetupAdvice;
}

/** A key file's bytes without the one line ending an editor or `echo` adds, so a file and an env var holding the same text give the same key. */
function withoutFinalLineEnd(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) {
    end--;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
  }
  return bytes.subarray(0, end);
}

function readKeyFile(path: string, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new RunSetupError(`cannot read the key file ${displayPath(path)} (${what}): ${fsReason(e)}`);
  }
  const key = withoutFinalLineEnd(bytes);
  if (key.length === 0) throw new RunSetupError(`the key file ${displayPath(path)} (${what}) is empty`);
  return key;
}

/** The file a `from file` secret is read from: relative to the rule file that declares it, whose IR name is relative to `baseDir`. */
function secretFilePath(secret: IrSecret, baseDir: string = process.cwd()): string {
  return resolve(baseDir, dirname(secret.source.file), secret.ref);
}

/** Every file loadSecrets reads keys from, absolute: a run must never read them as inputs nor write over them. */
export function keyFilePaths(ir: IrProgram, sources: Pick<KeySources, "keyFile" | "baseDir">): string[] {
  if (sources.keyFile !== undefined) return [resolve(sources.keyFile)];
  return ir.secrets.filter((s) => s.from !== "env").map((s) => secretFilePath(s, sources.baseDir));
}

function declaredAt(secret: IrSecret): string {
  return `secret \`${secret.name}\` declared at ${secret.source.file}:${secret.source.line}`;
}

/**
 * Every secret the executor needs, by secret name:
 * - with `--key-file F`, every declared secret is read from F;
 * - otherwise `from env X` reads variable X, and `from file P` reads P
 *   (a relative P is relative to the rule file that declares the secret,
 *   like imports and lookup tables);
 * - a profile that declares no secret takes its key (for replacement UIDs
 *   and date shifts) from `--key-file` or DEID_KEY, under the name
 *   FALLBACK_KEY_NAME; without either, it runs only if it needs no key.
 * Throws RunSetupError when a needed key is missing, unreadable or empty.
 */
export function loadSecrets(ir: IrProgram, sources: KeySources): Map<string, Uint8Array> {
  const secrets = new Map<string, Uint8Array>();
  const keyOption = (sources.advice ?? CLI_ADVICE).keyOption;
  let keyFileBytes: Uint8Array | null = null;
  const fromKeyFile = (what: string): Uint8Array => (keyFileBytes ??= readKeyFile(resolve(sources.keyFile!), what));
  const fromEnv = (variable: string): Uint8Array | null => {
    const text = sources.env[variable];
    return text === undefined || text === "" ? null : new Uint8Array(Buffer.from(text, "utf8"));
  };

  for (const secret of ir.secrets) {
    let key: Uint8Array;
    if (sources.keyFile !== undefined) key = fromKeyFile(`--key-file, for ${declaredAt(secret)}`);
    else if (secret.from === "env") {
      const value = fromEnv(secret.ref);
      if (!value) throw new RunSetupError(`${declaredAt(secret)} reads environment variable ${secret.ref}, which is not set or empty; set it or pass ${keyOption}`);
      key = value;
    } else {
      key = readKeyFile(secretFilePath(secret, sources.baseDir), declaredAt(secret));
    }
    secrets.set(secret.name, key);
  }

  if (ir.secrets.length === 0) {
    const key = sources.keyFile !== undefined ? fromKeyFile("--key-file") : fromEnv(FALLBACK_KEY_ENV);
    if (key) secrets.set(FALLBACK_KEY_NAME, key);
    else {
      // A profile that keeps UIDs and dates derives nothing from a key, and runs without one.
      const rule = ruleNeedingRunKey(ir);
      if (rule) {
        throw new RunSetupError(
          `no secret key: profile \`${ir.profile.name}\` declares no secret of its own, and ${keyedRuleText(rule)} derives values from a key ` +
            `(replacement UIDs, date shifts); set ${FALLBACK_KEY_ENV} or pass ${keyOption}`,
        );
      }
      const removing = ruleRemovingInstanceUid(ir);
      if (removing) {
        throw new RunSetupError(
          `no secret key: ${keyedRuleText(removing)} removes SOP Instance UID (0008,0018), and each output is then named by a UID derived from a key; ` +
            `set ${FALLBACK_KEY_ENV} or pass ${keyOption}, or keep or replace the UID`,
        );
      }
    }
  }

  if (sources.warn) {
    for (const [name, key] of secrets) {
      if (key.length < MIN_KEY_BYTES) sources.warn(`secret \`${name}\` is shorter than ${MIN_KEY_BYTES} bytes; pseudonyms made with a short key can be recovered by trying every key`);
    }
  }
  return secrets;
}
