import { describe, expect, it } from "vitest";
import { cartUpdated, customerSignedUp, orderPlaced, productViewed } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

const signup = customerSignedUp("c1", "2026-03-01T08:00:00Z");
const view = (at: string, productId: string) =>
  productViewed("c1", at, { product: { productId, name: `Product ${productId}`, price: 10 } });
const cart = (at: string, productIds: string[]) =>
  cartUpdated("c1", at, { items: productIds.map((productId) => ({ productId, price: 10 })) });
const order = (at: string) => orderPlaced("c1", at, { items: [{ productId: "p9" }], total: 10 });

const { sent } = expectedLines("browse-abandonment");
const email = (at: string, productIds: string[]) =>
  sent({
    at,
    step: "browse-email",
    template: "browse",
    subject: `Still thinking about Product ${productIds[0]}?`,
    productIds,
  });

describe("browse-abandonment", () => {
  const cases: { name: string; events: TestEvent[]; expected: unknown[] }[] = [
    {
      name: "one email 2 h after the last view, newest product first",
      events: [signup, view("2026-03-02T10:00:00Z", "p1"), view("2026-03-02T11:00:00Z", "p2")],
      expected: [email("2026-03-02T13:00:00.000Z", ["p2", "p1"])],
    },
    {
      name: "at most 3 products, a product viewed again moves to the front",
      events: [
        signup,
        view("2026-03-02T10:00:00Z", "p1"),
        view("2026-03-02T10:10:00Z", "p2"),
        view("2026-03-02T10:20:00Z", "p3"),
        view("2026-03-02T10:30:00Z", "p4"),
        view("2026-03-02T10:40:00Z", "p2"),
      ],
      expected: [email("2026-03-02T12:40:00.000Z", ["p2", "p4", "p3"])],
    },
    {
      name: "a cart update before the email exits",
      events: [signup, view("2026-03-02T10:00:00Z", "p1"), cart("2026-03-02T11:00:00Z", ["p1"])],
      expected: [],
    },
    {
      name: "an emptied cart counts as a cart update too",
      events: [signup, view("2026-03-02T10:00:00Z", "p1"), cart("2026-03-02T11:59:00Z", [])],
      expected: [],
    },
    {
      name: "an order before the email exits",
      events: [signup, view("2026-03-02T10:00:00Z", "p1"), order("2026-03-02T11:00:00Z")],
      expected: [],
    },
    {
      name: "after an exit, a later browse starts a new journey",
      events: [
        signup,
        view("2026-03-02T10:00:00Z", "p1"),
        cart("2026-03-02T11:00:00Z", ["p1"]),
        view("2026-03-03T10:00:00Z", "p2"),
      ],
      expected: [email("2026-03-03T12:00:00.000Z", ["p2"])],
    },
    {
      name: "once per 7 d: a browse 3 d later gets nothing, one 8 d later gets an email",
      events: [
        signup,
        view("2026-03-02T10:00:00Z", "p1"),
        view("2026-03-05T10:00:00Z", "p2"),
        view("2026-03-10T10:00:00Z", "p3"),
      ],
      expected: [email("2026-03-02T12:00:00.000Z", ["p1"]), email("2026-03-10T12:00:00.000Z", ["p3"])],
    },
  ];

  it.each(cases)("$name", ({ events, expected }) => {
    expect(messages(["browse-abandonment"], events, { until: "2026-03-20T00:00:00Z" })).toEqual(expected);
  });
});
