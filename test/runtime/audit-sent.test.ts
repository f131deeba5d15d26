import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { dynamoDbDueIndex } from "../../functions/adapters/dynamodb-due-index.ts";
import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import { PermanentError, RetryableError } from "../../functions/adapters/errors.ts";
import { auditEventOf } from "../../functions/adapters/eventbridge-publisher.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import type { Decision, MessageDecision } from "../../functions/core/engine/decisions.ts";
import { type CustomerEvent, parseEnvelope } from "../../functions/core/events/envelope.ts";
import {
  EFFECT_LEASE_MS,
  type RuntimeDeps,
  runForCustomer,
} from "../../functions/runtime/customer-runner.ts";
import { sweepClaims } from "../../functions/use-cases/sweep-claims.ts";
import { ENV, useHandlerRuntime } from "../handlers/handler-runtime.ts";
import { crashAfterStatePut } from "../support/crash-after-put.ts";
import { consentUpdated, customerSignedUp, orderPlaced } from "../support/events.ts";
import { recordingPorts } from "../support/recording-ports.ts";
import { toJsonLines } from "../support/scenario.ts";

const rt = useHandlerRuntime();

/** The audit events put on the bus since the mocks were reset (each test's), of one customer. */
function published(customerId: string) {
  return rt.mocks.eventbridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => ({
      type: entry.DetailType,
      at: entry.Time?.getTime(),
      detail: JSON.parse(entry.Detail ?? "{}") as Record<string, unknown>,
    }))
    .filter((event) => event.detail.customerId === customerId);
}
const ofType = (customerId: string, type: string) =>
  published(customerId).filter((event) => event.type === type);

/** The audit event the decision describes, as published (its time as a number). */
function expectedAudit(decision: Decision) {
  const event = auditEventOf(decision);
  if (!event) throw new Error("decision not audited");
  return { type: event.type, at: event.at, detail: event.detail };
}

/** The message.sent of a message decided as `decision` and sent at the runtime's clock. */
const sentAudit = (decision: MessageDecision) => expectedAudit({ ...decision, sentAt: rt.clock.now });

const signup = (customerId: string) => ({
  ...customerSignedUp(customerId, "2026-03-01T08:00:00Z", { email: `${customerId}@example.com` }),
  id: `signup-${customerId}`,
});

/** The runtime on recording ports: its audit events still go to the mocked bus. */
function withPorts(ports: RuntimeDeps["ports"]): RuntimeDeps {
  return { ...rt.deps, ports };
}

/** A sign-up through the ingest path on `deps` (runForCustomer + decide). */
function signupThrough(deps: RuntimeDeps, customerId: string) {
  const event = signup(customerId);
  const parsed = parseEnvelope(JSON.parse(toJsonLines([event])[0]!));
  if (parsed.kind !== "event") throw new Error("test event not accepted");
  return runForCustomer(deps, customerId, event.id, (state) =>
    decide(deps.compiled, state, parsed.event as CustomerEvent),
  );
}

/** A welcome email decided with a topic, products and a quiet-hours deferral. */
const decidedMessage = (customerId: string): MessageDecision => ({
  type: "message",
  journeyId: `welcome:${customerId}:1`,
  marketing: true,
  topic: "newsletter",
  line: {
    at: "2026-03-01T08:00:00.000Z",
    campaign: "welcome",
    step: "welcome-email",
    customerId,
    channel: "email",
    status: "sent",
    template: "welcome",
    to: `${customerId}@example.com`,
    subject: "Welcome",
    productIds: ["p1", "p2"],
    deferredFrom: "2026-03-01T00:18:39.000Z",
  },
  body: "Hello",
});

describe("message.sent: one per message sent, published by the run that sends it", () => {
  it("a run that decides and sends publishes each message.sent once, as the decision describes it", async () => {
    const welcome = await rt.ingest(signup("au1"));
    const confirmation = await rt.ingest({
      ...orderPlaced("au1", "2026-03-01T08:00:00Z", { items: [{ productId: "p1", price: 20 }] }),
      id: "order-au1",
    });
    const sent = [...welcome, ...confirmation].filter(
      (d): d is MessageDecision => d.type === "message" && d.line.status === "sent",
    );
    expect(sent.map((d) => d.line.campaign)).toEqual(["welcome", "order-confirmation"]);
    expect(sent[1]?.line.productIds).toEqual(["p1"]);
    expect(rt.sentEmails()).toHaveLength(2);
    expect(ofType("au1", "message.sent")).toEqual(sent.map(sentAudit));
    // Each decision's event once, message.sent among them: none twice (the decision's and the send's).
    const byId = (events: { detail: Record<string, unknown> }[]) =>
      events.map((event) => String(event.detail.auditId)).sort();
    const decided = [...welcome, ...confirmation].flatMap((d) => (auditEventOf(d) ? [expectedAudit(d)] : []));
    expect(byId(published("au1"))).toEqual(byId(decided));
  });

  it("the entry carries what the decision's event says: topic, products, quiet-hours deferral", async () => {
    const decision = decidedMessage("au2");
    const fake = recordingPorts();
    await runForCustomer(withPorts(fake.ports), "au2", "ev-au2", () => [decision]);
    expect(fake.delivered).toHaveLength(1);
    expect(ofType("au2", "message.sent")).toEqual([sentAudit(decision)]);
  });

  it("a message dropped when judged again publishes message.suppressed with the decision's detail, no message.sent", async () => {
    const decision = decidedMessage("au8");
    const fake = recordingPorts();
    // A function that sends no message: the email is released to one that does.
    const noMessages = withPorts({ ...fake.ports, canPerform: (entry) => entry.kind !== "message" });
    await runForCustomer(noMessages, "au8", "ev-au8", () => [decision]);
    expect(published("au8")).toEqual([]);

    rt.clock.now += rt.deps.compiled.settings.outbox.marketingExpiry + 1;
    await runForCustomer(withPorts(fake.ports), "au8", "ev-au8-next", (state) => {
      state.version++; // an event that changes the state and decides nothing: takes the released entry
      return [];
    });
    expect(fake.delivered).toEqual([]);
    const { detail } = expectedAudit(decision);
    expect(published("au8")).toEqual([
      {
        type: "message.suppressed",
        at: rt.clock.now,
        detail: {
          ...detail,
          auditId: "welcome:au8:1|welcome-email|suppressed",
          status: "suppressed",
          reason: "expired",
        },
      },
    ]);
  });

  it("a message recorded before the run's next send has its message.sent published before that send", async () => {
    const first = decidedMessage("au9");
    const second: MessageDecision = {
      ...decidedMessage("au9"),
      journeyId: "welcome:au9:2",
      line: { ...first.line, at: "2026-03-01T08:00:00.001Z" },
    };
    const fake = recordingPorts();
    // The second send hangs (the Lambda times out in it, and never publishes at its end).
    let sends = 0;
    const ports: RuntimeDeps["ports"] = {
      ...fake.ports,
      deliver: (customerId, message) =>
        ++sends === 2 ? new Promise<never>(() => {}) : fake.ports.deliver(customerId, message),
    };
    void runForCustomer(withPorts(ports), "au9", "ev-au9", () => [first, second]);
    await expect.poll(() => sends).toBe(2);
    expect(fake.delivered).toEqual([
      expect.objectContaining({ id: expect.stringContaining("welcome:au9:1") }),
    ]);
    expect(ofType("au9", "message.sent")).toEqual([sentAudit(first)]);
  });

  it("a dead run's email finished by the claims' sweep publishes one message.sent, for its campaign and step", async () => {
    const removeCrash = crashAfterStatePut(rt.clients.dynamodb);
    await expect(rt.ingest(signup("au3"))).rejects.toThrow("crashed after the state put");
    removeCrash();
    const [entry] = (await rt.store.load("au3")).state.outbox.filter((e) => e.kind === "message");
    expect(published("au3")).toEqual([]);

    rt.clock.now = Date.parse("2026-03-01T09:00:00Z");
    const { customersDue, claimsLapsed, refile } = dynamoDbDueIndex(rt.clients.dynamodb, ENV.STATE_TABLE);
    await sweepClaims(
      {
        deps: rt.deps,
        scan: dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE),
        options: { dueIndex: { customersDue, claimsLapsed, refile }, catchUpHours: 2 },
      },
      { sweep: "claims" },
    );

    expect(rt.sentEmails().filter((email) => email.customerId === "au3")).toEqual([
      expect.objectContaining({ campaign: "welcome" }),
    ]);
    expect(entry?.kind).toBe("message");
    const journeyId = entry?.kind === "message" ? entry.journeyId : "";
    expect(ofType("au3", "message.sent")).toEqual([
      {
        type: "message.sent",
        at: Date.parse("2026-03-01T08:00:00Z"),
        detail: {
          auditId: `${journeyId}|welcome-email|sent`,
          journeyId,
          campaign: "welcome",
          step: "welcome-email",
          customerId: "au3",
          channel: "email",
          status: "sent",
          template: "welcome",
          marketing: true,
          // Decided at 08:00 (the event's time, what the cap counts); sent by the sweep at 09:00.
          sentAt: "2026-03-01T09:00:00.000Z",
        },
      },
    ]);
  });

  it("a send retried after a retryable failure publishes one message.sent, on the retry; the journey's start once", async () => {
    const fake = recordingPorts();
    fake.failNext.deliver.push(new RetryableError("SES SendEmail failed: Throttling", "ThrottlingException"));
    const deps = withPorts(fake.ports);

    await expect(signupThrough(deps, "au4")).rejects.toBeInstanceOf(RetryableError);
    expect(ofType("au4", "message.sent")).toEqual([]);
    expect(ofType("au4", "journey.started")).toHaveLength(1);

    rt.clock.now += 60_000; // EventBridge's retry of the failed invocation: decides nothing
    const retried = await signupThrough(deps, "au4");
    expect(retried.decisions).toEqual([]);
    expect(fake.delivered).toEqual([expect.objectContaining({ campaign: "welcome", step: "welcome-email" })]);
    expect(ofType("au4", "message.sent")).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ campaign: "welcome", step: "welcome-email", status: "sent" }),
      }),
    ]);
    expect(ofType("au4", "journey.started")).toHaveLength(1);
  });

  it("a run that hung mid-send is taken over by the next event once its claim lapsed: one message.sent", async () => {
    const fake = recordingPorts();
    fake.failNext.deliver.push("hang");
    const deps = withPorts(fake.ports);
    void signupThrough(deps, "au5");
    await expect.poll(() => fake.attempts.length).toBe(1);

    rt.clock.now += EFFECT_LEASE_MS + 60_000;
    await runForCustomer(deps, "au5", "consent-au5", (state) => {
      state.version++; // an event that changes the state and decides nothing
      return [];
    });
    expect(fake.delivered).toEqual([expect.objectContaining({ campaign: "welcome" })]);
    expect(ofType("au5", "message.sent")).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ campaign: "welcome", status: "sent" }) }),
    ]);
  });

  it("a send its provider refuses for good (dropped) publishes no message.sent", async () => {
    const fake = recordingPorts();
    fake.failNext.deliver.push(new PermanentError("SES SendEmail: MessageRejected", "MessageRejected"));
    const { decisions } = await signupThrough(withPorts(fake.ports), "au6");

    expect(decisions).toContainEqual(expect.objectContaining({ type: "message" }));
    expect(fake.delivered).toEqual([]);
    expect(ofType("au6", "message.sent")).toEqual([]);
    expect(ofType("au6", "journey.started")).toHaveLength(1);
  });

  it("a send left to another function and suppressed when judged again publishes message.suppressed only", async () => {
    const fake = recordingPorts();
    // A function that sends no message: the email is released to one that does.
    await signupThrough(withPorts({ ...fake.ports, canPerform: (entry) => entry.kind !== "message" }), "au7");
    expect(ofType("au7", "message.sent")).toEqual([]);

    rt.clock.now += 60_000;
    await rt.ingest({
      ...consentUpdated("au7", "2026-03-01T08:00:30Z", { status: "opted_out" }),
      id: "optout-au7",
    });
    expect(fake.delivered).toEqual([]);
    expect(rt.sentEmails()).toEqual([]);
    expect(ofType("au7", "message.sent")).toEqual([]);
    expect(ofType("au7", "message.suppressed")).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ campaign: "welcome", step: "welcome-email", reason: "opted_out" }),
      }),
    ]);
  });
});
