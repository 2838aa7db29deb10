// The library face of a compiled processor (src/codegen/bundle/library.ts):
// what it accepts as bytes, what it throws for arguments of the wrong type,
// which error classes it exports, and that its messages name its options
// (`key`, `params`), never deidc run's command-line flags.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildPart10 } from "../executor/helpers";
import { put, removeTemporaryDirs, REPO, tempDir, TEST_KEY } from "./helpers";

afterAll(removeTemporaryDirs);

/** What the tests use of a processor module. */
interface Library {
  deidentify(bytes: unknown, options?: unknown, inputPath?: string): { output: Uint8Array | null; record: { outcome: string; reason?: string } };
  createDeidentifier(options?: unknown): (bytes: unknown, inputPath?: string) => { output: Uint8Array | null; record: { outcome: string } };
  deidentifyStream(source: unknown, options?: unknown): AsyncGenerator<Uint8Array>;
  RunSetupError: new (message: string) => Error;
  MissingSecretError: new (message: string) => Error;
  ObjectNotWrittenError: new (record: unknown) => Error;
}

const SECRET_ENV = "DEIDC_LIBRARY_TEST_KEY";
/** TEST_KEY (bytes) as text. */
const KEY_TEXT = new TextDecoder().decode(TEST_KEY);

let basic: Library;
let site: Library;

async function compiledProcessor(dir: string, profile: string, name: string): Promise<Library> {
  const processor = join(dir, `${name}.mjs`);
  const r = spawnSync(process.execPath, [join(REPO, "dist/deidc.mjs"), "compile", profile, "-o", processor], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot compile ${profile}: ${r.stderr}`);
  return (await import(pathToFileURL(processor).href)) as Library;
}

beforeAll(async () => {
  const dir = tempDir("deidc-library-");
  const profile = put(
    join(dir, "site.deid"),
    [
      "deid 1",
      'profile site.lib "library API test" based on ps315.basic',
      `secret key from env ${SECRET_ENV}`,
      "param site: string",
      "param visit: number = 1",
      "ClinicalTrialSiteID -> site",
      "",
    ].join("\n"),
  );
  [basic, site] = await Promise.all([compiledProcessor(dir, "ps315.basic", "basic"), compiledProcessor(dir, profile, "site")]);
}, 60_000);

// The library reads keys from the environment when `key` is left out: none may leak in from the test's.
const saved = { DEID_KEY: process.env.DEID_KEY, [SECRET_ENV]: process.env[SECRET_ENV] };
delete process.env.DEID_KEY;
delete process.env[SECRET_ENV];
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
});
afterEach(() => {
  delete process.env.DEID_KEY;
  delete process.env[SECRET_ENV];
});

/** A small CT object. */
const OBJECT = buildPart10([
  { tag: 0x00080016, vr: "UI", text: "1.2.840.10008.5.1.4.1.1.2" },
  { tag: 0x00080018, vr: "UI", text: "1.2.3.4.5.6" },
  { tag: 0x00080060, vr: "CS", text: "CT" },
  { tag: 0x00100010, vr: "PN", text: "Doe^Jane" },
  { tag: 0x00100020, vr: "LO", text: "ID-1234" },
]);

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an exception");
}

async function thrownAsync(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an exception");
}

describe("processor library: bytes", () => {
  it("takes an ArrayBuffer and any ArrayBufferView as the object's bytes, with the output of a Uint8Array", () => {
    const expected = basic.deidentify(OBJECT, { key: TEST_KEY }, "ct");
    expect(expected.record.outcome).toBe("written");
    // The object inside a larger buffer, at an offset, seen through other views.
    const larger = new ArrayBuffer(OBJECT.length + 16);
    new Uint8Array(larger, 8, OBJECT.length).set(OBJECT);
    const exact = OBJECT.buffer.slice(OBJECT.byteOffset, OBJECT.byteOffset + OBJECT.byteLength);
    const inputs: [string, unknown][] = [
      ["ArrayBuffer", exact],
      ["DataView at an offset", new DataView(larger, 8, OBJECT.length)],
      ["Buffer", Buffer.from(OBJECT)],
      ["Uint8Array at an offset", new Uint8Array(larger, 8, OBJECT.length)],
      ...(OBJECT.length % 2 === 0 ? [["Uint16Array", new Uint16Array(exact)] as [string, unknown]] : []),
    ];
    for (const [what, bytes] of inputs) {
      const { output, record } = basic.deidentify(bytes, { key: TEST_KEY }, "ct");
      expect(record, what).toEqual(expected.record);
      expect(Buffer.compare(Buffer.from(output!), Buffer.from(expected.output!)), what).toBe(0);
    }
    const prepared = basic.createDeidentifier({ key: TEST_KEY });
    expect(prepared(exact, "ct").record).toEqual(expected.record);
  });

  it("throws a TypeError naming the parameter for anything else, instead of a failed outcome", () => {
    const prepared = basic.createDeidentifier({ key: TEST_KEY });
    for (const bytes of ["DICM", null, undefined, 42, [1, 2, 3], { length: 3 }]) {
      for (const run of [() => basic.deidentify(bytes, { key: TEST_KEY }), () => prepared(bytes)]) {
        const e = thrown(run);
        expect(e).toBeInstanceOf(TypeError);
        expect(e.message).toMatch(/^bytes must be a Uint8Array, another ArrayBufferView or an ArrayBuffer, not \w+/);
      }
    }
  });

  it("throws a TypeError for a stream source or chunk that is not bytes, and for options that are not an object", async () => {
    const notStream = await thrownAsync(async () => {
      for await (const _ of basic.deidentifyStream(42, { key: TEST_KEY })) void _;
    });
    expect(notStream).toBeInstanceOf(TypeError);
    expect(notStream.message).toMatch(/^source must be a byte stream/);
    const badChunk = await thrownAsync(async () => {
      for await (const _ of basic.deidentifyStream([OBJECT.subarray(0, 10), [1, 2]], { key: TEST_KEY })) void _;
    });
    expect(badChunk).toBeInstanceOf(TypeError);
    expect(badChunk.message).toMatch(/^a chunk of the source must be a Uint8Array/);
    // An array of views is a source too.
    const chunks: Uint8Array[] = [];
    for await (const chunk of basic.deidentifyStream([new DataView(OBJECT.buffer, OBJECT.byteOffset, 100), OBJECT.subarray(100)], { key: TEST_KEY, inputPath: "ct" })) chunks.push(chunk);
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(basic.deidentify(OBJECT, { key: TEST_KEY }, "ct").output!))).toBe(0);

    for (const options of [null, "key", 42]) {
      const e = thrown(() => basic.deidentify(OBJECT, options));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/^options must be an object/);
    }
  });
});

describe("processor library: errors and messages", () => {
  it("exports the error classes it throws", () => {
    for (const name of ["RunSetupError", "MissingSecretError", "ObjectNotWrittenError"] as const) {
      expect(typeof basic[name], name).toBe("function");
      expect(new basic[name]("x" as never)).toBeInstanceOf(Error);
    }
    const e = thrown(() => basic.deidentify(OBJECT));
    expect(e).toBeInstanceOf(basic.RunSetupError);
  });

  it("refuses a key of the wrong type with a TypeError, and an empty key as a setup error", () => {
    for (const key of [12345, null, true, { key: TEST_KEY }, new Uint16Array(16)]) {
      const e = thrown(() => basic.deidentify(OBJECT, { key }));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/^options\.key must be a string \(taken as UTF-8\) or a Uint8Array, not \w+/);
      expect(e.message).not.toContain(KEY_TEXT);
    }
    for (const key of ["", new Uint8Array(0)]) {
      const e = thrown(() => basic.createDeidentifier({ key }));
      expect(e).toBeInstanceOf(basic.RunSetupError);
      expect(e.message).toMatch(/options\.key is empty/);
    }
    // Either accepted type works, a string as its UTF-8 bytes.
    const text = basic.deidentify(OBJECT, { key: KEY_TEXT }, "ct");
    expect(text.record.outcome).toBe("written");
    expect(Buffer.compare(Buffer.from(text.output!), Buffer.from(basic.deidentify(OBJECT, { key: TEST_KEY }, "ct").output!))).toBe(0);
  });

  it("names its own options, never deidc run's flags, when a key is missing", () => {
    const noKey = thrown(() => basic.deidentify(OBJECT));
    expect(noKey).toBeInstanceOf(basic.RunSetupError);
    expect(noKey.message).toMatch(/set DEID_KEY or pass the `key` option$/);
    const noSecret = thrown(() => site.deidentify(OBJECT, { params: { site: "A" } }));
    expect(noSecret).toBeInstanceOf(site.RunSetupError);
    expect(noSecret.message).toMatch(new RegExp(`reads environment variable ${SECRET_ENV}, which is not set or empty; set it or pass the \`key\` option$`));
    for (const e of [noKey, noSecret]) expect(e.message).not.toMatch(/--/);
    // With the environment variable, no key option is needed.
    process.env[SECRET_ENV] = KEY_TEXT;
    expect(site.deidentify(OBJECT, { params: { site: "A" } }).record.outcome).toBe("written");
  });

  it("names `params`, never --param, when a parameter is wrong", () => {
    const cases: [params: unknown, message: RegExp][] = [
      [{}, /needs `params: \{ site: <string> \}` \(declared at site\.deid:4 without a default\)/],
      [{ site: "A", visit: "three" }, /^params\.visit: `three` is not a number \(declared at site\.deid:5 as number\)/],
      [{ site: "A", colour: "red" }, /^params\.colour: profile `site\.lib` declares no such parameter \(it declares: site, visit\)/],
    ];
    for (const [params, message] of cases) {
      const e = thrown(() => site.deidentify(OBJECT, { key: TEST_KEY, params }));
      expect(e).toBeInstanceOf(site.RunSetupError);
      expect(e.message).toMatch(message);
      expect(e.message).not.toMatch(/--/);
    }
    for (const params of [{ site: { name: "A" } }, { site: null }]) {
      const e = thrown(() => site.deidentify(OBJECT, { key: TEST_KEY, params }));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/^options\.params\.site must be a string, number or boolean/);
    }
    expect(site.deidentify(OBJECT, { key: TEST_KEY, params: { site: "A", visit: 2 } }).record.outcome).toBe("written");
  });
});
