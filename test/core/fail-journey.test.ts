import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import { failJourney } from "../../functions/core/engine/fail-journey.ts";
import { type CustomerEvent, parseEnvelope } from "../../functions/core/events/envelope.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { defineCampaign, shippedEngineSettings } from "../support/scenario.ts";

// One journey per customer at a time, again a day after the last one: a journey that no workflow
// will ever advance must not hold that slot for good.
const nudge = defineCampaign({
  id: "nudge",
  name: "Nudge",
  kind: "marketing",
  triggers: [{ type: "event", event: "app.opened" }],
  reentry: { window: "P1D" },
  steps: [
    { id: "wait", type: "wait", duration: "PT1H" },
    { id: "email", type: "send", channel: "email", template: "note" },
  ],
  templates: { note: { subject: "Hello", body: "<p>Hello</p>" } },
});
const compiled = compileCampaigns([nudge], shippedEngineSettings());

const opened = (at: string, id: string) => {
  const parsed = parseEnvelope({
    id,
    source: "test",
    "detail-type": "app.opened",
    time: at,
    detail: { customerId: "c1" },
  });
  if (parsed.kind !== "event") throw new Error("bad test event");
  return parsed.event as CustomerEvent;
};

describe("failJourney", () => {
  it("ends a failed journey: finished, counted as failed, its slot free for the next journey of its trigger", () => {
    const state = emptyCustomerState("c1");
    decide(compiled, state, opened("2026-03-02T10:00:00Z", "e1"));
    const [journey] = state.journeys;
    expect(journey).toBeDefined();

    const at = Date.parse("2026-03-02T10:05:00Z");
    expect(failJourney(compiled, state, journey!.id, at)).toEqual([
      { type: "journey", change: "failed", campaign: "nudge", journeyId: journey!.id, customerId: "c1", at },
    ]);
    expect(state.journeys).toEqual([]);
    expect(state.finished[journey!.id]).toBe(at);

    const next = decide(compiled, state, opened("2026-03-04T10:00:00Z", "e2"));
    expect(next).toContainEqual(expect.objectContaining({ type: "journey", change: "started" }));
    expect(state.journeys).toHaveLength(1);
    expect(state.journeys[0]!.id).not.toBe(journey!.id);
  });

  it("changes nothing for a journey already gone, or failed twice (a redelivered journey.failed)", () => {
    const state = emptyCustomerState("c1");
    decide(compiled, state, opened("2026-03-02T10:00:00Z", "e1"));
    const id = state.journeys[0]!.id;
    failJourney(compiled, state, id, Date.parse("2026-03-02T10:05:00Z"));
    const snapshot = structuredClone(state);
    expect(failJourney(compiled, state, id, Date.parse("2026-03-02T10:06:00Z"))).toEqual([]);
    expect(failJourney(compiled, state, "nudge:c1:unknown:", Date.parse("2026-03-02T10:06:00Z"))).toEqual([]);
    expect(state).toEqual(snapshot);
  });

  it("changes nothing for the failure of a workflow older than the journey's live one", () => {
    const state = emptyCustomerState("c1");
    decide(compiled, state, opened("2026-03-02T10:00:00Z", "e1"));
    const journey = state.journeys[0]!;
    // As an awaited event that woke it earlier leaves it: generation 2 is its live workflow.
    journey.wakeGeneration = 2;
    const snapshot = structuredClone(state);
    const at = Date.parse("2026-03-02T10:05:00Z");

    expect(failJourney(compiled, state, journey.id, at, {})).toEqual([]);
    expect(failJourney(compiled, state, journey.id, at, { generation: 1 })).toEqual([]);
    expect(state).toEqual(snapshot);

    expect(failJourney(compiled, state, journey.id, at, { generation: 2 })).toEqual([
      expect.objectContaining({ type: "journey", change: "failed", journeyId: journey.id }),
    ]);
    expect(state.journeys).toEqual([]);
  });

  it("ends the journey on a failure that names no workflow (recorded before failures carried one)", () => {
    const state = emptyCustomerState("c1");
    decide(compiled, state, opened("2026-03-02T10:00:00Z", "e1"));
    const journey = state.journeys[0]!;
    journey.wakeGeneration = 2;
    expect(failJourney(compiled, state, journey.id, Date.parse("2026-03-02T10:05:00Z"))).toHaveLength(1);
    expect(state.journeys).toEqual([]);
  });
});
