import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventTypes, parseEnvelope, parseJsonLine } from "../../functions/core/events/index.ts";
import { appEventTypes } from "../support/events.ts";

const envelope = (
  detailType: string,
  detail: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  version: "0",
  id: "evt-1",
  source: "shop.web",
  "detail-type": detailType,
  account: "123456789012",
  time: "2026-03-01T10:00:00Z",
  region: "us-east-1",
  resources: [],
  detail,
  ...extra,
});

describe("event envelopes", () => {
  it("parses a known event; detail.occurredAt wins over time; unknown fields are kept", () => {
    const outcome = parseEnvelope(
      envelope("cart.updated", {
        customerId: "c-1",
        cartId: "k-9",
        items: [{ productId: "p1", color: "red" }],
        total: 120,
        currency: "USD",
        occurredAt: "2026-03-01T09:59:00Z",
        channel: "web",
      }),
    );
    expect(outcome.kind).toBe("event");
    if (outcome.kind !== "event") return;
    expect(outcome.event.at).toBe(Date.parse("2026-03-01T09:59:00Z"));
    expect(outcome.event.detail).toMatchObject({
      channel: "web",
      items: [{ productId: "p1", color: "red" }],
    });
  });

  it("ignores an unknown detail-type without error", () => {
    expect(parseEnvelope(envelope("page.scrolled", {}))).toEqual({
      kind: "ignored",
      id: "evt-1",
      detailType: "page.scrolled",
    });
  });

  const rejections: [string, Record<string, unknown>, { path: string; expected: string }[]][] = [
    [
      "order.placed",
      { customerId: "c", items: [], total: 1, currency: "USD", fulfillment: "ship" },
      [{ path: "detail.orderId", expected: "string, got nothing" }],
    ],
    [
      "order.placed",
      { customerId: "c", orderId: "o", items: [], total: 1, currency: "usd", fulfillment: "drone" },
      [
        { path: "detail.currency", expected: "an ISO 4217 code such as USD" },
        { path: "detail.fulfillment", expected: 'one of "ship", "pickup"' },
      ],
    ],
    [
      "customer.signed_up",
      { customerId: "c", phone: "0612", timezone: "Mars/Olympus" },
      [
        { path: "detail.phone", expected: "an E.164 phone number such as +14155550123" },
        { path: "detail.timezone", expected: "an IANA time zone such as Europe/Paris" },
      ],
    ],
    [
      "review.submitted",
      { customerId: "c", productId: "p", rating: 6 },
      [{ path: "detail.rating", expected: "a number at most 5" }],
    ],
    [
      "product.viewed",
      { product: { productId: "p" } },
      [{ path: "detail.customerId", expected: "string, got nothing" }],
    ],
  ];
  it.each(rejections)("rejects an invalid %s naming each field", (type, detail, problems) => {
    expect(parseEnvelope(envelope(type, detail))).toEqual({
      kind: "rejected",
      id: "evt-1",
      detailType: type,
      problems,
    });
  });

  it("rejects a bad envelope", () => {
    const outcome = parseEnvelope({
      source: "x",
      "detail-type": "app.opened",
      time: "yesterday",
      detail: {},
    });
    expect(outcome).toMatchObject({
      kind: "rejected",
      detailType: "app.opened",
      problems: [{ path: "time" }],
    });
  });

  it("gives a line without id a stable id derived from the line", () => {
    const line = JSON.stringify({
      source: "t",
      "detail-type": "app.opened",
      time: "2026-03-01T10:00:00Z",
      detail: { customerId: "c" },
    });
    const first = parseJsonLine(line);
    const second = parseJsonLine(line);
    expect(first.kind).toBe("event");
    expect(first.kind === "event" && second.kind === "event" && first.event.id === second.event.id).toBe(
      true,
    );
    expect(first.kind === "event" && first.event.id).toMatch(/^line-[0-9a-f]{20}$/);
  });

  it("covers every detail-type of the catalog", () => {
    for (const type of appEventTypes) expect(eventTypes).toContain(type);
  });

  describe("dates", () => {
    const profileWith = (extra: Record<string, unknown>) =>
      parseEnvelope(envelope("customer.updated", { customerId: "c", ...extra }));

    it("rejects a day that does not exist instead of moving it, naming the field", () => {
      expect(profileWith({ birthday: "2000-02-30", dates: { anniversary: "2023-04-31" } })).toMatchObject({
        kind: "rejected",
        problems: [
          { path: "detail.birthday", expected: "a date YYYY-MM-DD that exists on the calendar" },
          { path: "detail.dates.anniversary", expected: "a date YYYY-MM-DD that exists on the calendar" },
        ],
      });
      expect(profileWith({ birthday: "2000-02-29", dates: { anniversary: "2023-04-30" } }).kind).toBe(
        "event",
      );
    });

    it("accepts a YYYY-MM-DD exactly when the calendar has that day", () => {
      const pad = (n: number, width: number) => String(n).padStart(width, "0");
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 9999 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
          (year, month, day) => {
            const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
            const probe = new Date(0);
            probe.setUTCFullYear(year, month - 1, day);
            const exists =
              probe.getUTCFullYear() === year &&
              probe.getUTCMonth() === month - 1 &&
              probe.getUTCDate() === day;
            expect(profileWith({ birthday: text }).kind).toBe(exists ? "event" : "rejected");
          },
        ),
        { numRuns: 2_000 },
      );
    });

    it("rejects an envelope time or occurredAt on a day that does not exist", () => {
      expect(
        parseEnvelope(envelope("app.opened", { customerId: "c" }, { time: "2026-02-29T10:00:00Z" })),
      ).toMatchObject({ kind: "rejected", problems: [{ path: "time" }] });
      expect(
        parseEnvelope(envelope("app.opened", { customerId: "c", occurredAt: "2026-04-31T10:00:00Z" })),
      ).toMatchObject({ kind: "rejected", problems: [{ path: "detail.occurredAt" }] });
      expect(
        parseEnvelope(
          envelope("order.ready_for_pickup", {
            customerId: "c",
            orderId: "o",
            storeId: "s",
            pickupBy: "2026-02-30T18:00:00Z",
          }),
        ),
      ).toMatchObject({ kind: "rejected", problems: [{ path: "detail.pickupBy" }] });
    });
  });
});
