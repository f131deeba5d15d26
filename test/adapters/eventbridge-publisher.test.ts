import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { beforeEach, describe, expect, it } from "vitest";
import { PermanentError, RetryableError } from "../../functions/adapters/errors.ts";
import {
  AUDIT_SOURCE,
  auditEventOf,
  EventBridgeAuditPublisher,
} from "../../functions/adapters/eventbridge-publisher.ts";
import type { Decision, MessageDecision } from "../../functions/core/engine/decisions.ts";

const AT = "2026-03-02T10:00:00.000Z";
const sent: MessageDecision = {
  type: "message",
  journeyId: "cart-abandonment:c-0042:main:k-77",
  marketing: true,
  topic: "offers",
  body: "<p>Hi Ada, your Kettle is waiting</p>",
  line: {
    at: AT,
    campaign: "cart-abandonment",
    step: "first-reminder",
    customerId: "c-0042",
    channel: "email",
    status: "sent",
    template: "cart-reminder",
    to: "ada@example.com",
    subject: "Ada, your Kettle is waiting",
    productIds: ["p-kettle"],
  },
};
const suppressed: MessageDecision = {
  ...sent,
  line: { ...sent.line, status: "suppressed", reason: "frequency_cap", to: undefined },
};
const started: Decision = {
  type: "journey",
  change: "started",
  campaign: "cart-abandonment",
  journeyId: sent.journeyId,
  customerId: "c-0042",
  at: Date.parse(AT),
};
const exited: Decision = { ...started, change: "exited", exitEvent: "order.placed", conversion: true };
const notAudited: Decision[] = [
  { type: "wake", journeyId: sent.journeyId, customerId: "c-0042", at: 1 },
  { type: "interest", customerId: "c-0042", productIds: ["p-kettle"] },
];

describe("auditEventOf", () => {
  it("keeps ids and outcomes, drops the address, subject and body", () => {
    const event = auditEventOf(sent)!;
    expect(event).toEqual({
      type: "message.sent",
      at: Date.parse(AT),
      detail: {
        auditId: `${sent.journeyId}|first-reminder|sent`,
        journeyId: sent.journeyId,
        campaign: "cart-abandonment",
        step: "first-reminder",
        customerId: "c-0042",
        channel: "email",
        status: "sent",
        template: "cart-reminder",
        marketing: true,
        topic: "offers",
        productIds: ["p-kettle"],
      },
    });
    const text = JSON.stringify(event);
    for (const personal of ["ada@example.com", "Ada", "Kettle is waiting"])
      expect(text).not.toContain(personal);
  });

  it("a message sent later than decided keeps the decision's time and says when it went (sentAt)", () => {
    const held = Date.parse(AT) + 10 * 3_600_000;
    const event = auditEventOf({ ...sent, sentAt: held })!;
    expect(event.at).toBe(Date.parse(AT));
    expect(event.detail.sentAt).toBe(new Date(held).toISOString());
  });

  it("names journey and suppression events, and skips wake-ups and interest", () => {
    expect(auditEventOf(suppressed)).toMatchObject({
      type: "message.suppressed",
      detail: { reason: "frequency_cap" },
    });
    expect(auditEventOf(exited)).toMatchObject({
      type: "journey.exited",
      detail: { exitEvent: "order.placed", conversion: true, auditId: `${sent.journeyId}|exited` },
    });
    expect(notAudited.map(auditEventOf)).toEqual([undefined, undefined]);
  });
});

describe("EventBridgeAuditPublisher", () => {
  const client = new EventBridgeClient({ region: "us-east-1" });
  const bus = mockClient(client);
  const sleeps: number[] = [];
  const publisher = new EventBridgeAuditPublisher(client, {
    eventBusName: "engage",
    sleep: async (ms) => void sleeps.push(ms),
  });
  beforeEach(() => {
    bus.reset();
    sleeps.length = 0;
  });

  it("puts audit events in chunks of 10 with source engage", async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const decisions = [
      ...Array.from({ length: 22 }, (_, i) => ({ ...started, journeyId: `j${i}` })),
      ...notAudited,
      sent,
    ];
    expect(await publisher.publish(decisions)).toBe(23);
    const chunks = bus.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(chunks.map((chunk) => chunk.length)).toEqual([10, 10, 3]);
    expect(chunks[2]![2]).toEqual({
      EventBusName: "engage",
      Source: AUDIT_SOURCE,
      DetailType: "message.sent",
      Time: new Date(AT),
      Detail: JSON.stringify(auditEventOf(sent)!.detail),
    });
  });

  it("puts nothing when no decision is audited", async () => {
    expect(await publisher.publish(notAudited)).toBe(0);
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it("retries only the entries that failed", async () => {
    bus
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: "e1" },
          { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" },
          { EventId: "e3" },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: "e2" }] });
    await publisher.publish([started, sent, exited]);
    const calls = bus.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Entries?.map((entry) => entry.DetailType)).toEqual(["message.sent"]);
    expect(sleeps).toEqual([100]);
  });

  it("hands back entries that keep failing as retryable, rejected ones as permanent", async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] });
    await expect(publisher.publish([started])).rejects.toBeInstanceOf(RetryableError);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(5);

    bus.reset();
    bus
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ EventId: "e1" }, { ErrorCode: "MalformedDetail" }] });
    const failure = await publisher.publish([started, sent]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it("translates a throttled call into RetryableError", async () => {
    bus.on(PutEventsCommand).rejects(
      Object.assign(new Error("Rate exceeded"), {
        name: "ThrottlingException",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(publisher.publish([started])).rejects.toBeInstanceOf(RetryableError);
  });
});
