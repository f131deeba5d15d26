import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { loadCampaignSummaries, sweptCampaignIds } from "../../infra/campaign-config.ts";
import type { DevRuntime } from "../../local/dev/runtime.ts";
import { heldSmsState } from "../support/held-sms.ts";

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
});
vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });
const { startDevRuntime } = await import("../../local/dev/runtime.ts");

let runtime: DevRuntime | undefined;
let campaignsDir: string | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  if (campaignsDir) rmSync(campaignsDir, { recursive: true, force: true });
});

/** The sample's campaigns without the swept ones: every campaign event-triggered. */
function eventOnlyCampaigns(): string {
  const dir = mkdtempSync(join(tmpdir(), "engage-event-only-"));
  cpSync("campaigns", dir, { recursive: true });
  const swept = sweptCampaignIds(loadCampaignSummaries("campaigns"));
  expect(swept.length).toBeGreaterThan(0);
  for (const id of swept) rmSync(join(dir, `${id}.json`));
  expect(sweptCampaignIds(loadCampaignSummaries(dir))).toEqual([]);
  return dir;
}

describe("engage dev with no swept campaign", () => {
  it("sends an SMS held by quiet hours at the first hourly sweep after they end, once", async () => {
    campaignsDir = eventOnlyCampaigns();
    const start = Date.parse("2026-03-02T00:00:00Z");
    runtime = await startDevRuntime({ port: 0, replay: true, start, campaignsDir });
    // Released to the outbox at 20:00 in Paris, deferred to 08:00 local (07:00Z), filed there as
    // sweepDueAt files a released entry.
    const decided = Date.parse("2026-03-01T19:00:00Z");
    const notBefore = Date.parse("2026-03-02T07:00:00Z");
    const store = new DynamoDbCustomerStateStore(runtime.clients.dynamodb, "engage-customer-state", {
      dueAt: () => notBefore,
    });
    await store.save(heldSmsState("c-held", decided, notBefore), 0);
    // The SNS stand-in's record, and the message.sent the run that sends it publishes.
    const published = vi.spyOn(runtime.recorder, "publish");
    await runtime.advanceTo(notBefore - 60_000);
    expect(published).not.toHaveBeenCalled();
    await runtime.advanceTo(notBefore + 60_000);
    expect(published.mock.calls).toEqual([[expect.objectContaining({ to: "+33612345678" })]]);
    await runtime.advanceTo(notBefore + 4 * 3_600_000);
    expect(published).toHaveBeenCalledTimes(1);
    expect(runtime.recorder.sent).toEqual([
      expect.objectContaining({
        customerId: "c-held",
        campaignId: "cart-abandonment",
        stepId: "second-reminder-sms",
        channel: "sms",
        // When it went, at the end of quiet hours; the decision's time stays the line's.
        sentAt: new Date(notBefore).toISOString(),
        line: expect.objectContaining({ at: new Date(decided).toISOString() }),
      }),
    ]);
    expect((await store.load("c-held")).state.outbox).toEqual([]);
  });
});
