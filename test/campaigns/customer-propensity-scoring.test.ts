import { describe, expect, it } from "vitest";
import { cartUpdated, customerSignedUp, orderPlaced, productViewed } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const view = (at: string, productId: string) =>
  productViewed("c1", at, { product: { productId, price: 10 } });
/** Three product views one minute apart from `start` (+0.2 once active; +0.3 for the activity itself). */
const views = (start: string): TestEvent[] =>
  [0, 1, 2].map((i) => view(new Date(Date.parse(start) + i * 60_000).toISOString(), `p${i + 1}`));
const cart = (at: string) => cartUpdated("c1", at, { items: [{ productId: "p1", price: 10 }] });
const order = (at: string) => orderPlaced("c1", at, { items: [{ productId: "p9", price: 10 }] });

const { sent } = expectedLines("customer-propensity-scoring");
const email = (at: string) =>
  sent({ at, step: "picked-for-you-email", template: "picked-for-you", subject: "Picked for you" });

describe("customer-propensity-scoring", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "active + 3 views + a cart update (0.3 + 0.2 + 0.3) crosses 0.7: email at the crossing",
      events: [signup, ...views("2026-03-02T10:00:00Z"), cart("2026-03-02T10:20:00Z")],
      expected: [email("2026-03-02T10:20:00.000Z")],
    },
    {
      name: "0.5 (active + 3 views) is below 0.7: nothing",
      events: [signup, ...views("2026-03-02T10:00:00Z")],
      expected: [],
    },
    {
      name: "a crossing caused by an order (an order in the last 7 d) sends nothing",
      events: [signup, cart("2026-03-02T10:00:00Z"), order("2026-03-02T10:30:00Z")],
      expected: [],
    },
    {
      name: "an order 1 d before the crossing blocks it; a crossing 11 d after that order sends",
      events: [
        signup,
        order("2026-03-01T09:00:00Z"),
        cart("2026-03-02T10:00:00Z"),
        // 10 d of inactivity: only "has ordered" (0.2) is left; a view (+0.3) and a cart update (+0.3) cross again.
        view("2026-03-12T10:00:00Z", "p1"),
        cart("2026-03-12T10:10:00Z"),
      ],
      expected: [email("2026-03-12T10:10:00.000Z")],
    },
    {
      name: "once per 14 d: a new crossing 10 d later is skipped, one 23 d later sends",
      events: [
        signup,
        ...views("2026-03-02T10:00:00Z"),
        cart("2026-03-02T10:20:00Z"),
        ...views("2026-03-12T10:00:00Z"),
        cart("2026-03-12T10:20:00Z"),
        ...views("2026-03-25T10:00:00Z"),
        cart("2026-03-25T10:20:00Z"),
      ],
      expected: [email("2026-03-02T10:20:00.000Z"), email("2026-03-25T10:20:00.000Z")],
    },
    {
      name: "staying above 0.7 sends nothing more",
      events: [
        signup,
        ...views("2026-03-02T10:00:00Z"),
        cart("2026-03-02T10:20:00Z"),
        view("2026-03-03T10:00:00Z", "p4"),
        cart("2026-03-04T10:00:00Z"),
      ],
      expected: [email("2026-03-02T10:20:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["customer-propensity-scoring"], events, { until: "2026-04-10T00:00:00Z" })).toEqual(
      expected,
    );
  });
});
