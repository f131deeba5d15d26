import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import type { MessageDecision } from "../../functions/core/engine/decisions.ts";
import { type CustomerEvent, parseJsonLine } from "../../functions/core/events/envelope.ts";
import { appliedStatus } from "../../functions/core/state/applied-events.ts";
import { type CustomerState, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { consentUpdated, customerSignedUp, customerUpdated, productViewed } from "../support/events.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";

const compiled = compileCampaigns(
  [shippedCampaign("welcome"), shippedCampaign("browse-abandonment")],
  shippedEngineSettings(),
);

function events(list: TestEvent[]): CustomerEvent[] {
  return toJsonLines(list).map((line) => {
    const outcome = parseJsonLine(line);
    if (outcome.kind !== "event") throw new Error(line);
    return outcome.event as CustomerEvent;
  });
}

function applyAll(state: CustomerState, list: CustomerEvent[]) {
  return list.flatMap((event) => decide(compiled, state, event));
}

describe("consent and profile follow the event's own time, not its arrival", () => {
  const [optIn, optOut] = events([
    {
      ...consentUpdated("c1", "2026-03-02T10:00:00Z", { status: "opted_in", topic: "newsletter" }),
      id: "in",
    },
    {
      ...consentUpdated("c1", "2026-03-02T11:00:00Z", { status: "opted_out", topic: "newsletter" }),
      id: "out",
    },
  ]) as [CustomerEvent, CustomerEvent];

  it("an opt-in older than an opt-out, delivered after it, does not re-subscribe", () => {
    const state = emptyCustomerState("c1");
    applyAll(state, [optOut, optIn]);
    expect(state.consent.topics.newsletter).toBe("opted_out");
  });

  it("the same for channels, the SMS box of a profile update, and profile fields", () => {
    const [signup, emailOut, update, olderUpdate] = events([
      {
        ...customerSignedUp("c1", "2026-03-01T08:00:00Z", { phone: "+14155550100", smsOptIn: true }),
        id: "s",
      },
      { ...consentUpdated("c1", "2026-03-03T08:00:00Z", { status: "opted_out" }), id: "eo" },
      {
        ...customerUpdated("c1", "2026-03-04T08:00:00Z", { email: "new@example.com", smsOptIn: false }),
        id: "u2",
      },
      {
        ...customerUpdated("c1", "2026-03-02T08:00:00Z", {
          email: "old@example.com",
          smsOptIn: true,
          firstName: "Ada",
        }),
        id: "u1",
      },
    ]) as CustomerEvent[];
    const inOrder = emptyCustomerState("c1");
    applyAll(inOrder, [signup!, olderUpdate!, emailOut!, update!]);
    const lateOlder = emptyCustomerState("c1");
    applyAll(lateOlder, [update!, emailOut!, signup!, olderUpdate!]);
    for (const state of [inOrder, lateOlder]) {
      expect(state.consent).toMatchObject({ email: "opted_out", sms: "opted_out" });
      expect(state.profile).toMatchObject({ email: "new@example.com", firstName: "Ada" });
      expect(state.profile.signedUpAt).toBe(Date.parse("2026-03-01T08:00:00Z"));
    }
  });

  it("at the same instant the tie is broken by the event id, whatever the arrival order", () => {
    const [a, b] = events([
      { ...consentUpdated("c1", "2026-03-02T10:00:00Z", { status: "opted_in" }), id: "tie-a" },
      { ...consentUpdated("c1", "2026-03-02T10:00:00Z", { status: "opted_out" }), id: "tie-b" },
    ]) as [CustomerEvent, CustomerEvent];
    const one = emptyCustomerState("c1");
    applyAll(one, [a, b]);
    const other = emptyCustomerState("c1");
    applyAll(other, [b, a]);
    expect(one.consent.email).toBe(other.consent.email);
  });
});

describe("replays: bounded memory of applied events, with a watermark", () => {
  const keep = compiled.settings.retention.appliedEvents ?? 64;
  const stream = events([
    { ...customerSignedUp("c1", "2026-03-01T08:00:00Z", { newsletter: true }), id: "signup" },
    ...Array.from({ length: keep * 2 }, (_, i) => ({
      ...productViewed("c1", new Date(Date.parse("2026-03-01T09:00:00Z") + i * 60_000).toISOString(), {
        product: { productId: `p${i % 7}`, brand: "acme" },
      }),
      id: `view-${i}`,
    })),
    {
      ...consentUpdated("c1", "2026-03-05T08:00:00Z", { status: "opted_out", topic: "newsletter" }),
      id: "out",
    },
  ]);

  it(`keeps ${keep} ids; an older forgotten event is a possible replay, a newer unknown one is new`, () => {
    const state = emptyCustomerState("c1");
    applyAll(state, stream);
    expect(state.appliedEvents).toHaveLength(keep);
    expect(appliedStatus(state, "signup", stream[0]!.at)).toBe("possibly_applied");
    expect(appliedStatus(state, "out", stream.at(-1)!.at)).toBe("applied");
    expect(appliedStatus(state, "late", Date.parse("2026-03-06T00:00:00Z"))).toBe("new");
  });

  it("the whole stream replayed, in another order, changes nothing and decides nothing", () => {
    const state = emptyCustomerState("c1");
    const first = applyAll(state, stream);
    expect(first.some((d) => d.type === "message")).toBe(true);
    const after = JSON.stringify(state);
    const replayed = applyAll(state, [...stream].reverse());
    expect(replayed.filter((d): d is MessageDecision => d.type === "message")).toEqual([]);
    expect(replayed).toEqual([]);
    expect(JSON.stringify(state)).toBe(after);
    expect(state.consent.topics.newsletter).toBe("opted_out");
  });
});
