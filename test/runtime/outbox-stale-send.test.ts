import { describe, expect, it } from "vitest";
import { RetryableError } from "../../functions/adapters/errors.ts";
import type { CampaignCount } from "../../functions/core/engine/campaign-counts.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { recheckSend } from "../../functions/core/engine/recheck-send.ts";
import { type CustomerState, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import type { MessageEntry } from "../../functions/runtime/claim-effects.ts";
import { type RuntimeDeps, runForCustomer } from "../../functions/runtime/customer-runner.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { consentUpdated, customerSignedUp, orderPlaced, productViewed } from "../support/events.ts";
import { heldSmsEntry, heldSmsState } from "../support/held-sms.ts";
import { recordingLog, recordingPorts } from "../support/recording-ports.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";
import { runnerEngine as engine, useRunnerOnDynalite } from "./runner-on-dynalite.ts";

const HOUR = 3_600_000;
const runner = useRunnerOnDynalite();
const { clock } = runner;

let customers = 0;
let events = 0;
const envelope = (event: TestEvent) =>
  JSON.parse(toJsonLines([{ ...event, id: `e${++events}` }])[0]!) as unknown;
const iso = (ms: number) => new Date(ms).toISOString();

/** A runtime on dynalite whose first delivery fails retryably (SES throttled), counting what it decides. */
function failingOnce() {
  const fake = recordingPorts();
  fake.failNext.deliver.push(new RetryableError("SES SendEmail failed: Throttling", "ThrottlingException"));
  const counts: CampaignCount[] = [];
  const deps: RuntimeDeps = {
    compiled: engine,
    store: runner.store,
    ports: fake.ports,
    now: () => clock.now,
    log: recordingLog(),
    count: (more) => counts.push(...more),
  };
  return { fake, deps, counts };
}

/** A new customer whose welcome email (marketing) failed to send and waits in the outbox. */
async function welcomeLeftInOutbox(deps: RuntimeDeps): Promise<string> {
  const customerId = `stale${++customers}`;
  await expect(
    ingestEvent(deps, envelope(customerSignedUp(customerId, iso(clock.now - 5_000)))),
  ).rejects.toBeInstanceOf(RetryableError);
  const { state } = await runner.store.load(customerId);
  expect(state.outbox).toEqual([expect.objectContaining({ campaign: "welcome", marketing: true })]);
  expect(state.marketingSends).toHaveLength(1);
  return customerId;
}

const suppressed = (counts: CampaignCount[]) =>
  counts.filter((c) => c.name === "Suppressed").map((c) => `${c.campaign} ${c.reason}`);

describe("a message performed later than it was decided is judged again (issue 7 item 6)", () => {
  it("the customer opts out after the failed send: the welcome is not sent, and is counted suppressed", async () => {
    const { fake, deps, counts } = failingOnce();
    const customerId = await welcomeLeftInOutbox(deps);

    clock.now += 60_000;
    await ingestEvent(deps, envelope(consentUpdated(customerId, iso(clock.now), { status: "opted_out" })));

    expect(fake.delivered).toEqual([]);
    expect(suppressed(counts)).toEqual(["welcome opted_out"]);
    const { state } = await runner.store.load(customerId);
    expect(state.outbox).toEqual([]);
    // Never sent: it no longer counts toward the frequency cap.
    expect(state.marketingSends).toEqual([]);
  });

  it("the address bounced hard after the failed send: nothing goes to it", async () => {
    const { fake, deps, counts } = failingOnce();
    const customerId = await welcomeLeftInOutbox(deps);

    clock.now += 60_000;
    await ingestEvent(
      deps,
      envelope({
        type: "email.bounced",
        at: iso(clock.now),
        detail: { customerId, address: `${customerId}@example.com`, bounceType: "permanent" },
      }),
    );

    expect(fake.delivered).toEqual([]);
    expect(suppressed(counts)).toEqual(["welcome suppressed_address"]);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });

  it("a marketing message older than outbox.marketingExpiry is dropped as expired", async () => {
    const { fake, deps, counts } = failingOnce();
    const customerId = await welcomeLeftInOutbox(deps);
    expect(engine.settings.outbox.marketingExpiry).toBe(24 * HOUR);

    clock.now += 25 * HOUR;
    await ingestEvent(
      deps,
      envelope(productViewed(customerId, iso(clock.now), { product: { productId: "p1" } })),
    );

    expect(fake.delivered).toEqual([]);
    expect(suppressed(counts)).toEqual(["welcome expired"]);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });

  it("a pending marketing message that still passes every check goes out with the next run", async () => {
    const { fake, deps, counts } = failingOnce();
    const customerId = await welcomeLeftInOutbox(deps);

    clock.now += HOUR;
    await ingestEvent(
      deps,
      envelope(productViewed(customerId, iso(clock.now), { product: { productId: "p1" } })),
    );

    expect(fake.delivered).toEqual([expect.objectContaining({ customerId, campaign: "welcome" })]);
    expect(suppressed(counts)).toEqual([]);
    expect((await runner.store.load(customerId)).state.marketingSends).toHaveLength(1);
  });

  it("a transactional message never expires: sent days later, even after a marketing opt-out", async () => {
    const fake = recordingPorts();
    const deps: RuntimeDeps = {
      compiled: engine,
      store: runner.store,
      ports: fake.ports,
      now: () => clock.now,
      log: recordingLog(),
    };
    const customerId = `stale${++customers}`;
    await ingestEvent(deps, envelope(customerSignedUp(customerId, iso(clock.now - 5_000))));
    fake.failNext.deliver.push(new RetryableError("SES SendEmail failed: Throttling", "ThrottlingException"));
    await expect(
      ingestEvent(
        deps,
        envelope(orderPlaced(customerId, iso(clock.now), { items: [{ productId: "p1", price: 9 }] })),
      ),
    ).rejects.toBeInstanceOf(RetryableError);

    clock.now += 72 * HOUR;
    await ingestEvent(deps, envelope(consentUpdated(customerId, iso(clock.now), { status: "opted_out" })));

    expect(fake.delivered.map((d) => d.campaign)).toEqual(["welcome", "order-confirmation"]);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });
});

const carts = compileCampaigns([shippedCampaign("cart-abandonment")], shippedEngineSettings());

describe("recheckSend (the core's judgement of a pending message)", () => {
  const sms = (decidedAt: number): MessageEntry => heldSmsEntry("x", decidedAt);
  const customer = (): CustomerState => ({
    ...emptyCustomerState("q1"),
    profile: { phone: "+33612345678", timezone: "Europe/Paris" },
    consent: { sms: "opted_in", topics: {} },
  });

  it("defers to the end of quiet hours a pending SMS that would now go out at night", () => {
    const decided = Date.parse("2026-03-02T19:00:00Z"); // 20:00 in Paris
    const state = customer();
    state.marketingSends = [decided];
    const now = decided + 2 * HOUR; // 22:00 in Paris

    expect(recheckSend(carts, state, sms(decided), now)).toEqual({
      outcome: "defer",
      until: Date.parse("2026-03-03T07:00:00Z"), // 08:00 in Paris
    });
  });

  it("defers to the window's next opening a pending marketing email that would now go out after 20:00", () => {
    const decided = Date.parse("2026-03-02T18:50:00Z"); // 19:50 in Paris
    const state = { ...customer(), profile: { email: "q1@example.com", timezone: "Europe/Paris" } };
    state.marketingSends = [decided];
    const email: MessageEntry = {
      ...sms(decided),
      id: "j|reminder-email|x",
      step: "reminder-email",
      template: "reminder",
      channel: "email",
      to: "q1@example.com",
    };

    expect(recheckSend(carts, state, email, decided + HOUR)).toEqual({
      outcome: "defer",
      until: Date.parse("2026-03-03T08:00:00Z"), // 09:00 in Paris
    });
  });

  it("leaves the message's own count out of the frequency cap, and suppresses past it", () => {
    const decided = Date.parse("2026-03-02T10:00:00Z");
    const state = customer();
    const cap = carts.settings.frequencyCap as { max: number };
    state.marketingSends = [
      decided,
      ...Array.from({ length: cap.max - 1 }, (_, i) => decided - (i + 1) * HOUR),
    ];
    expect(recheckSend(carts, state, sms(decided), decided + HOUR)).toEqual({ outcome: "send" });

    state.marketingSends.push(decided + 30 * 60_000);
    expect(recheckSend(carts, state, sms(decided), decided + HOUR)).toEqual({
      outcome: "suppress",
      reason: "frequency_cap",
      counted: true,
    });
  });
});

describe("a pending message deferred by quiet hours when judged again", () => {
  it("waits in the outbox until quiet hours end, then goes", async () => {
    const customerId = `stale${++customers}`;
    const decided = Date.parse("2026-03-02T19:00:00Z"); // 20:00 in Paris
    await runner.store.save(heldSmsState(customerId, decided), 0);
    const fake = recordingPorts();
    const deps: RuntimeDeps = {
      compiled: carts,
      store: runner.store,
      ports: fake.ports,
      now: () => clock.now,
      log: recordingLog(),
    };
    const run = () => runForCustomer(deps, customerId, undefined, () => []);

    clock.now = Date.parse("2026-03-02T21:00:00Z"); // 22:00 in Paris
    await run();
    expect(fake.attempts).toEqual([]);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([
      expect.objectContaining({ notBefore: Date.parse("2026-03-03T07:00:00Z"), claimedAt: 0 }),
    ]);

    clock.now = Date.parse("2026-03-03T06:59:00Z");
    await run();
    expect(fake.attempts).toEqual([]);

    clock.now = Date.parse("2026-03-03T07:00:00Z");
    await run();
    expect(fake.delivered).toEqual([expect.objectContaining({ customerId, step: "second-reminder-sms" })]);
    expect((await runner.store.load(customerId)).state.outbox).toEqual([]);
  });
});
