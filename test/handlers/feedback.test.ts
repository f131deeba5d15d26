import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { handler, useRuntime } from "../../functions/handlers/feedback.ts";
import { isLikelyMachineOpen } from "../../functions/use-cases/feedback-ses.ts";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { messageLines, useHandlerRuntime } from "./handler-runtime.ts";

const rt = useHandlerRuntime("2026-03-01T09:00:00Z");
const SENT_AT = "2026-03-01T08:00:00.000Z";

beforeAll(() => {
  useRuntime(rt.deps);
});

const DETAIL_TYPES: Record<string, string> = {
  Bounce: "Email Bounced",
  Complaint: "Email Complaint Received",
  Delivery: "Email Delivered",
  Open: "Email Opened",
  Click: "Email Clicked",
  Reject: "Email Rejected",
};

/** A customer who signed up and got the welcome email; the SES tags of that email as SES reports them. */
async function welcomed(customerId: string): Promise<Record<string, string[]>> {
  await rt.ingest({ ...customerSignedUp(customerId, "2026-03-01T08:00:00Z"), id: `${customerId}-signup` });
  const call = rt.mocks.ses
    .commandCalls(SendEmailCommand)
    .find((c) => c.args[0].input.Destination?.ToAddresses?.[0] === `${customerId}@example.com`);
  const tags = Object.fromEntries(
    (call?.args[0].input.EmailTags ?? []).map((tag) => [tag.Name!, [tag.Value!]]),
  );
  rt.resetMocks();
  return { ...tags, "ses:configuration-set": ["engage"], "ses:from-domain": ["shop.example"] };
}

let eventCount = 0;
/** An SES event-publishing record as the forwarding rule delivers it to the engine bus. */
function sesEvent(
  eventType: string,
  tags: Record<string, string[]>,
  record: Record<string, unknown> = {},
  messageId = "0100018e-ses-message-1",
) {
  return {
    version: "0",
    id: `eb-${++eventCount}`,
    "detail-type": DETAIL_TYPES[eventType],
    source: "aws.ses",
    account: "123456789012",
    time: "2026-03-01T08:00:05Z",
    region: "us-east-1",
    resources: [],
    detail: {
      eventType,
      mail: {
        timestamp: SENT_AT,
        source: "news@shop.example",
        messageId,
        destination: ["x@example.com"],
        tags,
      },
      ...record,
    },
  };
}

const bounce = (bounceType: string, address: string) => ({
  bounce: {
    bounceType,
    bounceSubType: "General",
    bouncedRecipients: [{ emailAddress: address, action: "failed", status: "5.1.1" }],
    timestamp: "2026-03-01T08:00:03.000Z",
    feedbackId: "feedback-1",
  },
});
const open = (timestamp: string, userAgent: string) => ({
  open: { timestamp, userAgent, ipAddress: "192.0.2.1" },
});
const HUMAN_AGENT =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";

const order = (customerId: string, orderId: string) => ({
  ...orderPlaced(customerId, "2026-03-01T09:00:00Z", { orderId, items: [{ productId: "p1", price: 20 }] }),
  id: `${customerId}-${orderId}`,
});

describe("feedback: bounces and complaints", () => {
  it("a permanent bounce suppresses the address for good: a later email is suppressed (suppressed_address)", async () => {
    const tags = await welcomed("hard");
    const outcome = await handler(sesEvent("Bounce", tags, bounce("Permanent", "Hard@Example.com")));

    expect(outcome).toEqual({
      outcome: "applied",
      id: "ses:0100018e-ses-message-1:Bounce",
      source: "aws.ses",
      customerId: "hard",
      events: [{ type: "email.bounced", bounceType: "permanent" }],
    });
    expect((await rt.store.load("hard")).state.suppressedAddresses).toEqual(["hard@example.com"]);
    expect(messageLines(await rt.ingest(order("hard", "o1")))).toEqual([
      "order-confirmation suppressed suppressed_address",
    ]);
    expect(rt.sentEmails()).toEqual([]);
  });

  it("a transient bounce suppresses nothing: the next email goes", async () => {
    const tags = await welcomed("soft");
    expect(await handler(sesEvent("Bounce", tags, bounce("Transient", "soft@example.com")))).toMatchObject({
      events: [{ type: "email.bounced", bounceType: "transient" }],
    });
    expect((await rt.store.load("soft")).state.suppressedAddresses).toEqual([]);
    expect(messageLines(await rt.ingest(order("soft", "o1")))).toEqual(["order-confirmation sent"]);
    expect(rt.sentEmails()).toEqual([
      { campaign: "order-confirmation", customerId: "soft", to: "soft@example.com" },
    ]);
  });

  it("a complaint suppresses the address", async () => {
    const tags = await welcomed("annoyed");
    const complaint = {
      complaint: {
        complainedRecipients: [{ emailAddress: "annoyed@example.com" }],
        timestamp: "2026-03-01T08:30:00.000Z",
        feedbackId: "feedback-2",
        complaintFeedbackType: "abuse",
      },
    };
    expect(await handler(sesEvent("Complaint", tags, complaint))).toMatchObject({
      outcome: "applied",
      events: [{ type: "email.complained" }],
    });
    expect(messageLines(await rt.ingest(order("annoyed", "o1")))).toEqual([
      "order-confirmation suppressed suppressed_address",
    ]);
  });

  it("applies an SES event delivered twice once", async () => {
    const tags = await welcomed("twice");
    const event = sesEvent("Bounce", tags, bounce("Permanent", "twice@example.com"), "message-twice");
    await handler(event);
    const { version } = await rt.store.load("twice");
    await handler({ ...event, id: "eb-redelivered" });
    expect((await rt.store.load("twice")).version).toBe(version);
  });
});

describe("feedback: engagement", () => {
  it("flags an open within seconds of sending, or through Apple's privacy proxy, as a likely machine open", async () => {
    const tags = await welcomed("reader");
    const openedBy = async (timestamp: string, agent: string) =>
      ((await handler(sesEvent("Open", tags, open(timestamp, agent)))) as { events: unknown[] }).events;

    expect(await openedBy("2026-03-01T08:00:02.000Z", HUMAN_AGENT)).toEqual([
      { type: "email.engaged", kind: "opened", likelyMachineOpen: true },
    ]);
    expect(await openedBy("2026-03-01T09:10:00.000Z", "Mozilla/5.0")).toEqual([
      { type: "email.engaged", kind: "opened", likelyMachineOpen: true },
    ]);
    expect(await openedBy("2026-03-01T09:20:00.000Z", HUMAN_AGENT)).toEqual([
      { type: "email.engaged", kind: "opened", likelyMachineOpen: false },
    ]);
    const gmail = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    expect(await openedBy("2026-03-01T09:30:00.000Z", gmail)).toEqual([
      { type: "email.engaged", kind: "opened", likelyMachineOpen: false },
    ]);
    const { state } = await rt.store.load("reader");
    expect(state.activity.lastSeen["email.engaged"]).toBe(Date.parse("2026-03-01T09:30:00.000Z"));
    expect(state.appliedEvents.filter((id) => id.includes(":Open:"))).toHaveLength(4);
  });

  it("records deliveries and clicks as engagement, with the campaign from the tags", async () => {
    const tags = await welcomed("clicker");
    expect(
      await handler(sesEvent("Delivery", tags, { delivery: { timestamp: "2026-03-01T08:00:01.000Z" } })),
    ).toMatchObject({ events: [{ type: "email.engaged", kind: "delivered" }] });
    const click = {
      click: { timestamp: "2026-03-01T08:05:00.000Z", link: "https://shop.example/", userAgent: HUMAN_AGENT },
    };
    expect(await handler(sesEvent("Click", tags, click))).toMatchObject({
      id: "ses:0100018e-ses-message-1:Click:2026-03-01T08:05:00.000Z",
      events: [{ type: "email.engaged", kind: "clicked" }],
    });
    expect(tags.campaign).toEqual(["welcome"]);
  });

  it("flags a click within seconds of sending as a link scanner's; only the reader's click teaches the best hour", async () => {
    const tags = await welcomed("scanned");
    const clickAt = (timestamp: string) => ({
      click: { timestamp, link: "https://shop.example/", userAgent: HUMAN_AGENT },
    });
    expect(await handler(sesEvent("Click", tags, clickAt("2026-03-01T08:00:03.000Z")))).toMatchObject({
      events: [{ type: "email.engaged", kind: "clicked", likelyMachineClick: true }],
    });
    expect(await handler(sesEvent("Click", tags, clickAt("2026-03-01T09:30:00.000Z")))).toMatchObject({
      events: [{ type: "email.engaged", kind: "clicked", likelyMachineClick: false }],
    });
    const { state } = await rt.store.load("scanned");
    const clicks = state.activity.clickHours ?? [];
    expect(clicks.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("the machine-open rule", () => {
    const sent = Date.parse(SENT_AT);
    expect(isLikelyMachineOpen(sent, sent + 5_000, HUMAN_AGENT)).toBe(true);
    expect(isLikelyMachineOpen(sent, sent + 5_001, HUMAN_AGENT)).toBe(false);
    expect(isLikelyMachineOpen(undefined, sent, " Mozilla/5.0 ")).toBe(true);
    expect(isLikelyMachineOpen(undefined, sent, undefined)).toBe(false);
  });
});

describe("feedback: what it cannot use is reported, not thrown", () => {
  it("reports rejects, records without a customer tag, bad records and other sources", async () => {
    const tags = await welcomed("other");
    expect(await handler(sesEvent("Reject", tags, { reject: { reason: "Bad content" } }))).toMatchObject({
      outcome: "ignored",
      detailType: "Email Rejected",
    });
    const { customer: _, ...untagged } = tags;
    expect(await handler(sesEvent("Bounce", untagged, bounce("Permanent", "someone@example.com")))).toEqual({
      outcome: "unattributed",
      id: expect.any(String),
      detailType: "Email Bounced",
      messageId: "0100018e-ses-message-1",
    });
    expect(await handler({ ...sesEvent("Bounce", tags), detail: { eventType: "Bounce" } })).toMatchObject({
      outcome: "rejected",
      problems: expect.stringContaining("detail.mail"),
    });
    expect(await handler(sesEvent("Bounce", tags, {}))).toMatchObject({ outcome: "rejected" });
    const sms = {
      id: "sms-1",
      source: "aws.sms-voice",
      "detail-type": "Text Message Delivery Status Updated",
      time: "2026-03-01T08:00:00Z",
      detail: { eventType: "TEXT_SUCCESSFUL", destinationPhoneNumber: "+14255550156" },
    };
    expect(await handler(sms)).toMatchObject({
      outcome: "ignored",
      detailType: "Text Message Delivery Status Updated",
    });
    expect(await handler("not an event")).toMatchObject({ outcome: "ignored" });
    expect((await rt.store.load("other")).state.suppressedAddresses).toEqual([]);
  });

  it("accepts an sms.opted_out event: SMS consent withdrawn and the number suppressed", async () => {
    const outcome = await handler({
      id: "stop-1",
      source: "engage.sms",
      "detail-type": "sms.opted_out",
      time: "2026-03-01T08:00:00Z",
      detail: { customerId: "texter", phone: "+14155550123" },
    });
    expect(outcome).toMatchObject({
      outcome: "applied",
      customerId: "texter",
      events: [{ type: "sms.opted_out" }],
    });
    const { state } = await rt.store.load("texter");
    expect(state.consent.sms).toBe("opted_out");
    expect(state.suppressedAddresses).toEqual(["+14155550123"]);
  });
});
