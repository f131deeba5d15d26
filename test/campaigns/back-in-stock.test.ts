import { describe, expect, it } from "vitest";
import {
  customerSignedUp,
  orderPlaced,
  productAlertRequested,
  productInventoryChanged,
  productViewed,
  wishlistAdded,
  wishlistRemoved,
} from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const product = { productId: "p1", name: "Blue Lamp", price: 40 };
const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const alert = (at: string, kind: "back_in_stock" | "price_drop" = "back_in_stock") =>
  productAlertRequested("c1", at, { productId: "p1", kind });
const stock = (at: string, previousQuantity: number, quantity: number, id?: string): TestEvent => ({
  ...productInventoryChanged(at, { product, previousQuantity, quantity }),
  ...(id ? { id } : {}),
});

const { sent } = expectedLines("back-in-stock");
const email = (at: string) =>
  sent({
    at,
    step: "back-in-stock-email",
    template: "back-in-stock",
    subject: "Blue Lamp is back in stock",
    productIds: ["p1"],
  });

describe("back-in-stock", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "a back-in-stock alert: email when the product goes from 0 to > 0",
      events: [signup, alert("2026-03-02T10:00:00Z"), stock("2026-03-05T09:00:00Z", 0, 12)],
      expected: [email("2026-03-05T09:00:00.000Z")],
    },
    {
      name: "a wishlisted product: email on restock",
      events: [
        signup,
        wishlistAdded("c1", "2026-03-02T10:00:00Z", { product }),
        stock("2026-03-05T09:00:00Z", 0, 3),
      ],
      expected: [email("2026-03-05T09:00:00.000Z")],
    },
    {
      name: "a stock change that is not from 0 sends nothing",
      events: [signup, alert("2026-03-02T10:00:00Z"), stock("2026-03-05T09:00:00Z", 2, 12)],
      expected: [],
    },
    {
      name: "going to 0 sends nothing",
      events: [signup, alert("2026-03-02T10:00:00Z"), stock("2026-03-05T09:00:00Z", 4, 0)],
      expected: [],
    },
    {
      name: "a view alone is not enough interest",
      events: [
        signup,
        productViewed("c1", "2026-03-02T10:00:00Z", { product }),
        stock("2026-03-05T09:00:00Z", 0, 12),
      ],
      expected: [],
    },
    {
      name: "a price-drop alert is not a back-in-stock alert",
      events: [signup, alert("2026-03-02T10:00:00Z", "price_drop"), stock("2026-03-05T09:00:00Z", 0, 12)],
      expected: [],
    },
    {
      name: "removed from the wishlist: nothing",
      events: [
        signup,
        wishlistAdded("c1", "2026-03-02T10:00:00Z", { product }),
        wishlistRemoved("c1", "2026-03-03T10:00:00Z", { product }),
        stock("2026-03-05T09:00:00Z", 0, 12),
      ],
      expected: [],
    },
    {
      name: "bought since the alert: nothing",
      events: [
        signup,
        alert("2026-03-02T10:00:00Z"),
        orderPlaced("c1", "2026-03-03T10:00:00Z", { items: [{ productId: "p1", price: 40 }] }),
        stock("2026-03-05T09:00:00Z", 0, 12),
      ],
      expected: [],
    },
    {
      name: "once per restock: a repeated delivery of the restock sends once, the next restock sends again",
      events: [
        signup,
        alert("2026-03-02T10:00:00Z"),
        stock("2026-03-05T09:00:00Z", 0, 12, "restock-1"),
        stock("2026-03-05T09:00:00Z", 0, 12, "restock-1"),
        stock("2026-03-05T12:00:00Z", 12, 10),
        stock("2026-03-06T12:00:00Z", 10, 0),
        stock("2026-03-08T09:00:00Z", 0, 20, "restock-2"),
      ],
      expected: [email("2026-03-05T09:00:00.000Z"), email("2026-03-08T09:00:00.000Z")],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["back-in-stock"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});
