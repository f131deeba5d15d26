import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { envelopeLine, runCli, temporaryDirectory } from "./run-cli.ts";

const root = temporaryDirectory("horizon");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const customerLines = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    envelopeLine(
      `e${i}`,
      "customer.signed_up",
      `2026-03-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`,
      {
        customerId: `c${i}`,
        email: `c${i}@example.com`,
        timezone: "Europe/Paris",
      },
    ),
  );

describe("engage simulate keeps its virtual clock near the stream", () => {
  it("rejects one line dated 9999 (and one dated 0001) with a reason and finishes fast", () => {
    const events = join(root, "far.jsonl");
    const lines = customerLines(20);
    lines.splice(5, 0, envelopeLine("far", "app.opened", "9999-12-31T00:00:00Z", { customerId: "c1" }));
    lines.splice(9, 0, envelopeLine("old", "app.opened", "0001-01-01T00:00:00Z", { customerId: "c2" }));
    writeFileSync(events, lines.join("\n"));
    const started = performance.now();
    const result = runCli(["simulate", events], 60_000);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(result.stderr).toContain(
      "rejected line 6 (far app.opened): time: expected a time within 366 days of the middle half of the stream's event times (2026-03-",
    );
    expect(result.stderr).toContain("not 9999-12-31T00:00:00.000Z");
    expect(result.stderr).toContain("rejected line 10 (old app.opened): time:");
    expect(result.stderr).toContain("2 rejected, ignored: none; simulated to 2026-04-19T10:00:00.000Z");
  });

  it("takes the allowed distance from --max-days-from-bulk", () => {
    const events = join(root, "spread.jsonl");
    const lines = customerLines(5);
    lines.push(envelopeLine("later", "app.opened", "2026-06-01T00:00:00Z", { customerId: "c1" }));
    writeFileSync(events, lines.join("\n"));
    const narrow = runCli(["simulate", events, "--max-days-from-bulk", "30"]);
    expect(narrow.stderr).toContain(
      "rejected line 6 (later app.opened): time: expected a time within 30 days",
    );
    const wide = runCli(["simulate", events, "--max-days-from-bulk", "120"]);
    expect(wide.stderr).toContain("0 rejected");
  });

  it("refuses an --until far past the last event, and a bad --max-days-from-bulk", () => {
    const events = join(root, "until.jsonl");
    writeFileSync(events, customerLines(3).join("\n"));
    const far = runCli(["simulate", events, "--until", "9999-01-01T00:00:00Z"]);
    expect([far.status, far.stderr]).toEqual([
      2,
      '--until: expected at most 366 days after the last event (2027-03-04T10:00:00.000Z), got "9999-01-01T00:00:00Z"\n',
    ]);
    const bad = runCli(["simulate", events, "--max-days-from-bulk", "0"]);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      '--max-days-from-bulk: expected a whole number of days (1 or more), got "0"\n',
    ]);
  });
});
