import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CrosswalkCollector, csvField } from "../../src/run/crosswalk";
import { tempDir } from "./helpers";

describe("CrosswalkCollector", () => {
  it("keeps pairs of written objects only, sorted and deduplicated", async () => {
    const c = new CrosswalkCollector();
    c.patientId("P2", "N2");
    c.uid("1.2.9", "2.25.9");
    c.commitObject();
    c.patientId("REJECTED", "NX");
    c.discardObject();
    c.patientId("P1", "N1");
    c.patientId("P2", "N2");
    c.uid("1.2.3", "2.25.3");
    c.uid("1.2.9", "2.25.9");
    c.commitObject();
    expect(c.patientIdPairs()).toEqual([
      ["P1", "N1"],
      ["P2", "N2"],
    ]);
    expect(c.uidPairs()).toEqual([
      ["1.2.3", "2.25.3"],
      ["1.2.9", "2.25.9"],
    ]);
    const dir = join(tempDir(), "cw");
    await c.write(dir);
    expect(readFileSync(join(dir, "patient-ids.csv"), "utf8")).toBe("original_patient_id,new_patient_id\nP1,N1\nP2,N2\n");
    expect(readFileSync(join(dir, "uids.csv"), "utf8")).toBe("original_uid,new_uid\n1.2.3,2.25.3\n1.2.9,2.25.9\n");
    expect(statSync(join(dir, "uids.csv")).mode & 0o777).toBe(0o600);
  });

  it("quotes fields as RFC 4180 requires", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField(" padded ")).toBe('" padded "');
  });
});
