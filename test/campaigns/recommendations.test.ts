import { describe, expect, it } from "vitest";
import { customerSignedUp, orderPlaced, productViewed } from "../support/events.ts";
import { expectedLines } from "../support/lines.ts";
import { messages, type TestEvent } from "../support/scenario.ts";

// Mondays 10:00 in Paris (CET, UTC+1): 2026-01-26 … 2026-03-02 at 09:00Z.
const signup = (at: string) => customerSignedUp("c1", at);
const view = (at: string, productId: string, brand: string) =>
  productViewed("c1", at, { product: { productId, name: `Product ${productId}`, brand, price: 10 } });
const order = (at: string, productId: string, brand: string) =>
  orderPlaced("c1", at, { orderId: `o-${at}`, items: [{ productId, brand, price: 10 }] });

const { sent } = expectedLines("recommendations");
const email = (at: string, productIds?: string[]) =>
  sent({
    at,
    step: "recommendations-email",
    template: "recommendations",
    subject: "Picked for you this week",
    productIds,
  });

describe("recommendations", () => {
  const cases: { name: string; events: TestEvent[]; until: string; expected: unknown[] }[] = [
    {
      name: "Monday 10:00 local: the viewed products, most recent first",
      events: [
        signup("2026-02-20T08:00:00Z"),
        view("2026-02-25T10:00:00Z", "p1", "Acme"),
        view("2026-02-27T10:00:00Z", "p2", "Zeta"),
      ],
      until: "2026-03-03T00:00:00Z",
      expected: [email("2026-03-02T09:00:00.000Z", ["p2", "p1"])],
    },
    {
      name: "products bought after the view are left out",
      events: [
        signup("2026-02-20T08:00:00Z"),
        view("2026-02-25T10:00:00Z", "p1", "Acme"),
        view("2026-02-26T10:00:00Z", "p2", "Zeta"),
        order("2026-02-27T10:00:00Z", "p2", "Zeta"),
      ],
      until: "2026-03-03T00:00:00Z",
      expected: [email("2026-03-02T09:00:00.000Z", ["p1"])],
    },
    {
      name: "top brands alone are enough (no recent view)",
      events: [signup("2026-02-05T08:00:00Z"), order("2026-02-24T10:00:00Z", "p9", "Acme")],
      until: "2026-03-03T00:00:00Z",
      expected: [email("2026-03-02T09:00:00.000Z")],
    },
    {
      name: "nothing to show: no email",
      events: [signup("2026-02-20T08:00:00Z")],
      until: "2026-03-03T00:00:00Z",
      expected: [],
    },
    {
      name: "weekly while active; stops once the last activity is more than 30 d old",
      events: [signup("2026-01-20T09:00:00Z"), order("2026-01-20T10:00:00Z", "p9", "Acme")],
      until: "2026-03-10T00:00:00Z",
      expected: [
        email("2026-01-26T09:00:00.000Z"),
        email("2026-02-02T09:00:00.000Z"),
        email("2026-02-09T09:00:00.000Z"),
        email("2026-02-16T09:00:00.000Z"),
      ],
    },
  ];

  it.each(cases)("$name", ({ events, until, expected }) => {
    expect(messages(["recommendations"], events, { until })).toEqual(expected);
  });
});
