import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { campaignDirectory, envelopeLine, runCli, temporaryDirectory } from "./run-cli.ts";

const root = temporaryDirectory("dst");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("engage simulate across a daylight-saving gap", () => {
  it("sends an SMS deferred by quiet hours that end at 02:30, a time New York skips on 2026-03-08", () => {
    const campaigns = campaignDirectory(
      root,
      { quietHours: { start: "21:00", end: "02:30", channels: ["sms"] } },
      [
        {
          id: "probe",
          name: "Probe",
          kind: "marketing",
          triggers: [{ type: "event", event: "app.opened" }],
          steps: [{ id: "send", type: "send", channel: "sms", template: "t" }],
          templates: { t: { body: "Hi" } },
        },
      ],
    );
    const events = join(root, "events.jsonl");
    writeFileSync(
      events,
      [
        envelopeLine("e1", "customer.signed_up", "2026-03-01T12:00:00Z", {
          customerId: "c1",
          phone: "+12125550123",
          smsOptIn: true,
          timezone: "America/New_York",
        }),
        // 01:00 EST, inside quiet hours; they end when the clock jumps from 02:00 to 03:00 EDT.
        envelopeLine("e2", "app.opened", "2026-03-08T06:00:00Z", { customerId: "c1" }),
      ].join("\n"),
    );
    const result = runCli(
      ["simulate", events, "--campaigns", campaigns, "--until", "2026-03-09T00:00:00Z"],
      30_000,
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        at: "2026-03-08T07:00:00.000Z",
        campaign: "probe",
        step: "send",
        customerId: "c1",
        channel: "sms",
        status: "sent",
        template: "t",
        to: "+12125550123",
        deferredFrom: "2026-03-08T06:00:00.000Z",
      },
    ]);
  });
});
