// Review finding: `deidc explain` gave a tag range's row the range's own rule even when an earlier,
// wider unconditional range decides every tag of it (the lint warns, DEID3003), and a mask's row
// the rule of the mask's first tag only. The rows must say what the executor does; the last test
// runs the executor and holds explain's rows against its output.

import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { explainProgram, type ExplainRow } from "../../src/ir/explain";
import { planModuleFunction } from "../../src/codegen/in-memory";
import { instantiatePlanModule } from "../../src/codegen/instantiate";
import { COMPILER_VERSION } from "../../src/ir/build";
import { CORPUS_DIR, TEST_KEY, buildPart10, compile, executorFor, loadCorpusFile, walkBytes, type BuiltElement } from "../executor/helpers";

function profileFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "deidc-review-explain-ranges-"));
  const path = join(dir, "p.deid");
  writeFileSync(path, `deid 1\n\nprofile r.ranges "ranges"\n  based on ps315.basic\n\n${body}\n`);
  return path;
}

const RANGES = [
  '(0019,1000)..(0019,10FF) -> keep because "acquisition parameters"', // line 6
  '(0019,1010)..(0019,101F) -> remove because "scan locations"', // line 7: inside line 6, never decides
  '(0009,1000)..(0009,100F) -> keep because "product identity"', // line 8
  '(0009,1000)..(0009,10FF) -> remove because "the rest of the block"', // line 9
  '(0011,1000)..(0011,10FF) -> empty when Modality == "MR"', // line 10
].join("\n");

describe("explain of tag ranges and masks", () => {
  const path = profileFile(RANGES);
  const rows = explainProgram(compileProfile(path).ir!);
  const row = (tag: string): ExplainRow => rows.find((r) => r.tag === tag)!;

  it("gives a range inside an earlier, wider unconditional range the wider range's action", () => {
    expect(row("(0019,1010)..(0019,101F)")).toMatchObject({ action: "K", because: "acquisition parameters", source: `p.deid:6`, selector: "(0019,1000)..(0019,10FF)", conditional: [] });
    expect(row("(0019,1000)..(0019,10FF)")).toMatchObject({ action: "K", source: `p.deid:6`, selector: null, conditional: [] });
  });

  it("notes an earlier, narrower range on the wider range's row", () => {
    expect(row("(0009,1000)..(0009,10FF)")).toMatchObject({ action: "X", source: `p.deid:9`, conditional: [`K for (0009,1000)..(0009,100F) (p.deid:8)`] });
  });

  it("gives a range whose only rule is conditional the rule that decides when the condition fails", () => {
    expect(row("(0011,1000)..(0011,10FF)")).toMatchObject({ action: "X", unit: "ps315.basic", selector: "private *", conditional: [`Z when Modality == "MR" (p.deid:10)`] });
  });

  it("decides a mask's row for all its tags, not for its first tag", () => {
    const p = profileFile("(6000,3000) -> keep because \"the first overlay is a ruler\"\n(60xx,3000) -> remove");
    const mask = explainProgram(compileProfile(p).ir!).find((r) => r.tag === "(60xx,3000)")!;
    expect(mask).toMatchObject({ action: "X", source: `p.deid:7`, conditional: [`K for (6000,3000) OverlayData (p.deid:6)`] });
  });

  it("shows a range behind an earlier unconditional mask, and a private block the raw range may hold", () => {
    const p = profileFile('(0021,1000)..(0021,10FF) -> remove\n(0021,xxxx) -> keep because "group 21"\n(0023,"ACME",xx) -> keep because "acme"\n(0023,1000)..(0023,10FF) -> remove');
    const all = explainProgram(compileProfile(p).ir!);
    // a mask ranks above a range: it decides every tag of the group
    expect(all.find((r) => r.tag === "(0021,1000)..(0021,10FF)")).toMatchObject({ action: "K", source: `p.deid:7`, selector: "(0021,xxxx)" });
    // the block ranks above the range, and sits in its tags when ACME reserved block 10
    expect(all.find((r) => r.tag === "(0023,1000)..(0023,10FF)")).toMatchObject({ action: "X", conditional: [`K for (0023,"ACME",xx) (p.deid:8)`] });
    expect(all.find((r) => r.tag === '(0023,"ACME",xx)')).toMatchObject({ action: "K", conditional: [] });
  });

  it("notes on a `vr` row the attributes of those VRs that a rule names on its own first", () => {
    const p = profileFile('StudyDate -> coarsen(year)\nvr DA, DT -> shift(-3)\nSeriesDescription -> remove');
    const vrRow = explainProgram(compileProfile(p).ir!).find((r) => r.tag === "vr DA, DT")!;
    expect(vrRow).toMatchObject({ action: "shift(-3)", source: "p.deid:7", conditional: ["coarsen(year) for (0008,0020) StudyDate (p.deid:6)"] });
  });

  it("never gives a private row to a `vr` rule, which decides standard attributes only", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-review-explain-vr-"));
    writeFileSync(join(dir, "base.deid"), 'deid 1\nprofile t.base "base"\n  based on ps315.basic\n(0029,"SIEMENS CSA HEADER",10) -> keep because "csa"\n(0029,11xx) -> keep because "raw"\n');
    writeFileSync(join(dir, "top.deid"), 'deid 1\nimport "base.deid"\nprofile t.top "top"\n  based on t.base\nvr UN, OB -> remove\n');
    const all = explainProgram(compileProfile(join(dir, "top.deid")).ir!);
    expect(all.find((r) => r.tag === '(0029,"SIEMENS CSA HEADER",10)')).toMatchObject({ action: "K", source: "base.deid:4", conditional: [] });
    const raw = all.find((r) => r.tag === "(0029,11xx)")!;
    expect(raw).toMatchObject({ action: "K", source: "base.deid:5" });
    expect(raw.conditional.filter((c) => c.includes("vr "))).toEqual([]);
  });
});

/** What explain says decides this raw tag: a range row's `for (a)..(b)` note that holds it, else the row. */
function explainFor(rows: ExplainRow[], tag: number): { action: string; source: string; row: string } | undefined {
  const parse = (text: string): [number, number] | null => {
    const m = /^\((\w{4}),(\w{4})\)\.\.\((\w{4}),(\w{4})\)$/.exec(text);
    return m ? [parseInt(m[1]! + m[2]!, 16), parseInt(m[3]! + m[4]!, 16)] : null;
  };
  // the narrowest range row that holds the tag: that is the row a reader looks the tag up in
  const candidates = rows
    .map((r) => ({ r, range: parse(r.tag) }))
    .filter((c): c is { r: ExplainRow; range: [number, number] } => c.range !== null && c.range[0] <= tag && tag <= c.range[1])
    .sort((a, b) => a.range[1] - a.range[0] - (b.range[1] - b.range[0]));
  const found = candidates[0];
  if (!found) return undefined;
  for (const note of found.r.conditional) {
    const m = /^(.+) for (\(\w{4},\w{4}\)\.\.\(\w{4},\w{4}\)) \((.+)\)$/.exec(note);
    const range = m ? parse(m[2]!) : null;
    if (m && range && range[0] <= tag && tag <= range[1]) return { action: m[1]!, source: m[3]!, row: found.r.tag };
  }
  return { action: found.r.action, source: found.r.source, row: found.r.tag };
}

const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });

/** A CT object with two GE private blocks, as CT_small.dcm has them. */
const CONSTRUCTED = buildPart10([
  text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.2"),
  text(0x00080018, "UI", "1.2.826.0.1.3680043.2.1125.7"),
  text(0x00080060, "CS", "CT"),
  text(0x00090010, "LO", "GEMS_IDEN_01"),
  text(0x00091001, "LO", "GE_GENESIS_FF"),
  text(0x00091002, "SH", "CT01"),
  text(0x00091027, "SH", "862399669"),
  text(0x00100010, "PN", "Doe^John"),
  text(0x00100020, "LO", "PID12345"),
  text(0x00190010, "LO", "GEMS_ACQU_01"),
  text(0x00191002, "DS", "912"),
  text(0x00191018, "LO", "S"),
  text(0x0019101b, "DS", "-320.197968"),
  text(0x00191030, "DS", "1"),
  text(0x0020000d, "UI", "1.2.826.0.1.3680043.2.1125.100"),
  text(0x0020000e, "UI", "1.2.826.0.1.3680043.2.1125.101"),
]);
const CT_SMALL = CORPUS_DIR ? join(CORPUS_DIR, "pydicom-debian/CT_small.dcm") : "";

describe("explain agrees with the executor on ranges", () => {
  const path = profileFile(RANGES);
  const rows = explainProgram(compileProfile(path).ir!);
  const inputs: [string, () => Uint8Array][] = [["constructed", () => CONSTRUCTED]];
  if (CT_SMALL && existsSync(CT_SMALL)) inputs.push(["CT_small.dcm", () => loadCorpusFile(CT_SMALL)]);
  // the reference interpreter, and the generated plan `deidc run` executes
  const cases = inputs.flatMap(([name, load]) => [
    [name, "createExecutor", load] as const,
    [name, "generated plan", load] as const,
  ]);

  it.each(cases)("%s, %s: every element in a range row is decided as its row says", (_name, how, load) => {
    const input = load();
    const ir = compile(path);
    const executor =
      how === "createExecutor"
        ? executorFor(ir)
        : instantiatePlanModule(planModuleFunction(ir, COMPILER_VERSION), ir).createProcessor({ secrets: new Map(), params: new Map(), tables: new Map(), runKey: TEST_KEY });
    const result = executor.process(input, "in.dcm");
    expect(result.record.outcome).toBe("written");
    const output = walkBytes(result.output!).elements;
    const touched = new Map(result.record.touched.map((t) => [t.path, t]));
    let checked = 0;
    for (const e of walkBytes(input).elements) {
      if (e.depth !== 0) continue;
      const said = explainFor(rows, e.tag);
      if (!said) continue;
      const t = touched.get(e.path);
      const kept = output.find((o) => o.path === e.path);
      if (said.action === "K") {
        expect(t, `${e.path}: explain row ${said.row} says K`).toBeUndefined();
        expect(kept?.text ?? null, `${e.path}: explain row ${said.row} says K`).toBe(e.text);
      } else {
        expect(t?.action, `${e.path}: explain row ${said.row} says ${said.action}`).toBe(said.action);
        expect(t?.rule ? `${t.rule.file}:${t.rule.line}` : null, `${e.path}: explain row ${said.row}`).toBe(said.source);
        expect(kept).toBeUndefined();
      }
      checked++;
    }
    // the constructed object has 3 elements of each GE block in the rows' ranges; CT_small has more, and a GEMS_PATI_01 block in group 0011
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});
