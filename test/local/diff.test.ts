import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { campaignDirectory, engageInProcess, envelopeLine, temporaryDirectory } from "./run-cli.ts";

const root = temporaryDirectory("diff");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const welcome = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "campaigns", "welcome.json"), "utf8"),
);
delete welcome.$schema;
const dir = (name: string, campaigns: Record<string, unknown>[]) => {
  const at = join(root, name);
  mkdirSync(at);
  return campaignDirectory(at, {}, campaigns);
};
const oldDir = dir("old", [welcome]);
// Two steps inserted before the first: journeys mid-way continue from their own step.
const insertedDir = dir("inserted", [
  {
    ...welcome,
    steps: [
      { id: "hello-email", type: "send", channel: "email", template: "welcome" },
      { id: "wait-1d", type: "wait", duration: "P1D" },
      ...welcome.steps,
    ],
  },
]);
// bestsellers-email removed: journeys waiting for it stop.
const removedDir = dir("removed", [
  { ...welcome, steps: welcome.steps.filter((s: { id: string }) => s.id !== "bestsellers-email") },
]);

// Four sign-ups in Paris, inside the email send window: c1..c3 wait for bestsellers-email at the end of the stream, c4 for the offer.
const events = join(root, "events.jsonl");
writeFileSync(
  events,
  [
    envelopeLine("e0", "customer.signed_up", "2026-03-01T10:00:00Z", {
      customerId: "c4",
      email: "c4@example.com",
      timezone: "Europe/Paris",
    }),
    ...["c1", "c2", "c3"].map((id, i) =>
      envelopeLine(`e${i + 1}`, "customer.signed_up", `2026-03-04T10:0${i}:00Z`, {
        customerId: id,
        email: `${id}@example.com`,
        timezone: "Europe/Paris",
      }),
    ),
  ].join("\n"),
);

const rows = (text: string) => text.split("\n").map((line) => line.split(/\s{2,}/));

describe("engage diff OLD NEW --events FILE", () => {
  it("steps inserted before: every running journey continues, the same messages go", () => {
    const { exitCode, stdout } = engageInProcess("diff", oldDir, insertedDir, "--events", events);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(
      "4 journeys of 4 customers running at the end of the stream (2026-03-04T10:02:00.000Z)",
    );
    expect(rows(stdout)).toContainEqual(["welcome", "bestsellers-email", "3", "continues", "c1 c2 c3"]);
    expect(rows(stdout)).toContainEqual(["welcome", "first-order-offer-email", "1", "continues", "c4"]);
    expect(rows(stdout)).toContainEqual(["welcome", "bestsellers-email", "3", "3", "same", "-"]);
    expect(stdout).not.toContain("hello-email");
  });

  it("the waiting step removed: those journeys stop, and their messages are counted as lost, with examples", () => {
    const { exitCode, stdout } = engageInProcess("diff", oldDir, removedDir, "--events", events);
    expect(exitCode).toBe(0);
    expect(rows(stdout)).toContainEqual([
      "welcome",
      "bestsellers-email",
      "3",
      "stops: campaign_changed",
      "c1 c2 c3",
    ]);
    expect(rows(stdout)).toContainEqual(["welcome", "bestsellers-email", "3", "0", "-3", "c1 c2 c3"]);
    expect(rows(stdout)).toContainEqual(["welcome", "first-order-offer-email", "4", "1", "-3", "c1 c2 c3"]);
  });

  const failures: [string, string[], string][] = [
    ["one directory", ["diff", "x"], "engage diff: expected two campaign directories (old, then new), got 1"],
    [
      "no events",
      ["diff", "a", "b"],
      "engage diff: --events: expected the JSON Lines file of events to replay",
    ],
    [
      "a missing directory",
      ["diff", join(root, "nope"), "b", "--events", "e"],
      "engage diff: cannot read the old campaign directory",
    ],
    [
      "a missing events file",
      ["diff", "campaigns", "campaigns", "--events", join(root, "nope.jsonl")],
      "no such file or directory",
    ],
  ];
  it.each(failures)("%s: one clear line, no stack", (_, argv, message) => {
    const { exitCode, stderr } = engageInProcess(...argv);
    expect(exitCode).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
