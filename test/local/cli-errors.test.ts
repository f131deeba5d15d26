import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engageInProcess, envelopeLine, runCli, shippedCampaigns, temporaryDirectory } from "./run-cli.ts";

const root = temporaryDirectory("cli");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const events = join(root, "events.jsonl");
writeFileSync(
  events,
  envelopeLine("e1", "customer.signed_up", "2026-03-01T10:00:00Z", {
    customerId: "c1",
    email: "c1@example.com",
  }),
);

describe("engage reports a bad command line in one line, with no stack trace", () => {
  const cases: [string, string[], number, string][] = [
    [
      "a missing events file",
      ["simulate", join(root, "missing.jsonl")],
      2,
      `engage simulate: cannot read ${join(root, "missing.jsonl")}: no such file or directory`,
    ],
    [
      "a directory instead of the events file",
      ["simulate", root],
      2,
      `engage simulate: cannot read ${root}: expected a JSON Lines file of events, not a directory`,
    ],
    [
      "an --out that cannot be written (a directory)",
      ["simulate", events, "--out", root],
      2,
      `engage simulate: --out ${root}: cannot write: is a directory`,
    ],
    [
      "an --out in a folder that does not exist",
      ["simulate", events, "--out", join(root, "nowhere", "out.jsonl")],
      2,
      `engage simulate: --out ${join(root, "nowhere", "out.jsonl")}: cannot write: no such file or directory`,
    ],
    ["an unknown flag", ["simulate", events, "--bogus"], 2, "engage simulate: Unknown option '--bogus'"],
    [
      "a flag without its value",
      ["simulate", events, "--until"],
      2,
      "engage simulate: Option '--until <value>' argument missing",
    ],
    [
      "an --until that is not a date-time",
      ["simulate", events, "--until", "tomorrow"],
      2,
      '--until: expected an ISO date-time such as 2026-05-01T00:00:00Z, got "tomorrow"',
    ],
    [
      "an --until on a day that does not exist",
      ["simulate", events, "--until", "2026-02-30T00:00:00Z"],
      2,
      '--until: expected an ISO date-time such as 2026-05-01T00:00:00Z, got "2026-02-30T00:00:00Z"',
    ],
    [
      "a missing campaign directory",
      ["simulate", events, "--campaigns", join(root, "none")],
      2,
      `engage simulate: cannot read the campaign directory ${join(root, "none")}: no such file or directory`,
    ],
    [
      "validate of a missing directory",
      ["validate", join(root, "none")],
      2,
      `engage validate: cannot read the campaign directory ${join(root, "none")}: no such file or directory`,
    ],
    [
      "validate with an unknown flag",
      ["validate", "--strict"],
      2,
      "engage validate: Unknown option '--strict'",
    ],
    ["two events files", ["simulate", events, events], 2, "engage simulate: expected one events file, got 2"],
    [
      "no events file",
      ["simulate", "--examples"],
      2,
      "engage simulate: expected one events file, got none (engage simulate --help)",
    ],
  ];

  it.each(cases)("%s", (_, argv, exitCode, line) => {
    expect(engageInProcess(...argv)).toEqual({ exitCode, stderr: `${line}\n`, stdout: "" });
  });

  it("lists each problem of an invalid campaign directory with its file, then exits 1", () => {
    const dir = join(root, "broken");
    mkdirSync(dir);
    writeFileSync(join(dir, "engine.json"), "{");
    const { exitCode, stderr } = engageInProcess("simulate", events, "--campaigns", dir);
    expect(exitCode).toBe(1);
    expect(stderr).toContain(`${join(dir, "engine.json")}: `);
    expect(stderr).toMatch(/engage simulate: \d+ problem\(s\) in the campaign files\n$/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("has no stack trace when run as a program either", () => {
    const result = runCli(["simulate", join(root, "missing.jsonl"), "--campaigns", shippedCampaigns(root)]);
    expect([result.status, result.stderr]).toEqual([
      2,
      `engage simulate: cannot read ${join(root, "missing.jsonl")}: no such file or directory\n`,
    ]);
  });
});

describe("help", () => {
  it("--help or -h after a command prints that command's usage on stdout and exits 0", () => {
    expect(engageInProcess("simulate", "--help")).toEqual({
      exitCode: 0,
      stderr: "",
      stdout:
        "usage:\n  engage simulate <events.jsonl> [--campaigns DIR] [--until ISO] [--out FILE] [--examples]\n" +
        "                  [--max-days-from-bulk DAYS]\n",
    });
    expect(engageInProcess("dev", "-h")).toEqual({
      exitCode: 0,
      stderr: "",
      stdout: "usage:\n  engage dev [--port 4010] [--speed N] [--data DIR] [--campaigns DIR]\n",
    });
    expect(engageInProcess("validate", "campaigns", "--help").stdout).toBe(
      "usage:\n  engage validate [DIR]\n",
    );
  });

  it("engage --help, -h or help prints every command on stdout and exits 0; no command is still an error", () => {
    for (const flag of ["--help", "-h", "help"]) {
      const { exitCode, stdout, stderr } = engageInProcess(flag);
      expect([exitCode, stderr]).toEqual([0, ""]);
      for (const command of ["dev", "start", "simulate", "validate", "diff"])
        expect(stdout).toContain(`  engage ${command} `);
    }
    const none = engageInProcess();
    expect([none.exitCode, none.stdout]).toEqual([2, ""]);
    expect(none.stderr).toMatch(/^usage:\n/);
    expect(engageInProcess("bogus", "--help").exitCode).toBe(2);
  });
});

describe("rejected lines", () => {
  it("lists the first 100 and counts the rest, so a file of garbage does not fill the memory", () => {
    const garbage = join(root, "garbage.jsonl");
    writeFileSync(
      garbage,
      `${"x\n".repeat(5000)}${envelopeLine("e1", "app.opened", "2026-03-01T10:00:00Z", { customerId: "c1" })}\n`,
    );
    const { exitCode, stderr } = engageInProcess("simulate", garbage);
    expect(exitCode).toBe(0);
    const listed = stderr.split("\n").filter((line) => line.startsWith("rejected line "));
    expect(listed).toHaveLength(100);
    expect(listed[0]).toMatch(/^rejected line 1: \(line\): expected valid JSON/);
    expect(stderr).toContain("… and 4900 more rejected lines (the first 100 are listed)\n");
    expect(stderr).toContain("1 events (1 customers), 0 duplicate deliveries dropped, 5000 rejected,");
  });
});
