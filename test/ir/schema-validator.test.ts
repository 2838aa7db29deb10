// The bundle validates IR with a validator ajv generated at build time
// (scripts/build.mjs); from source, ajv compiles it at run time. Both must
// accept and reject the same documents with the same errors, or `deidc
// compile` would behave differently once bundled.

import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { compileIrValidator, precompiledModule, type IrSchemaValidator } from "../../src/ir/schema-validator";
import { seededRandom } from "../support/random";

async function loadPrecompiled(): Promise<IrSchemaValidator> {
  const url = `data:text/javascript;base64,${Buffer.from(precompiledModule()).toString("base64")}`;
  const module = (await import(/* @vite-ignore */ url)) as { compileIrValidator: () => IrSchemaValidator };
  return module.compileIrValidator();
}

function outcome(validator: IrSchemaValidator, data: unknown): { valid: boolean; errors: unknown } {
  const valid = validator(data);
  return { valid, errors: valid ? null : validator.errors };
}

/** Replaces one randomly chosen value somewhere in the document with a value of another kind. */
function mutate(document: unknown, random: () => number): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const replacements = [null, 42, "x", true, [], {}, -1.5];
  let node: Record<string, unknown> = copy;
  for (let depth = 0; depth < 8; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[Math.floor(random() * keys.length)]!;
    const child = node[key];
    if (child === null || typeof child !== "object" || random() < 0.25) {
      node[key] = replacements[Math.floor(random() * replacements.length)];
      return copy;
    }
    node = child as Record<string, unknown>;
  }
  node["unexpectedProperty"] = 1;
  return copy;
}

describe("the precompiled IR validator", () => {
  const ir = compileProfile("ps315.basic", { withOptions: ["ps315.retain-uids"] }).ir;

  it("accepts what the run-time compiled validator accepts", async () => {
    expect(ir).toBeTruthy();
    const precompiled = await loadPrecompiled();
    expect(outcome(precompiled, ir)).toEqual({ valid: true, errors: null });
    expect(outcome(compileIrValidator(), ir)).toEqual({ valid: true, errors: null });
  });

  it("rejects the same mutated documents with the same errors", async () => {
    const precompiled = await loadPrecompiled();
    const compiled = compileIrValidator();
    const random = seededRandom(1515);
    let rejected = 0;
    for (let i = 0; i < 200; i++) {
      const document = mutate(ir, random);
      const expected = outcome(compiled, document);
      expect(outcome(precompiled, document)).toEqual(expected);
      if (!expected.valid) rejected++;
    }
    // The mutations must exercise the error paths, not only valid documents.
    expect(rejected).toBeGreaterThan(50);
  });
});
