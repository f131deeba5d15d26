import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { WakingStart } from "../../functions/runtime/claim-effects.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import { EFFECT_LEASE_MS } from "../../functions/runtime/customer-runner.ts";
import { performEntry } from "../../functions/runtime/perform-outbox.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { cartUpdated, customerSignedUp, productViewed } from "../support/events.ts";
import { recordingLog, recordingPorts } from "../support/recording-ports.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";
import { useRunnerOnDynalite } from "./runner-on-dynalite.ts";

/**
 * The journey workflow begins with its Wait, on the wake its input carries. A start claimed by code
 * that did not keep the wake in the outbox entry, and performed after the upgrade (a retry, a takeover
 * of a lapsed claim), takes the journey's wake; one whose journey has ended starts nothing.
 */
const engine = compileCampaigns([shippedCampaign("cart-abandonment")], shippedEngineSettings(), {
  renderBodies: true,
});
const runner = useRunnerOnDynalite();
const { clock } = runner;

let eventCount = 0;
const envelope = (event: TestEvent): unknown =>
  JSON.parse(toJsonLines([{ ...event, id: `e${++eventCount}` }])[0]!);

function startsRecorded() {
  const fake = recordingPorts();
  const starts: WakingStart[] = [];
  const deps: RuntimeDeps = {
    compiled: engine,
    store: runner.store,
    ports: {
      ...fake.ports,
      async startJourney(customerId, start) {
        starts.push(start);
        await fake.ports.startJourney(customerId, start);
      },
    },
    now: () => clock.now,
    log: recordingLog(),
  };
  return { deps, starts };
}

async function ingestAt(deps: RuntimeDeps, event: TestEvent & { at: string }) {
  clock.now = Date.parse(event.at);
  await ingestEvent(deps, envelope(event));
}

const viewed = (customerId: string) =>
  productViewed(customerId, "2026-03-02T10:30:00Z", { product: { productId: "p2", price: 5 } });

/** The customer's cart journey, and its start entry put back as code before the change claimed it. */
async function cartWithLegacyStart(customerId: string, journeyId?: (real: string) => string) {
  const { deps, starts } = startsRecorded();
  await ingestAt(deps, customerSignedUp(customerId, "2026-03-01T08:00:00Z"));
  await ingestAt(
    deps,
    cartUpdated(customerId, "2026-03-02T10:00:00Z", {
      cartId: "k1",
      items: [{ productId: "p1", price: 10 }],
    }),
  );
  const loaded = await runner.store.load(customerId);
  const journey = loaded.state.journeys.find((j) => j.campaign === "cart-abandonment")!;
  const state = structuredClone(loaded.state);
  // Claimed and left by a run that died: lapsed, so the next run takes it over.
  state.outbox.push({
    kind: "start",
    id: "start|legacy",
    journeyId: journeyId ? journeyId(journey.id) : journey.id,
    claimedAt: clock.now - 2 * EFFECT_LEASE_MS,
  });
  await runner.store.save(state, loaded.version);
  starts.length = 0;
  return { deps, starts, journey };
}

describe("a start claimed without the journey's wake", () => {
  it("is performed with the journey's wake and step", async () => {
    const { deps, starts, journey } = await cartWithLegacyStart("ls1");

    await ingestAt(deps, viewed("ls1"));

    expect(starts).toEqual([
      expect.objectContaining({ journeyId: journey.id, wakeAt: journey.wakeAt, step: journey.step }),
    ]);
    const { state } = await runner.store.load("ls1");
    expect(state.outbox.filter((entry) => entry.id === "start|legacy")).toEqual([]);
  });

  it("starts nothing when its journey has ended, and leaves the outbox", async () => {
    const { deps, starts } = await cartWithLegacyStart("ls2", (real) => `${real}:ended`);

    await ingestAt(deps, viewed("ls2"));

    expect(starts).toEqual([]);
    const { state } = await runner.store.load("ls2");
    expect(state.outbox.filter((entry) => entry.id === "start|legacy")).toEqual([]);
  });
});

describe("performEntry", () => {
  it("drops a start that reaches it without a wake: the workflow would fail at its Wait", async () => {
    const { deps, starts } = startsRecorded();
    const entry = { kind: "start" as const, id: "s", journeyId: "j", claimedAt: 0 };
    expect(await performEntry(deps.ports, "c", entry, 0, deps.log)).toEqual({ outcome: "dropped" });
    expect(starts).toEqual([]);
  });
});
