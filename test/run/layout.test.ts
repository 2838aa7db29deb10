import { describe, expect, it } from "vitest";
import type { InputFile } from "../../src/run/inputs";
import { outputPathFor, sanitizeSegment } from "../../src/run/layout";

const input: InputFile = { kind: "file", display: "in/DOE^JOHN/1.dcm", canonical: "/x/in/DOE^JOHN/1.dcm", mirrorPath: "DOE^JOHN/1.dcm", root: 0, size: 1 };
const record = { input: input.display, outcome: "written" as const, touched: [], warnings: [] };

describe("sanitizeSegment", () => {
  it("passes UIDs and typical pseudonyms unchanged", () => {
    expect(sanitizeSegment("2.25.123456789")).toBe("2.25.123456789");
    expect(sanitizeSegment("XYZ301-1001")).toBe("XYZ301-1001");
  });
  it("replaces what file systems or shells mishandle", () => {
    expect(sanitizeSegment("ANON^1/2 \\x:*?")).toBe("ANON_1_2__x___");
    expect(sanitizeSegment("..")).toBe("_..");
    expect(sanitizeSegment(".hidden")).toBe("_.hidden");
    expect(sanitizeSegment("")).toBe("_");
    expect(sanitizeSegment("NUL")).toBe("_NUL");
    expect(sanitizeSegment("com1.txt")).toBe("_com1.txt");
    expect(sanitizeSegment("x".repeat(300))).toHaveLength(120);
  });
});

describe("outputPathFor", () => {
  it("mirror keeps the input's relative path", () => {
    expect(outputPathFor("mirror", input, record)).toEqual({ path: "DOE^JOHN/1.dcm" });
  });
  it("patient/study/series names folders after the new identifiers only", () => {
    const full = { ...record, newPatientId: "ANON 7", newStudyUid: "2.25.1", newSeriesUid: "2.25.2", newSopInstanceUid: "2.25.3" };
    expect(outputPathFor("patient/study/series", input, full)).toEqual({ path: "ANON_7/2.25.1/2.25.2/2.25.3.dcm" });
    expect(outputPathFor("patient/study/series", input, { ...record, newSopInstanceUid: "2.25.3" })).toEqual({ path: "no-patient-id/no-study-uid/no-series-uid/2.25.3.dcm" });
    expect(outputPathFor("patient/study/series", input, record)).toEqual({ problem: expect.stringMatching(/no SOP Instance UID/) });
  });
});
