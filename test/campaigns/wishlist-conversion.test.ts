import { describe, expect, it } from "vitest";
import { customerSignedUp, orderPlaced, wishlistAdded, wishlistRemoved } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const product = (productId: string) => ({ productId, name: `Product ${productId}`, price: 25 });
const added = (at: string, productId = "p1") => wishlistAdded("c1", at, { product: product(productId) });
const removed = (at: string, productId = "p1") => wishlistRemoved("c1", at, { product: product(productId) });
const order = (at: string, productIds: string[]) =>
  orderPlaced("c1", at, { orderId: "o1", items: productIds.map((productId) => ({ productId, price: 25 })) });

const { sent } = expectedLines("wishlist-conversion");
const email = (at: string, productId = "p1") =>
  sent({
    at,
    step: "wishlist-email",
    template: "wishlist-reminder",
    subject: `Product ${productId} is still on your wishlist`,
    productIds: [productId],
  });

describe("wishlist-conversion", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "a reminder 3 d after the product is wishlisted",
      events: [signup, added("2026-03-02T10:00:00Z")],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
    {
      name: "one reminder per product",
      events: [signup, added("2026-03-02T10:00:00Z", "p1"), added("2026-03-03T10:00:00Z", "p2")],
      expected: [email("2026-03-05T10:00:00.000Z", "p1"), email("2026-03-06T10:00:00.000Z", "p2")],
    },
    {
      name: "adding the same product again while waiting does not double the reminder",
      events: [signup, added("2026-03-02T10:00:00Z"), added("2026-03-03T10:00:00Z")],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
    {
      name: "removing the product from the wishlist exits",
      events: [signup, added("2026-03-02T10:00:00Z"), removed("2026-03-03T10:00:00Z")],
      expected: [],
    },
    {
      name: "removing another product does not",
      events: [signup, added("2026-03-02T10:00:00Z", "p1"), removed("2026-03-03T10:00:00Z", "p2")],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
    {
      name: "ordering the product exits",
      events: [signup, added("2026-03-02T10:00:00Z"), order("2026-03-04T10:00:00Z", ["p3", "p1"])],
      expected: [],
    },
    {
      name: "ordering something else does not",
      events: [signup, added("2026-03-02T10:00:00Z"), order("2026-03-04T10:00:00Z", ["p3"])],
      expected: [email("2026-03-05T10:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["wishlist-conversion"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});
