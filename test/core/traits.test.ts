import { describe, expect, it } from "vitest";
import type { CustomerEvent } from "../../functions/core/events/envelope.ts";
import { applyEvent } from "../../functions/core/state/apply-event.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { brandAffinityNow, computeTraits } from "../../functions/core/state/traits.ts";
import { shippedEngineSettings } from "../support/scenario.ts";

const settings = shippedEngineSettings();
const DAY = 86_400_000;
const T0 = Date.parse("2026-03-02T12:00:00Z");

function stateAfter(events: [number, string, Record<string, unknown>][]) {
  const state = emptyCustomerState("c1");
  state.profile.timezone = "Europe/Paris";
  events.forEach(([at, type, detail], i) => {
    applyEvent(
      state,
      { id: `e${i}`, type, at, source: "t", detail: { customerId: "c1", ...detail } } as CustomerEvent,
      settings,
    );
  });
  return state;
}
const view = (brand: string) => ({ product: { productId: `p-${brand}`, brand } });
const order = (orderId: string, total: number, brand = "acme") => ({
  orderId,
  items: [{ productId: `p-${orderId}`, brand }],
  total,
  currency: "USD",
  fulfillment: "ship",
});

describe("brand affinity", () => {
  it("sums weight x 0.5^(age/30 d): view 1, wishlist 2, cart 3, purchase 5", () => {
    const state = stateAfter([
      [T0, "product.viewed", view("acme")],
      [T0, "wishlist.added", view("acme")],
      [
        T0,
        "cart.updated",
        { cartId: "k", items: [{ productId: "x", brand: "acme" }], total: 1, currency: "USD" },
      ],
      [T0, "order.placed", order("o1", 10)],
    ]);
    expect(brandAffinityNow(state, "acme", T0, settings)).toBeCloseTo(11);
    expect(brandAffinityNow(state, "acme", T0 + 30 * DAY, settings)).toBeCloseTo(5.5);
    expect(brandAffinityNow(state, "acme", T0 + 60 * DAY, settings)).toBeCloseTo(2.75);
  });

  it("decays older interactions before adding new ones", () => {
    const state = stateAfter([
      [T0, "product.viewed", view("acme")],
      [T0 + 30 * DAY, "product.viewed", view("acme")],
    ]);
    expect(brandAffinityNow(state, "acme", T0 + 30 * DAY, settings)).toBeCloseTo(1.5);
  });
});

describe("purchase propensity", () => {
  const cases: {
    name: string;
    events: [number, string, Record<string, unknown>][];
    at: number;
    expected: number;
  }[] = [
    { name: "nothing known", events: [], at: T0, expected: 0 },
    { name: "active in the last 3 d", events: [[T0 - 2 * DAY, "app.opened", {}]], at: T0, expected: 0.3 },
    {
      name: "active in the last 7 d only",
      events: [[T0 - 5 * DAY, "app.opened", {}]],
      at: T0,
      expected: 0.2,
    },
    {
      name: "active, cart update, 3 views, an earlier order: capped at 1",
      events: [
        [T0 - 20 * DAY, "order.placed", order("o1", 10)],
        [T0 - DAY, "product.viewed", view("a")],
        [T0 - DAY, "product.viewed", view("b")],
        [T0 - DAY, "product.viewed", view("c")],
        [T0 - DAY, "cart.updated", { cartId: "k", items: [{ productId: "x" }], total: 1, currency: "USD" }],
      ],
      at: T0,
      expected: 1,
    },
    {
      name: "recent activity, cart and views: 0.3 + 0.3 + 0.2",
      events: [
        [T0 - DAY, "product.viewed", view("a")],
        [T0 - DAY, "product.viewed", view("b")],
        [T0 - DAY, "product.viewed", view("c")],
        [T0 - DAY, "cart.updated", { cartId: "k", items: [{ productId: "x" }], total: 1, currency: "USD" }],
      ],
      at: T0,
      expected: 0.8,
    },
  ];
  it.each(cases)("$name", ({ events, at, expected }) => {
    expect(computeTraits(stateAfter(events), at, settings).propensity).toBe(expected);
  });
});

describe("spend cohort and counters", () => {
  it("uses trailing 365-day spend: new < 100 <= bronze < 500 <= silver < 2000 <= gold", () => {
    const cohortAfter = (totals: number[], at = T0) =>
      computeTraits(
        stateAfter(totals.map((t, i) => [T0 - i * DAY, "order.placed", order(`o${i}`, t)])),
        at,
        settings,
      ).spendCohort;
    expect(cohortAfter([99])).toBe("new");
    expect(cohortAfter([100])).toBe("bronze");
    expect(cohortAfter([300, 199])).toBe("bronze");
    expect(cohortAfter([300, 200])).toBe("silver");
    expect(cohortAfter([2000])).toBe("gold");
    expect(cohortAfter([2000], T0 + 366 * DAY)).toBe("new");
  });

  it("counts orders once per order id, lifetime spend, first and last order", () => {
    const traits = computeTraits(
      stateAfter([
        [T0, "order.placed", order("o1", 10)],
        [T0 + DAY, "order.placed", order("o1", 10)],
        [T0 + 2 * DAY, "order.placed", order("o2", 15)],
        [T0 + 3 * DAY, "order.delivered", { orderId: "o2" }],
        [T0 + 4 * DAY, "order.delivered", { orderId: "o2" }],
      ]),
      T0 + 5 * DAY,
      settings,
    );
    expect(traits).toMatchObject({
      ordersCount: 2,
      deliveredCount: 1,
      lifetimeSpend: 25,
      firstOrderAt: T0,
      lastOrderAt: T0 + 2 * DAY,
    });
  });
});

describe("preferred hour", () => {
  it("is the most frequent local order hour, ties to the earliest, known from the 2nd order", () => {
    // 12:00 UTC is 13:00 in Paris (CET); 08:00 UTC is 09:00.
    const one = stateAfter([[T0, "order.placed", order("o1", 10)]]);
    expect(computeTraits(one, T0, settings).preferredHour).toBeUndefined();
    const tie = stateAfter([
      [T0, "order.placed", order("o1", 10)],
      [T0 - 4 * 3_600_000 + DAY, "order.placed", order("o2", 10)],
    ]);
    expect(computeTraits(tie, T0 + DAY, settings).preferredHour).toBe(9);
    const majority = stateAfter([
      [T0, "order.placed", order("o1", 10)],
      [T0 + DAY, "order.placed", order("o2", 10)],
      [T0 - 4 * 3_600_000 + 2 * DAY, "order.placed", order("o3", 10)],
    ]);
    expect(computeTraits(majority, T0 + 3 * DAY, settings).preferredHour).toBe(13);
  });
});
