import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import { RetryableError } from "../../functions/adapters/errors.ts";
import { handler, useRuntime } from "../../functions/handlers/sweep.ts";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { ENV, useHandlerRuntime } from "./handler-runtime.ts";

const rt = useHandlerRuntime();

// Last orders on 2025-12-01 (local): 90 local days later is 2026-03-01, win-back's day, at 10:00 local.
const LAST_ORDER = "2025-12-01T09:30:00Z";

beforeAll(async () => {
  useRuntime({
    deps: rt.deps,
    scan: dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE, { pageSize: 2 }),
    options: { segments: 2, concurrency: 2 },
  });
  const customer = async (customerId: string, timezone: string, orderAt: string) => {
    rt.clock.now = Date.parse(orderAt);
    await rt.ingest({
      ...customerSignedUp(customerId, "2025-11-01T12:00:00Z", { timezone }),
      id: `${customerId}-signup`,
    });
    await rt.ingest({
      ...orderPlaced(customerId, orderAt, { items: [{ productId: "p1", price: 30 }] }),
      id: `${customerId}-order`,
    });
  };
  await customer("paris", "Europe/Paris", LAST_ORDER); // 10:00 local = 09:00Z in March
  await customer("new-york", "America/New_York", LAST_ORDER); // 10:00 local = 15:00Z
  await customer("recent", "Europe/Paris", "2025-12-02T09:30:00Z"); // 89 days on 2026-03-01
});

const sweepAt = async (time: string, campaignId = "win-back") => {
  rt.clock.now = Date.parse(time);
  return handler({ campaignId });
};

describe("sweep", () => {
  it("sends win-back only in the hour of 10:00 local, 90 local days after the last order, and once", async () => {
    expect(await sweepAt("2026-03-01T08:00:02Z")).toMatchObject({
      outcome: "swept",
      hour: "2026-03-01T08",
      scanned: 3,
      due: 0,
      messages: 0,
    });
    expect(rt.sentEmails()).toEqual([]);

    expect(await sweepAt("2026-03-01T09:00:02Z")).toMatchObject({
      eventId: "sweep:win-back:2026-03-01T09",
      scanned: 3,
      due: 1,
      applied: 1,
      messages: 1,
      failed: 0,
    });
    expect(rt.sentEmails()).toEqual([{ campaign: "win-back", customerId: "paris", to: "paris@example.com" }]);
    // The 14-day wait before the second email runs in the journey workflow.
    expect(rt.mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);

    // The same hour again (a retried or duplicated invocation): nothing more.
    expect(await sweepAt("2026-03-01T09:40:00Z")).toMatchObject({ due: 0, alreadyApplied: 1, messages: 0 });
    expect(rt.sentEmails()).toHaveLength(1);

    expect(await sweepAt("2026-03-01T10:00:02Z")).toMatchObject({ due: 0, messages: 0 });
    expect(await sweepAt("2026-03-01T15:00:02Z")).toMatchObject({ due: 1, messages: 1 });
    expect(rt.sentEmails().map((email) => email.customerId)).toEqual(["paris", "new-york"]);

    const paris = (await rt.store.load("paris")).state;
    expect(paris.appliedEvents).toContain("sweep:win-back:2026-03-01T09");
    expect(paris.outbox).toEqual([]);
  });

  it("sweeps the hour given as scheduledTime rather than the current one", async () => {
    rt.clock.now = Date.parse("2026-03-02T15:20:00Z");
    const outcome = await handler({ campaignId: "win-back", scheduledTime: "2026-03-02T09:00:00Z" });
    expect(outcome).toMatchObject({ hour: "2026-03-02T09", due: 1, messages: 1 });
    expect(rt.sentEmails()).toEqual([
      { campaign: "win-back", customerId: "recent", to: "recent@example.com" },
    ]);
  });

  it("rejects an unknown campaign, one without a schedule, and a bad input, without scanning", async () => {
    expect(await handler({ campaignId: "no-such-campaign" })).toMatchObject({ outcome: "rejected" });
    expect(await handler({ campaignId: "welcome" })).toEqual({
      outcome: "rejected",
      campaignId: "welcome",
      problems: "the campaign has no schedule trigger",
    });
    expect(await handler({})).toMatchObject({ outcome: "rejected", campaignId: undefined });
  });

  it('runs the claims\' sweep on { sweep: "claims" }, and rejects a bad claims input naming the field', async () => {
    rt.clock.now = Date.parse("2026-03-03T12:00:00Z");
    expect(await handler({ sweep: "claims", scheduledTime: "2026-03-03T11:00:00Z" })).toMatchObject({
      outcome: "claims swept",
      hour: "2026-03-03T11",
      failed: 0,
    });
    expect(await handler({ sweep: "claim" })).toEqual({
      outcome: "rejected",
      campaignId: undefined,
      problems: 'sweep: expected one of "claims"',
    });
    expect(await handler({ sweep: "claims", campaignId: "win-back" })).toMatchObject({
      outcome: "rejected",
      problems: '(root): expected no key "campaignId" (unknown field)',
    });
    expect(await handler({ sweep: "claims", scheduledTime: "yesterday" })).toMatchObject({
      outcome: "rejected",
      problems: expect.stringMatching(/^scheduledTime: expected a valid datetime/),
    });
    expect(rt.sentEmails()).toEqual([]);
  });

  it("fails the invocation when a customer's effect must be retried, and the retry finishes it", async () => {
    rt.clock.now = Date.parse("2025-12-03T09:30:00Z");
    await rt.ingest({
      ...customerSignedUp("late", "2025-11-01T12:00:00Z", { timezone: "Europe/Paris" }),
      id: "late-signup",
    });
    await rt.ingest({
      ...orderPlaced("late", "2025-12-03T09:30:00Z", { items: [{ productId: "p1", price: 30 }] }),
      id: "late-order",
    });
    rt.resetMocks();
    rt.mocks.ses.on(SendEmailCommand).rejectsOnce(throttled()).resolves({ MessageId: "later" });
    rt.clock.now = Date.parse("2026-03-03T09:00:05Z");

    await expect(handler({ campaignId: "win-back" })).rejects.toBeInstanceOf(RetryableError);
    expect((await rt.store.load("late")).state.outbox).toMatchObject([
      { kind: "message", campaign: "win-back" },
    ]);

    rt.clock.now = Date.parse("2026-03-03T09:01:05Z");
    expect(await handler({ campaignId: "win-back" })).toMatchObject({
      alreadyApplied: 1,
      finished: 1,
      due: 0,
    });
    expect((await rt.store.load("late")).state.outbox).toEqual([]);
    expect(rt.mocks.ses.commandCalls(SendEmailCommand)).toHaveLength(2);
  });
});

function throttled(): Error {
  const error = new Error("Maximum sending rate exceeded.");
  error.name = "TooManyRequestsException";
  Object.assign(error, { $metadata: { httpStatusCode: 429 }, $fault: "client" });
  return error;
}
