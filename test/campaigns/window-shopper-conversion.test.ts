import { describe, expect, it } from "vitest";
import { cartUpdated, customerSignedUp, orderPlaced, productViewed } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const view = (at: string, productId: string) =>
  productViewed("c1", at, { product: { productId, name: `Product ${productId}`, price: 10 } });
/** `count` views of p1, p2, … one hour apart from `start`. */
const views = (start: string, count: number, first = 1): TestEvent[] =>
  Array.from({ length: count }, (_, i) =>
    view(new Date(Date.parse(start) + i * 3_600_000).toISOString(), `p${first + i}`),
  );
const cart = (at: string) => cartUpdated("c1", at, { items: [{ productId: "p1", price: 10 }] });
const order = (at: string) => orderPlaced("c1", at, { items: [{ productId: "p99", price: 10 }] });

const { sent } = expectedLines("window-shopper-conversion");
const email = (at: string, productIds: string[]) =>
  sent({ at, step: "still-looking-email", template: "still-looking", subject: "Still looking?", productIds });

describe("window-shopper-conversion", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "the 5th view within 14 d: email a day later with the latest viewed products",
      events: [signup, ...views("2026-03-02T10:00:00Z", 5)],
      expected: [email("2026-03-03T14:00:00.000Z", ["p5", "p4", "p3"])],
    },
    {
      name: "the 5th view spread over 13 d still counts",
      events: [
        signup,
        view("2026-03-02T10:00:00Z", "p1"),
        view("2026-03-05T10:00:00Z", "p2"),
        view("2026-03-08T10:00:00Z", "p3"),
        view("2026-03-11T10:00:00Z", "p4"),
        view("2026-03-15T10:00:00Z", "p5"),
      ],
      expected: [email("2026-03-16T10:00:00.000Z", ["p5", "p4", "p3"])],
    },
    {
      name: "4 views are not enough",
      events: [signup, ...views("2026-03-02T10:00:00Z", 4)],
      expected: [],
    },
    {
      name: "5 views over more than 14 d are not enough",
      events: [
        signup,
        view("2026-03-01T10:00:00Z", "p1"),
        view("2026-03-05T10:00:00Z", "p2"),
        view("2026-03-08T10:00:00Z", "p3"),
        view("2026-03-11T10:00:00Z", "p4"),
        view("2026-03-16T10:00:00Z", "p5"),
      ],
      expected: [],
    },
    {
      name: "a customer who has ordered is not a window shopper",
      events: [signup, order("2026-03-01T09:00:00Z"), ...views("2026-03-02T10:00:00Z", 5)],
      expected: [],
    },
    {
      name: "a cart update within the day exits",
      events: [signup, ...views("2026-03-02T10:00:00Z", 5), cart("2026-03-03T09:00:00Z")],
      expected: [],
    },
    {
      name: "an order within the day exits",
      events: [signup, ...views("2026-03-02T10:00:00Z", 5), order("2026-03-03T09:00:00Z")],
      expected: [],
    },
    {
      name: "more views after the 5th do not start it again",
      events: [signup, ...views("2026-03-02T10:00:00Z", 8)],
      expected: [email("2026-03-03T14:00:00.000Z", ["p5", "p4", "p3"])],
    },
    {
      name: "once per 30 d: a new 5th view 16 d later is skipped, one 40 d later is sent",
      events: [
        signup,
        ...views("2026-03-02T10:00:00Z", 5, 1),
        ...views("2026-03-18T10:00:00Z", 5, 11),
        ...views("2026-04-11T10:00:00Z", 5, 21),
      ],
      expected: [
        email("2026-03-03T14:00:00.000Z", ["p5", "p4", "p3"]),
        email("2026-04-12T14:00:00.000Z", ["p25", "p24", "p23"]),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["window-shopper-conversion"], events, { until: "2026-05-01T00:00:00Z" })).toEqual(
      expected,
    );
  });
});
