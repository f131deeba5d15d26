import { describe, expect, it } from "vitest";
import {
  customerSignedUp,
  orderPlaced,
  productAlertRequested,
  productPriceChanged,
  productViewed,
  wishlistAdded,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const product = { productId: "p1", name: "Blue Lamp", price: 100 };
const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const wishlist = (at: string) => wishlistAdded("c1", at, { product });
const alert = (at: string, kind: "back_in_stock" | "price_drop") =>
  productAlertRequested("c1", at, { productId: "p1", kind });
const viewed = (at: string) => productViewed("c1", at, { product });
const order = (at: string) => orderPlaced("c1", at, { items: [{ productId: "p1", price: 100 }] });
const price = (at: string, previousPrice: number, newPrice: number) =>
  productPriceChanged(at, { product: { ...product, price: newPrice }, previousPrice, price: newPrice });

const { sent } = expectedLines("price-drop-alert");
const email = (at: string, newPrice: number) =>
  sent({
    at,
    step: "price-drop-email",
    template: "price-drop",
    subject: `Price drop: Blue Lamp now ${newPrice} EUR`,
    productIds: ["p1"],
  });

describe("price-drop-alert", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "wishlisted: a 10 % drop sends",
      events: [signup, wishlist("2026-03-02T10:00:00Z"), price("2026-03-04T09:00:00Z", 100, 90)],
      expected: [email("2026-03-04T09:00:00.000Z", 90)],
    },
    {
      name: "a drop under 10 % sends nothing",
      events: [signup, wishlist("2026-03-02T10:00:00Z"), price("2026-03-04T09:00:00Z", 100, 91)],
      expected: [],
    },
    {
      name: "a price rise sends nothing",
      events: [signup, wishlist("2026-03-02T10:00:00Z"), price("2026-03-04T09:00:00Z", 90, 100)],
      expected: [],
    },
    {
      name: "a price-drop alert counts as interest",
      events: [signup, alert("2026-03-02T10:00:00Z", "price_drop"), price("2026-03-04T09:00:00Z", 100, 75)],
      expected: [email("2026-03-04T09:00:00.000Z", 75)],
    },
    {
      name: "a back-in-stock alert alone does not",
      events: [
        signup,
        alert("2026-03-02T10:00:00Z", "back_in_stock"),
        price("2026-03-04T09:00:00Z", 100, 75),
      ],
      expected: [],
    },
    {
      name: "a view in the last 14 d counts as interest",
      events: [signup, viewed("2026-03-02T10:00:00Z"), price("2026-03-15T09:00:00Z", 100, 80)],
      expected: [email("2026-03-15T09:00:00.000Z", 80)],
    },
    {
      name: "a view older than 14 d does not",
      events: [signup, viewed("2026-03-02T10:00:00Z"), price("2026-03-17T09:00:00Z", 100, 80)],
      expected: [],
    },
    {
      name: "bought since: nothing",
      events: [
        signup,
        wishlist("2026-03-02T10:00:00Z"),
        order("2026-03-03T10:00:00Z"),
        price("2026-03-04T09:00:00Z", 100, 80),
      ],
      expected: [],
    },
    {
      name: "once per product per 7 d: a second drop 2 d later is skipped, one 8 d later is sent",
      events: [
        signup,
        wishlist("2026-03-02T10:00:00Z"),
        price("2026-03-04T09:00:00Z", 100, 90),
        price("2026-03-06T09:00:00Z", 90, 80),
        price("2026-03-12T09:00:00Z", 80, 70),
      ],
      expected: [email("2026-03-04T09:00:00.000Z", 90), email("2026-03-12T09:00:00.000Z", 70)],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["price-drop-alert"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});
