import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { nextDueAt } from "../../functions/core/engine/due.ts";
import { triggerOccurrences } from "../../functions/core/engine/schedule.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { shippedCampaign, shippedEngineSettings } from "../support/scenario.ts";

const compiled = compileCampaigns([shippedCampaign("personalized-event-markers")], shippedEngineSettings());

function customer(birthday: string) {
  const state = emptyCustomerState("c-1");
  state.profile.timezone = "Europe/Berlin";
  state.profile.birthday = birthday;
  return state;
}

describe("dated occurrences", () => {
  it("are found in every year of a window, however many years it spans", () => {
    const greeting = compiled.scheduleTriggers.find((bound) => bound.trigger.id === "greeting")!;
    const from = Date.parse("2026-01-01T00:00:00Z");
    const to = Date.parse("2030-01-01T00:00:00Z");
    const found = triggerOccurrences(compiled, customer("1990-07-14"), greeting, from, to);
    expect(found.map((o) => o.key)).toEqual([
      "birthday:2026",
      "birthday:2027",
      "birthday:2028",
      "birthday:2029",
    ]);
    expect(found.map((o) => new Date(o.at).toISOString())).toEqual([
      "2026-07-14T07:00:00.000Z",
      "2027-07-14T07:00:00.000Z",
      "2028-07-14T07:00:00.000Z",
      "2029-07-14T07:00:00.000Z",
    ]);
  });

  it("give the due time of the first one within the horizon, across a new year", () => {
    const from = Date.parse("2026-12-30T00:00:00Z");
    // The treat is 7 days before: 2027-01-01 for a birthday on 8 January.
    expect(new Date(nextDueAt(compiled, customer("1990-01-08"), from)).toISOString()).toBe(
      "2027-01-01T09:00:00.000Z",
    );
    expect(new Date(nextDueAt(compiled, customer("1990-12-29"), from)).toISOString()).toBe(
      "2027-12-22T09:00:00.000Z",
    );
  });
});
