// Review finding: `deidc explain` left out every attribute whose rules are all
// conditional. A profile that is not based on another (no `* -> K` behind its
// rules) and puts its rules in a `when` block explained nothing of them,
// though explain is where the joined condition of a block is meant to show.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import { explainProgram } from "../../src/ir/explain";

describe("explain of attributes decided only under a condition", () => {
  it("lists them with the default action and the joined conditions", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-review-explain-"));
    const path = join(dir, "p.deid");
    writeFileSync(
      path,
      'deid 1\n\nprofile r.explain "review"\n\nwhen Modality == "CT" {\n  StationName -> "ST"\n  (0009,"GEMS_IDEN_01",02) -> keep when Rows == 128 because "suite id"\n}\nPatientName -> remove\n',
    );
    const ir = compileProfile(path).ir!;
    const rows = explainProgram(ir);
    const station = rows.find((r) => r.keyword === "StationName");
    expect(station).toBeDefined();
    expect(station!.action).toBe("K (no rule)");
    expect(station!.conditional).toEqual([`"ST" when Modality == "CT" (${path}:6)`]);
    const privateRow = rows.find((r) => r.tag === '(0009,"GEMS_IDEN_01",02)');
    expect(privateRow?.action).toBe("X (no rule)");
    expect(privateRow?.conditional[0]).toContain('K when Modality == "CT" and Rows == 128');
    expect(rows.find((r) => r.keyword === "PatientName")).toMatchObject({ action: "X", conditional: [] });
  });
});
