import { describe, expect, it } from "vitest";
import { RetryableError } from "../../functions/adapters/errors.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import type { EffectPorts } from "../../functions/runtime/effect-ports.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { journeyStep } from "../../functions/use-cases/journey-step.ts";
import {
  cartUpdated,
  customerSignedUp,
  orderDelivered,
  orderPlaced,
  orderShipped,
  returnInitiated,
} from "../support/events.ts";
import { recordingLog, recordingPorts } from "../support/recording-ports.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";
import { useRunnerOnDynalite } from "./runner-on-dynalite.ts";

/**
 * A journey that ends while its workflow sleeps (an exit event, the awaited event) has that workflow
 * stopped by the run that ended it, so it does not wake to run a Step that finds the journey gone.
 */
const engine = compileCampaigns(
  [
    shippedCampaign("cart-abandonment"),
    shippedCampaign("post-purchase"),
    shippedCampaign("order-confirmation"),
  ],
  shippedEngineSettings(),
  { renderBodies: true },
);
const runner = useRunnerOnDynalite();
const { clock } = runner;

let customerCount = 0;
const nextCustomer = () => `sw${++customerCount}`;
let eventCount = 0;
const envelope = (event: TestEvent): unknown =>
  JSON.parse(toJsonLines([{ ...event, id: `e${++eventCount}` }])[0]!);

function runtime(ports: EffectPorts): RuntimeDeps & { log: ReturnType<typeof recordingLog> } {
  return { compiled: engine, store: runner.store, ports, now: () => clock.now, log: recordingLog() };
}

async function ingestAt(deps: RuntimeDeps, event: TestEvent & { at: string }) {
  clock.now = Date.parse(event.at);
  return ingestEvent(deps, envelope(event));
}

const cart = (customerId: string) =>
  cartUpdated(customerId, "2026-03-02T10:00:00Z", { cartId: "k1", items: [{ productId: "p1", price: 10 }] });
const order = (customerId: string) =>
  orderPlaced(customerId, "2026-03-02T10:45:00Z", { items: [{ productId: "p1", price: 10 }], total: 10 });

/** A new customer with an email and a cart: the cart reminder's journey is started, its workflow asleep. */
async function cartJourney(email: string) {
  const customerId = nextCustomer();
  const fake = recordingPorts();
  const deps = runtime(fake.ports);
  await ingestAt(deps, customerSignedUp(customerId, "2026-03-01T08:00:00Z", { email }));
  await ingestAt(deps, cart(customerId));
  const journeyId = fake.started.find((s) => s.journeyId.startsWith("cart-abandonment"))!.journeyId;
  return { customerId, fake, deps, journeyId };
}

describe("a journey ended while its workflow waits: the workflow is stopped", () => {
  it("stops the cart reminder's workflow when the order exits the journey, once", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    const deps = runtime(fake.ports);
    await ingestAt(deps, customerSignedUp(customerId, "2026-03-01T08:00:00Z"));
    await ingestAt(deps, cart(customerId));
    const [started] = fake.started.filter((s) => s.journeyId.startsWith("cart-abandonment"));
    expect(fake.stopped).toEqual([]);

    const placed = envelope(order(customerId));
    clock.now = Date.parse("2026-03-02T10:45:00Z");
    await ingestEvent(deps, placed);
    await ingestEvent(deps, placed); // redelivered: nothing decided again, nothing stopped again

    expect(fake.stopped).toEqual([{ customerId, journeyId: started!.journeyId }]);
    const { state } = await runner.store.load(customerId);
    expect(state.journeys.filter((j) => j.campaign === "cart-abandonment")).toEqual([]);
  });

  it("stops the generation a newer one supersedes, then the live one when the journey ends", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    const deps = runtime(fake.ports);
    await ingestAt(deps, customerSignedUp(customerId, "2026-03-01T08:00:00Z", { email: "a@example.com" }));
    await ingestAt(deps, orderShipped(customerId, "2026-03-02T08:00:00Z"));
    const journeyId = fake.started.find((s) => s.journeyId.startsWith("post-purchase"))!.journeyId;

    // The delivery moves the wake from the 30-day timeout to 3 days on: generation 1 wakes it then,
    // and the first execution, asleep until the timeout, is stopped rather than left to find it stale.
    await ingestAt(deps, orderDelivered(customerId, "2026-03-04T08:00:00Z"));
    expect(fake.started).toContainEqual({ customerId, journeyId, generation: 1 });
    expect(fake.stopped).toEqual([{ customerId, journeyId }]);

    await ingestAt(deps, returnInitiated(customerId, "2026-03-05T08:00:00Z", { method: "mail" }));
    expect(fake.stopped).toEqual([
      { customerId, journeyId },
      { customerId, journeyId, generation: 1 },
    ]);
  });

  it("does not stop the workflow whose own Step ends the journey (it ends by itself)", async () => {
    const { customerId, fake, deps, journeyId } = await cartJourney("b@example.com");

    for (const at of ["2026-03-02T11:00:00Z", "2026-03-03T10:00:00Z"]) {
      clock.now = Date.parse(at);
      await journeyStep(deps, { customerId, instanceId: journeyId });
    }

    expect(fake.delivered.filter((d) => d.campaign === "cart-abandonment")).toHaveLength(2);
    expect((await runner.store.load(customerId)).state.journeys).toEqual([]);
    expect(fake.stopped).toEqual([]);
  });

  it("stops it also when the same run's email is left to a retry (the retry decides nothing again)", async () => {
    const { customerId, fake, deps, journeyId } = await cartJourney("c@example.com");
    fake.failNext.deliver.push(
      new RetryableError("Maximum sending rate exceeded", "TooManyRequestsException"),
    );

    // The order confirmation's send fails for now; the order still exits the cart reminder.
    await expect(ingestAt(deps, order(customerId))).rejects.toBeInstanceOf(RetryableError);

    expect(fake.attempts.map((a) => a.campaign)).toContain("order-confirmation");
    expect(fake.stopped).toEqual([{ customerId, journeyId }]);
  });

  it("logs a stop that failed and keeps the decision: the workflow then wakes and finds the journey gone", async () => {
    const customerId = nextCustomer();
    const fake = recordingPorts();
    const deps = runtime(fake.ports);
    await ingestAt(deps, cart(customerId));
    fake.failNext.stopJourney.push(
      Object.assign(new Error("rate exceeded"), { name: "ThrottlingException" }),
    );

    await expect(ingestAt(deps, order(customerId))).resolves.toMatchObject({ outcome: "applied" });

    expect(fake.stopped).toEqual([]);
    expect(deps.log.lines).toContainEqual(
      expect.objectContaining({
        message: "workflow not stopped",
        fields: expect.objectContaining({ customerId, reason: "ThrottlingException" }),
      }),
    );
    const { journeys } = (await runner.store.load(customerId)).state;
    expect(journeys.filter((j) => j.campaign === "cart-abandonment")).toEqual([]);
  });
});
