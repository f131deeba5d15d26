import { describe, expect, it } from "vitest";
import {
  cartUpdated,
  customerSignedUp,
  orderPlaced,
  productViewed,
  wishlistAdded,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const item = (productId: string, brand: string) => ({ productId, brand, price: 10 });
/** An order of `count` products of `brand` (purchase weight 5 each). */
const order = (at: string, orderId: string, ...brands: [string, number][]) =>
  orderPlaced("c1", at, {
    orderId,
    items: brands.flatMap(([brand, count]) =>
      Array.from({ length: count }, (_, i) => item(`${brand}-${i + 1}`, brand)),
    ),
  });
const view = (at: string, productId: string, brand = "Acme") =>
  productViewed("c1", at, { product: item(productId, brand) });
const wishlist = (at: string, productId: string, brand = "Acme") =>
  wishlistAdded("c1", at, { product: item(productId, brand) });
const cart = (at: string, productIds: string[], brand = "Acme") =>
  cartUpdated("c1", at, { items: productIds.map((id) => item(id, brand)) });

const { sent } = expectedLines("brand-affinity-scoring");
const email = (at: string, brand: string) =>
  sent({ at, step: "more-from-brand-email", template: "more-from-brand", subject: `More from ${brand}` });

describe("brand-affinity-scoring", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "three purchases of a brand (3 x 5) reach 15: email about that brand",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", ["Acme", 3])],
      expected: [email("2026-03-02T10:00:00.000Z", "Acme")],
    },
    {
      name: "cart (3 x 3), wishlist (2 x 2) and views add up: the view that reaches 15 sends",
      events: [
        signup,
        cart("2026-03-02T10:00:00Z", ["a1", "a2", "a3"]),
        wishlist("2026-03-02T10:00:00Z", "a4"),
        wishlist("2026-03-02T10:00:00Z", "a5"),
        view("2026-03-02T10:00:00Z", "a6"),
        view("2026-03-02T10:00:00Z", "a7"),
      ],
      expected: [email("2026-03-02T10:00:00.000Z", "Acme")],
    },
    {
      name: "below 15 (14 views) sends nothing",
      events: [signup, ...Array.from({ length: 14 }, (_, i) => view("2026-03-02T10:00:00Z", `a${i}`))],
      expected: [],
    },
    {
      name: "affinity decays (half-life 30 d): views spread over two months never reach 15",
      events: [
        signup,
        ...Array.from({ length: 15 }, (_, i) =>
          view(new Date(Date.parse("2026-03-02T10:00:00Z") + i * 4 * 86_400_000).toISOString(), `a${i}`),
        ),
      ],
      expected: [],
    },
    {
      name: "one email per brand that crosses",
      events: [signup, order("2026-03-02T10:00:00Z", "o1", ["Acme", 3], ["Zen", 4], ["Other", 1])],
      expected: [email("2026-03-02T10:00:00.000Z", "Acme"), email("2026-03-02T10:00:00.000Z", "Zen")],
    },
    {
      name: "staying above 15 sends nothing more",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", ["Acme", 3]),
        view("2026-03-03T10:00:00Z", "a9"),
        order("2026-03-04T10:00:00Z", "o2", ["Acme", 2]),
      ],
      expected: [email("2026-03-02T10:00:00.000Z", "Acme")],
    },
    {
      name: "once per brand per 90 d: a new crossing after 30 d is skipped, one after 100 d sends",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", ["Acme", 3]),
        // 30 d later the score has halved to 7.5; two purchases take it back over 15.
        order("2026-04-01T10:00:00Z", "o2", ["Acme", 2]),
        // 100 d after the first email the score is about 3.5; three purchases cross again.
        order("2026-06-10T10:00:00Z", "o3", ["Acme", 3]),
      ],
      expected: [email("2026-03-02T10:00:00.000Z", "Acme"), email("2026-06-10T10:00:00.000Z", "Acme")],
    },
    {
      name: "the 90 d lock is per brand: another brand still sends",
      events: [
        signup,
        order("2026-03-02T10:00:00Z", "o1", ["Acme", 3]),
        order("2026-03-20T10:00:00Z", "o2", ["Zen", 3]),
      ],
      expected: [email("2026-03-02T10:00:00.000Z", "Acme"), email("2026-03-20T10:00:00.000Z", "Zen")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["brand-affinity-scoring"], events, { until: "2026-07-01T00:00:00Z" })).toEqual(expected);
  });
});
