// The commander definition: flags reach runCommand as RunCliOptions, and the
// exit code comes back through setExit.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { defineRunCommand } from "../../src/cli/run-command";
import { put, readValidReport, TEST_KEY, tempDir } from "./helpers";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("defineRunCommand", () => {
  it("parses the flags and runs the batch", async () => {
    vi.stubEnv("DEID_KEY", TEST_KEY);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const dir = tempDir();
    const input = put(join(dir, "in", "notes.txt"), "not DICOM");
    const out = join(dir, "out");
    const report = join(dir, "r.jsonl");
    let code = -1;
    const program = new Command("deidc").exitOverride();
    defineRunCommand(program, (c) => (code = c));
    await program.parseAsync(["node", "deidc", "run", "ps315.basic", join(dir, "in"), "-o", out, "--report", report, "--with", "ps315.retain-uids,ps315.retain-device-identity", "-j", "3", "--no-progress"]);

    expect(code).toBe(1);
    const lines = readValidReport(report) as Record<string, unknown>[];
    expect(lines[0]).toMatchObject({ input, outcome: "failed" });
    expect(lines[1]).toMatchObject({ summary: { options: ["ps315.retain-uids", "ps315.retain-device-identity"] } });
    const printed = stderr.mock.calls.map((c) => String(c[0])).join("");
    expect(printed).toContain(`deidc: ${input}: not a DICOM file`);
    expect(printed).not.toContain("\r");
    expect(printed).not.toContain(TEST_KEY);
    expect(readFileSync(report, "utf8")).not.toContain(TEST_KEY);
  });

  it("refuses an unknown layout through commander's choices", async () => {
    const program = new Command("deidc").exitOverride().configureOutput({ writeErr: () => undefined });
    defineRunCommand(program, () => undefined).exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(program.parseAsync(["node", "deidc", "run", "ps315.basic", "in", "-o", "out", "--layout", "flat"])).rejects.toThrow(/flat/);
  });
});
