import Ajv from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { codes } from "../../src/diagnostics/codes";
import type { Diagnostic } from "../../src/diagnostics/diagnostic";
import { buildSarifLog, pathToUri, renderSarif, SARIF_SCHEMA_URI, type SarifLog } from "../../src/diagnostics/sarif";
import { SourceText } from "../../src/syntax/source";
import sarifSchema from "../fixtures/sarif/sarif-schema-2.1.0.json";
import {
  badTag,
  base,
  baseText,
  everySample,
  lastLineInfo,
  missingArrow,
  missingVersion,
  site,
  siteText,
  sourcesOf,
  spanOf,
  unclosedBlock,
} from "./samples";

// The official schema is draft-07; `strict: false` because it uses keywords
// and defaults that ajv's strict mode reports but that are legal JSON Schema.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(sarifSchema);

const tool = { name: "deidc", version: "0.1.0" };

function expectValid(log: unknown): void {
  const valid = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

function runOf(log: SarifLog) {
  return log.runs[0];
}

describe("renderSarif: validity", () => {
  test("the full sample validates against the official SARIF 2.1.0 schema", () => {
    const text = renderSarif(everySample, sourcesOf(site, base), { ...tool, informationUri: "https://example.org/deidc" });
    expect(text.endsWith("}\n")).toBe(true);
    expectValid(JSON.parse(text));
  });

  test.each([
    { name: "an empty list", diagnostics: [] as Diagnostic[], sources: sourcesOf(site, base) },
    { name: "no sources at all", diagnostics: everySample, sources: new Map<string, SourceText>() },
    { name: "one file missing", diagnostics: everySample, sources: sourcesOf(base) },
  ])("$name still validates", ({ diagnostics, sources }) => {
    expectValid(buildSarifLog(diagnostics, sources, tool));
  });

  test("the schema is strict enough to reject a broken log", () => {
    const log = JSON.parse(renderSarif([badTag], sourcesOf(site), tool));
    log.runs[0].results[0].level = "fatal";
    expect(validate(log)).toBe(false);
  });
});

describe("renderSarif: content", () => {
  const log = buildSarifLog(everySample, sourcesOf(site, base), tool);
  const run = runOf(log);

  test("the log header, the tool and the column unit", () => {
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    expect(run.columnKind).toBe("utf16CodeUnits");
    expect(run.tool.driver).toMatchObject({ name: "deidc", version: "0.1.0" });
    expect(run.tool.driver).not.toHaveProperty("informationUri");
    const withUri = buildSarifLog([], new Map(), { ...tool, informationUri: "https://example.org/deidc" });
    expect(runOf(withUri).tool.driver.informationUri).toBe("https://example.org/deidc");
  });

  test("one rule per code that appears, sorted, described from the code table", () => {
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(["DEID1001", "DEID1003", "DEID1006", "DEID9999"]);
    const bad = codes.get("DEID1003")!;
    expect(run.tool.driver.rules[1]).toEqual({
      id: "DEID1003",
      name: bad.name,
      shortDescription: { text: bad.summary },
      defaultConfiguration: { level: "error" },
    });
    expect(run.tool.driver.rules[2]!.defaultConfiguration).toEqual({ level: "warning" });
    // A code the table does not list still has a rule, without a name.
    expect(run.tool.driver.rules[3]).toEqual({ id: "DEID9999", defaultConfiguration: { level: "note" } });
  });

  test("results point at their rule and map severities to levels", () => {
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ["DEID1003", "error"],
      ["DEID1001", "error"],
      ["DEID1001", "error"],
      ["DEID1006", "warning"],
      ["DEID9999", "note"],
    ]);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
  });

  test("the message carries the help", () => {
    expect(run.results[0]!.message.text).toBe("malformed tag `(0010,002G)`\nhelp: a tag is two groups of four hexadecimal digits");
    expect(run.results[4]!.message.text).toBe("the profile `basic` ends here");
  });

  test("a region has 1-based lines and columns, an exclusive end column, offsets and the snippet", () => {
    const { physicalLocation } = run.results[0]!.locations[0]!;
    const start = siteText.indexOf("(0010,002G)");
    expect(physicalLocation.artifactLocation).toEqual({ uri: "rules/site.deid", index: 0 });
    expect(physicalLocation.region).toEqual({
      startLine: 11,
      startColumn: 3,
      endLine: 11,
      endColumn: 14,
      charOffset: start,
      charLength: 11,
      snippet: { text: "(0010,002G)" },
    });
    expect(physicalLocation.contextRegion).toEqual({
      startLine: 11,
      startColumn: 1,
      endLine: 11,
      endColumn: 32,
      charOffset: start - 2,
      charLength: 31,
      snippet: { text: '  (0010,002G) -> replace "anon"' },
    });
  });

  test("the end of a file that ends in a newline, and the last line of one that does not", () => {
    const atEnd = run.results[2]!.locations[0]!.physicalLocation;
    expect(atEnd.region).toEqual({
      startLine: 13,
      startColumn: 1,
      endLine: 13,
      endColumn: 1,
      charOffset: siteText.length,
      charLength: 0,
      snippet: { text: "" },
    });
    const lastLine = run.results[4]!.locations[0]!.physicalLocation;
    expect(lastLine.region).toMatchObject({ startLine: 3, startColumn: 1, endLine: 3, endColumn: 2, charOffset: 40, charLength: 1 });
    // The span is its whole line, and a context region must be larger than its region.
    expect(lastLine).not.toHaveProperty("contextRegion");
    expect(atEnd).not.toHaveProperty("contextRegion");
  });

  test("every context region is a proper superset of its region", () => {
    const physical = run.results.flatMap((r) => [...r.locations, ...(r.relatedLocations ?? [])]).map((l) => l.physicalLocation);
    const withContext = physical.filter((p) => p.contextRegion);
    expect(withContext.length).toBeGreaterThan(0);
    for (const { region, contextRegion } of withContext) {
      const regionEnd = region.charOffset + region.charLength;
      const contextEnd = contextRegion!.charOffset + contextRegion!.charLength;
      expect(contextRegion!.charOffset).toBeLessThanOrEqual(region.charOffset);
      expect(contextEnd).toBeGreaterThanOrEqual(regionEnd);
      expect(contextRegion!.charLength).toBeGreaterThan(region.charLength);
      expect(contextRegion!.snippet!.text).toContain(region.snippet!.text);
    }
  });

  test("related locations carry their message and a distinct id", () => {
    expect(run.results[2]!.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: expect.objectContaining({
          artifactLocation: { uri: "rules/site.deid", index: 0 },
          region: expect.objectContaining({ startLine: 4, startColumn: 29, charLength: 1, snippet: { text: "{" } }),
        }),
        message: { text: "the block of profile `site` opens here" },
      },
    ]);
    expect(run.results[0]).not.toHaveProperty("relatedLocations");
  });

  test("a fix becomes a replacement of a deleted region by inserted content", () => {
    const insertArrow = missingArrow.span.start;
    expect(run.results[1]!.fixes).toEqual([
      {
        description: { text: "insert `->`" },
        artifactChanges: [
          {
            artifactLocation: { uri: "rules/site.deid", index: 0 },
            replacements: [
              {
                deletedRegion: { startLine: 6, startColumn: 13, endLine: 6, endColumn: 13, charOffset: insertArrow, charLength: 0 },
                insertedContent: { text: "-> " },
              },
            ],
          },
        ],
      },
    ]);
    expect(run.results[0]).not.toHaveProperty("fixes");
  });

  test("a fix that only deletes has no inserted content", () => {
    const span = spanOf(siteText, "  InstitutionName -> keep\n");
    const deletion: Diagnostic = {
      ...badTag,
      fix: { description: "remove the rule", file: "rules/site.deid", span, text: "" },
    };
    const result = runOf(buildSarifLog([deletion], sourcesOf(site), tool)).results[0]!;
    expect(result.fixes![0]!.artifactChanges[0]!.replacements).toEqual([
      { deletedRegion: { startLine: 12, startColumn: 1, endLine: 13, endColumn: 1, charOffset: span.start, charLength: span.end - span.start } },
    ]);
  });

  test("artifacts list every file once, in order of first mention, and indexes match", () => {
    expect(run.artifacts).toEqual([{ location: { uri: "rules/site.deid" } }, { location: { uri: "rules/base.deid" } }]);
    const locations = run.results.flatMap((r) => [
      ...r.locations,
      ...(r.relatedLocations ?? []),
    ]);
    for (const { physicalLocation } of locations) {
      const { uri, index } = physicalLocation.artifactLocation;
      expect(run.artifacts[index]!.location.uri).toBe(uri);
    }
  });
});

describe("renderSarif: edge cases", () => {
  test("CRLF: columns and offsets count UTF-16 code units, the break is two of them", () => {
    const text = "deid 1\r\nprofile p {\r\n  PatientsName -> remove\r\n}\r\n";
    const source = new SourceText("crlf.deid", text);
    const span = { start: text.indexOf("remove"), end: text.indexOf("}") };
    const diagnostic: Diagnostic = { ...badTag, file: "crlf.deid", span };
    const log = buildSarifLog([diagnostic], sourcesOf(source), tool);
    expectValid(log);
    const { region, contextRegion } = runOf(log).results[0]!.locations[0]!.physicalLocation;
    expect(region).toEqual({
      startLine: 3,
      startColumn: 19,
      endLine: 4,
      endColumn: 1,
      charOffset: span.start,
      charLength: 8,
      snippet: { text: "remove\r\n" },
    });
    // The context is the one line the span touches, and so ends where the span does.
    expect(contextRegion).toEqual({
      startLine: 3,
      startColumn: 1,
      endLine: 4,
      endColumn: 1,
      charOffset: text.indexOf("  PatientsName"),
      charLength: 26,
      snippet: { text: "  PatientsName -> remove\r\n" },
    });
  });

  test("a file missing from the sources gets an offset-only region and no snippet", () => {
    const log = buildSarifLog([unclosedBlock, missingVersion], sourcesOf(base), tool);
    expectValid(log);
    const [unclosed, version] = runOf(log).results;
    expect(unclosed!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "rules/site.deid", index: 0 },
      region: { charOffset: siteText.length, charLength: 0 },
    });
    expect(version!.relatedLocations![0]!.physicalLocation.region).toEqual({ charOffset: 0, charLength: 6 });
    expect(version!.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 1, snippet: { text: "" } });
  });

  test("a span past the end of the text is clamped", () => {
    const diagnostic: Diagnostic = { ...lastLineInfo, span: { start: 40, end: 4000 } };
    const log = buildSarifLog([diagnostic], sourcesOf(base), tool);
    expectValid(log);
    expect(runOf(log).results[0]!.locations[0]!.physicalLocation.region).toMatchObject({
      charOffset: 40,
      charLength: baseText.length - 40,
    });
  });

  test("related locations that repeat each other stay unique, as the schema requires", () => {
    const related = { file: "rules/site.deid", span: spanOf(siteText, "{"), message: "opened here" };
    const diagnostic: Diagnostic = { ...unclosedBlock, related: [related, related] };
    const log = buildSarifLog([diagnostic], sourcesOf(site), tool);
    expectValid(log);
    expect(runOf(log).results[0]!.relatedLocations!.map((r) => r.id)).toEqual([0, 1]);
  });

  test("paths with backslashes, spaces and absolute roots become valid URI references", () => {
    const files = ["rules\\sub dir\\a#1.deid", "./rules/b.deid", "/etc/deid/c.deid", "C:\\deid\\d.deid", "règles/é.deid"];
    const diagnostics = files.map((file): Diagnostic => ({ ...lastLineInfo, file }));
    const log = buildSarifLog(diagnostics, new Map(), tool);
    expectValid(log);
    expect(runOf(log).artifacts.map((a) => a.location.uri)).toEqual([
      "rules/sub%20dir/a%231.deid",
      "rules/b.deid",
      "file:///etc/deid/c.deid",
      "file:///C:/deid/d.deid",
      "r%C3%A8gles/%C3%A9.deid",
    ]);
  });
});

describe("pathToUri", () => {
  test.each([
    ["rules/site.deid", "rules/site.deid"],
    ["rules\\site.deid", "rules/site.deid"],
    ["././site.deid", "site.deid"],
    ["../shared/site.deid", "../shared/site.deid"],
    ["a:b.deid", "a%3Ab.deid"],
    ["/abs/site.deid", "file:///abs/site.deid"],
    ["//server/share/site.deid", "file://server/share/site.deid"],
    ["d:/x/site.deid", "file:///d:/x/site.deid"],
  ])("%s -> %s", (path, uri) => {
    expect(pathToUri(path)).toBe(uri);
  });
});
