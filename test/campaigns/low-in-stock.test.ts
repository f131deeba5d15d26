import { describe, expect, it } from "vitest";
import {
  cartUpdated,
  customerSignedUp,
  orderPlaced,
  productInventoryChanged,
  productViewed,
  wishlistAdded,
  wishlistRemoved,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const product = { productId: "p1", name: "Blue Lamp", price: 40 };
const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const cart = (at: string, productIds: string[]) =>
  cartUpdated("c1", at, { items: productIds.map((productId) => ({ productId, price: 40 })) });
const stock = (at: string, previousQuantity: number, quantity: number) =>
  productInventoryChanged(at, { product, previousQuantity, quantity });

const { sent } = expectedLines("low-in-stock");
const email = (at: string, quantity: number) =>
  sent({
    at,
    step: "low-in-stock-email",
    template: "low-in-stock",
    subject: `Only ${quantity} left: Blue Lamp`,
    productIds: ["p1"],
  });
const wished = wishlistAdded("c1", "2026-03-02T10:00:00Z", { product });

describe("low-in-stock", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "wishlisted: email when the stock falls from above 5 to 5 or less",
      events: [signup, wished, stock("2026-03-04T09:00:00Z", 12, 4)],
      expected: [email("2026-03-04T09:00:00.000Z", 4)],
    },
    {
      name: "in an open cart: email, and 6 -> 5 is a crossing",
      events: [signup, cart("2026-03-02T10:00:00Z", ["p1"]), stock("2026-03-04T09:00:00Z", 6, 5)],
      expected: [email("2026-03-04T09:00:00.000Z", 5)],
    },
    {
      name: "already at 5 or less: no crossing, nothing",
      events: [signup, wished, stock("2026-03-04T09:00:00Z", 5, 3)],
      expected: [],
    },
    {
      name: "staying above 5: nothing",
      events: [signup, wished, stock("2026-03-04T09:00:00Z", 20, 6)],
      expected: [],
    },
    {
      name: "sold out (0) is not low in stock",
      events: [signup, wished, stock("2026-03-04T09:00:00Z", 8, 0)],
      expected: [],
    },
    {
      name: "a view alone is not enough interest",
      events: [
        signup,
        productViewed("c1", "2026-03-02T10:00:00Z", { product }),
        stock("2026-03-04T09:00:00Z", 12, 4),
      ],
      expected: [],
    },
    {
      name: "a cart emptied since: nothing",
      events: [
        signup,
        cart("2026-03-02T10:00:00Z", ["p1"]),
        cart("2026-03-03T10:00:00Z", []),
        stock("2026-03-04T09:00:00Z", 12, 4),
      ],
      expected: [],
    },
    {
      name: "removed from the wishlist: nothing",
      events: [
        signup,
        wished,
        wishlistRemoved("c1", "2026-03-03T10:00:00Z", { product }),
        stock("2026-03-04T09:00:00Z", 12, 4),
      ],
      expected: [],
    },
    {
      name: "bought since wishlisting: nothing",
      events: [
        signup,
        wished,
        orderPlaced("c1", "2026-03-03T10:00:00Z", { items: [{ productId: "p1", price: 40 }] }),
        stock("2026-03-04T09:00:00Z", 12, 4),
      ],
      expected: [],
    },
    {
      name: "once per product per 7 d: a second crossing 3 d later is skipped, one 8 d later is sent",
      events: [
        signup,
        wished,
        stock("2026-03-04T09:00:00Z", 12, 4),
        stock("2026-03-05T09:00:00Z", 4, 30),
        stock("2026-03-07T09:00:00Z", 30, 2),
        stock("2026-03-08T09:00:00Z", 2, 30),
        stock("2026-03-12T09:00:00Z", 30, 3),
      ],
      expected: [email("2026-03-04T09:00:00.000Z", 4), email("2026-03-12T09:00:00.000Z", 3)],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["low-in-stock"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});
