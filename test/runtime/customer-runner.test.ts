import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { RetryableError } from "../../functions/adapters/errors.ts";
import { SesEmailSender } from "../../functions/adapters/ses-sender.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { awsEffectPorts } from "../../functions/runtime/aws-effect-ports.ts";
import { EFFECT_LEASE_MS, type RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import type { EffectPorts } from "../../functions/runtime/effect-ports.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { cartUpdated, customerSignedUp, orderPlaced, productViewed } from "../support/events.ts";
import { recordingLog, recordingPorts } from "../support/recording-ports.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";
import { runnerEngine as engine, useRunnerOnDynalite } from "./runner-on-dynalite.ts";

const runner = useRunnerOnDynalite();
const { clock } = runner;

/** Each test has its own customer, so tests share one table without seeing each other. */
let customerCount = 0;
const nextCustomer = () => `rc${++customerCount}`;

/** The event as EventBridge delivers it, with a fixed id (a redelivery carries the same id). */
function envelope(event: TestEvent, id: string): unknown {
  return JSON.parse(toJsonLines([{ ...event, id }])[0]!);
}

function runtime(
  ports: EffectPorts,
  campaigns = engine,
): RuntimeDeps & { log: ReturnType<typeof recordingLog> } {
  return { compiled: campaigns, store: runner.store, ports, now: () => clock.now, log: recordingLog() };
}

const signup = (customerId: string) =>
  envelope(
    customerSignedUp(customerId, "2026-03-01T08:00:00Z", { firstName: "Ada" }),
    `signup-${customerId}`,
  );
const order = (customerId: string) =>
  envelope(
    orderPlaced(customerId, "2026-03-01T08:00:00Z", { items: [{ productId: "p1", price: 20 }] }),
    `order-${customerId}`,
  );

describe("runForCustomer on dynalite (ingest path)", () => {
  it("applies an event delivered twice once: one email, one workflow start, outbox empty", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    const deps = runtime(fake.ports);

    const first = await ingestEvent(deps, signup(customerId));
    const second = await ingestEvent(deps, signup(customerId));

    expect(first).toEqual({ outcome: "applied", id: `signup-${customerId}`, messages: 1 });
    expect(second).toEqual({ outcome: "applied", id: `signup-${customerId}`, messages: 0 });
    expect(fake.delivered).toEqual([
      expect.objectContaining({ customerId, campaign: "welcome", step: "welcome-email" }),
    ]);
    expect(fake.started).toEqual([{ customerId, journeyId: expect.stringContaining("welcome") }]);
    const { state, version } = await runner.store.load(customerId);
    expect(state.outbox).toEqual([]);
    expect(state.appliedEvents).toEqual([`signup-${customerId}`]);
    // The claim: one write (the effects are recorded in receipts, and leave the item with its next
    // write); the duplicate wrote nothing.
    expect(version).toBe(1);
  });

  it("runs the effects once when two deliveries of one event race (Promise.all)", async () => {
    const customerId = nextCustomer();
    // Slow effects: the losing run reloads the state while the winner is still delivering.
    const fake = recordingPorts({ delayMs: 30 });
    const deps = runtime(fake.ports);

    const [first, second] = await Promise.all([
      ingestEvent(deps, signup(customerId)),
      ingestEvent(deps, signup(customerId)),
    ]);

    // One applied the event; the other lost the conditional write, reloaded, found it applied and
    // left the claimed effects to their owner, still performing them.
    const messages = [first, second].map((o) => (o.outcome === "applied" ? o.messages : undefined));
    expect(messages.sort()).toEqual([0, 1]);
    expect(fake.attempts).toHaveLength(1);
    expect(fake.delivered).toHaveLength(1);
    expect(fake.started).toHaveLength(1);
    // A later redelivery finds nothing to do.
    clock.now += 60_000;
    await ingestEvent(deps, signup(customerId));
    expect(fake.delivered).toHaveLength(1);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });

  it("finishes on the retry an effect that failed after the claim (retryable): the email goes once", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    fake.failNext.deliver.push(new RetryableError("SES SendEmail failed: Throttling", "ThrottlingException"));
    const deps = runtime(fake.ports);

    await expect(ingestEvent(deps, signup(customerId))).rejects.toBeInstanceOf(RetryableError);
    const claimed = (await runner.store.load(customerId)).state;
    expect(claimed.appliedEvents).toEqual([`signup-${customerId}`]);
    // The start was done and cleared; the message waits in the outbox for the retry.
    expect(claimed.outbox).toEqual([
      expect.objectContaining({ kind: "message", campaign: "welcome", step: "welcome-email" }),
    ]);
    expect(fake.delivered).toEqual([]);
    expect(fake.started).toHaveLength(1);
    expect(deps.log.lines).toContainEqual(
      expect.objectContaining({ level: "warn", message: "effect to retry" }),
    );

    clock.now += 60_000; // EventBridge's retry of the failed invocation
    const retried = await ingestEvent(deps, signup(customerId));

    expect(retried).toMatchObject({ outcome: "applied", messages: 0 });
    expect(fake.attempts).toHaveLength(2);
    expect(fake.delivered).toEqual([
      expect.objectContaining({ customerId, campaign: "welcome", step: "welcome-email" }),
    ]);
    expect(fake.started).toHaveLength(1);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });

  it("finishes the effects of a run that timed out mid-delivery (never returned) on the redelivery", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    fake.failNext.deliver.push("hang");
    const deps = runtime(fake.ports);

    // The Lambda is frozen inside the SES call: its promise never settles.
    void ingestEvent(deps, signup(customerId));
    await expect.poll(() => fake.attempts.length).toBe(1);
    expect((await runner.store.load(customerId)).state.outbox).toContainEqual(
      expect.objectContaining({ kind: "message", step: "welcome-email" }),
    );

    // A redelivery while the claim is fresh leaves the effect to the run that claimed it…
    clock.now += EFFECT_LEASE_MS - 1;
    await ingestEvent(deps, signup(customerId));
    expect(fake.attempts).toHaveLength(1);

    // …and takes it over once the claim has lapsed (that run timed out: the Lambda was stopped).
    clock.now += 60_000;
    await ingestEvent(deps, signup(customerId));

    expect(fake.delivered).toEqual([expect.objectContaining({ customerId, step: "welcome-email" })]);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });
});

describe("runForCustomer: interest-index writes", () => {
  it("writes a product's interest entry on its first touch of a UTC day only", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    const deps = runtime(fake.ports);
    const product = { productId: "p-daily", price: 10 };
    const views = [
      "2026-03-01T08:00:00Z",
      "2026-03-01T09:30:00Z", // same day: no index write
      "2026-03-01T23:59:00Z", // same day
      "2026-03-02T00:01:00Z", // a new day: written
    ];
    for (const [index, at] of views.entries())
      await ingestEvent(
        deps,
        envelope(productViewed(customerId, at, { product }), `view-${customerId}-${index}`),
      );
    // A cart event the same day touches another product too: only the new one is written.
    await ingestEvent(
      deps,
      envelope(
        cartUpdated(customerId, "2026-03-02T07:00:00Z", {
          items: [product, { productId: "p-new", price: 5 }],
        }),
        `cart-${customerId}`,
      ),
    );
    expect(fake.interest).toEqual([
      { customerId, productIds: ["p-daily"] },
      { customerId, productIds: ["p-daily"] },
      { customerId, productIds: ["p-new"] },
    ]);
  });
});

describe("runForCustomer with SES mocked (awsEffectPorts)", () => {
  const sesClient = new SESv2Client({ region: "us-east-1" });
  const ses = mockClient(sesClient);
  beforeEach(() => ses.reset());

  // Order confirmation alone: the sign-up gives the address and sends nothing.
  const confirmations = compileCampaigns([shippedCampaign("order-confirmation")], shippedEngineSettings(), {
    renderBodies: true,
  });
  const customerWithOrder = async (deps: RuntimeDeps) => {
    const customerId = nextCustomer();
    await ingestEvent(deps, signup(customerId));
    return { customerId, order: order(customerId) };
  };

  const sesPorts = () =>
    awsEffectPorts({
      email: new SesEmailSender(sesClient, { from: "shop@example.com", configurationSetName: "engage" }),
      unsubscribe: { baseUrl: "https://unsubscribe.example.com/", secret: async () => "test-secret" },
      now: () => clock.now,
    });

  it("sends once when SES throttles the first call: the claim survives and the retry sends", async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(
        new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 429 } }),
      )
      .resolves({ MessageId: "m-1" });
    const deps = runtime(sesPorts(), confirmations);
    const { customerId, order } = await customerWithOrder(deps);

    await expect(ingestEvent(deps, order)).rejects.toMatchObject({
      name: "RetryableError",
      reason: "TooManyRequestsException",
    });
    await ingestEvent(deps, order);

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    const sent = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(sent[0]).toEqual(sent[1]);
    expect(sent[1]).toMatchObject({
      Destination: { ToAddresses: [`${customerId}@example.com`] },
      Content: { Simple: { Subject: { Data: "Order o1 confirmed" } } },
    });
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });

  it("drops a permanent delivery failure and reports it; a redelivery does not try again", async () => {
    ses
      .on(SendEmailCommand)
      .rejects(
        new MessageRejected({ message: "Email address is not verified", $metadata: { httpStatusCode: 400 } }),
      );
    const deps = runtime(sesPorts(), confirmations);
    const { customerId, order } = await customerWithOrder(deps);

    const outcome = await ingestEvent(deps, order);

    expect(outcome).toMatchObject({ outcome: "applied", messages: 1 });
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "effect dropped",
      fields: expect.objectContaining({ customerId, kind: "message", reason: "MessageRejected" }),
    });
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);

    clock.now += 60_000;
    await ingestEvent(deps, order);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });
});
