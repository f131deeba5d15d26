import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventTypes, parseEnvelope, parseJsonLine } from "../../functions/core/events/index.ts";
import { EVENT_LIMITS } from "../../functions/core/events/limits.ts";
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

  describe("ids used as keys", () => {
    const long = "x".repeat(257);
    const cases: [string, string, Record<string, unknown>, string][] = [
      ["customerId", "app.opened", { customerId: long }, "detail.customerId"],
      [
        "productId",
        "product.alert_requested",
        { customerId: "c", productId: long, kind: "price_drop" },
        "detail.productId",
      ],
      [
        "an item's productId",
        "product.viewed",
        { customerId: "c", product: { productId: long } },
        "detail.product.productId",
      ],
      ["cartId", "checkout.started", { customerId: "c", cartId: long }, "detail.cartId"],
      ["orderId", "order.delivered", { customerId: "c", orderId: long }, "detail.orderId"],
      ["ticketId", "support.ticket_opened", { customerId: "c", ticketId: long }, "detail.ticketId"],
      [
        "topic",
        "consent.updated",
        { customerId: "c", channel: "email", status: "opted_in", topic: long },
        "detail.topic",
      ],
    ];
    it.each(cases)("rejects a %s longer than 256 characters, naming it", (_, type, detail, path) => {
      expect(parseEnvelope(envelope(type, detail))).toMatchObject({
        kind: "rejected",
        problems: [{ path, expected: "an id of at most 256 characters" }],
      });
    });

    it("rejects an envelope id too long to be remembered as an applied event", () => {
      expect(parseEnvelope(envelope("app.opened", { customerId: "c" }, { id: long }))).toMatchObject({
        kind: "rejected",
        id: "x".repeat(256),
        problems: [{ path: "id", expected: "an id of at most 256 characters" }],
      });
    });

    it("accepts a customer id exactly when DynamoDB can key it and it prints: 1-256 characters, no control character", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: "binary", maxLength: 300 }),
            fc.string({ unit: "grapheme", minLength: 200, maxLength: 300 }),
            fc.string({
              unit: fc.constantFrom("a", "\u0000", "\n", "\u007f", "\u0085", "€", "😀"),
              maxLength: 300,
            }),
          ),
          (customerId) => {
            const outcome = parseEnvelope(envelope("app.opened", { customerId }));
            const printable = !/\p{Cc}/u.test(customerId);
            const characters = [...customerId].length;
            const fits = characters >= 1 && characters <= EVENT_LIMITS.idChars;
            expect(outcome.kind).toBe(printable && fits ? "event" : "rejected");
            if (outcome.kind === "event")
              expect(Buffer.byteLength(customerId)).toBeLessThanOrEqual(4 * EVENT_LIMITS.idChars);
            else expect(outcome).toMatchObject({ problems: [{ path: "detail.customerId" }] });
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe("sizes", () => {
    const item = (i: number, extra: Record<string, unknown> = {}) => ({
      productId: `p-${i}`,
      name: `Merino wool crew neck sweater, ocean blue, size ${i % 5}`,
      quantity: 1,
      price: 89.9,
      brand: "Northfold",
      category: "knitwear",
      url: `https://shop.example.com/p/p-${i}`,
      imageUrl: `https://cdn.shop.example.com/p/p-${i}/main.jpg`,
      ...extra,
    });
    const cart = (items: unknown[]) =>
      envelope("cart.updated", { customerId: "c", cartId: "k", items, total: 1, currency: "USD" });

    it("accepts a full cart of a real shop: 100 items with names, brands and links", () => {
      expect(parseEnvelope(cart(Array.from({ length: 100 }, (_, i) => item(i)))).kind).toBe("event");
    });

    it("rejects a valid-looking 183 KB cart.updated, naming the list at fault", () => {
      const input = cart(Array.from({ length: 600 }, (_, i) => item(i, { name: `${"n".repeat(150)} ${i}` })));
      expect(JSON.stringify(input).length).toBeGreaterThan(180_000);
      expect(parseEnvelope(input)).toMatchObject({
        kind: "rejected",
        problems: [{ path: "detail.items", expected: "at most 100 items" }],
      });
    });

    it("rejects a detail whose unknown fields make it too large, though each known field fits", () => {
      const input = cart(Array.from({ length: 50 }, (_, i) => item(i, { notes: "z".repeat(2_000) })));
      expect(parseEnvelope(input)).toMatchObject({
        kind: "rejected",
        problems: [
          { path: "detail", expected: expect.stringMatching(/^at most 65536 bytes of JSON, got \d+$/) },
        ],
      });
    });

    const big = "y".repeat(513);
    const cases: [string, string, Record<string, unknown>, { path: string; expected: string }][] = [
      [
        "order items",
        "order.placed",
        {
          customerId: "c",
          orderId: "o",
          items: Array.from({ length: 101 }, (_, i) => item(i)),
          total: 1,
          currency: "USD",
          fulfillment: "ship",
        },
        { path: "detail.items", expected: "at most 100 items" },
      ],
      [
        "return items",
        "return.initiated",
        {
          customerId: "c",
          orderId: "o",
          returnId: "r",
          method: "mail",
          items: Array.from({ length: 101 }, (_, i) => item(i)),
        },
        { path: "detail.items", expected: "at most 100 items" },
      ],
      [
        "upsell ids",
        "wishlist.added",
        {
          customerId: "c",
          product: item(1, { upsellProductIds: Array.from({ length: 21 }, (_, i) => `u${i}`) }),
        },
        { path: "detail.product.upsellProductIds", expected: "at most 20 product ids" },
      ],
      [
        "an item name",
        "product.viewed",
        { customerId: "c", product: item(1, { name: big }) },
        { path: "detail.product.name", expected: "at most 512 characters" },
      ],
      [
        "a brand",
        "product.viewed",
        { customerId: "c", product: item(1, { brand: big }) },
        { path: "detail.product.brand", expected: "at most 512 characters" },
      ],
      [
        "a url",
        "product.viewed",
        { customerId: "c", product: item(1, { url: `https://x.example/${"u".repeat(2100)}` }) },
        { path: "detail.product.url", expected: "a URL of at most 2048 characters" },
      ],
      [
        "a javascript: url",
        "product.viewed",
        { customerId: "c", product: item(1, { imageUrl: "javascript:alert(1)" }) },
        { path: "detail.product.imageUrl", expected: "an http or https URL" },
      ],
      [
        "a tracking url",
        "order.shipped",
        { customerId: "c", orderId: "o", trackingUrl: "data:text/html,x" },
        { path: "detail.trackingUrl", expected: "an http or https URL" },
      ],
      [
        "a first name",
        "customer.signed_up",
        { customerId: "c", firstName: big },
        { path: "detail.firstName", expected: "at most 512 characters" },
      ],
      [
        "attributes",
        "customer.signed_up",
        {
          customerId: "c",
          attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i])),
        },
        { path: "detail.attributes", expected: "at most 50 attributes" },
      ],
      [
        "an attribute value",
        "customer.updated",
        { customerId: "c", attributes: { notes: "v".repeat(1_100) } },
        { path: "detail.attributes.notes", expected: "a value of at most 1024 characters of JSON" },
      ],
      [
        "an attribute name",
        "customer.updated",
        { customerId: "c", attributes: { ["k".repeat(65)]: 1 } },
        { path: "detail.attributes", expected: "names of 1 to 64 characters without control characters" },
      ],
      [
        "dates",
        "customer.updated",
        {
          customerId: "c",
          dates: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`d${i}`, "2020-01-01"])),
        },
        { path: "detail.dates", expected: "at most 20 dates" },
      ],
      [
        "a push token",
        "customer.updated",
        { customerId: "c", pushToken: "t".repeat(1_025) },
        { path: "detail.pushToken", expected: "at most 1024 characters" },
      ],
    ];
    it.each(cases)(
      "rejects too many or too long %s with the field and the bound",
      (_, type, detail, problem) => {
        expect(parseEnvelope(envelope(type, detail))).toMatchObject({
          kind: "rejected",
          problems: [problem],
        });
      },
    );

    it("never accepts a detail larger than the bound, whatever its shape", () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              productId: fc.string({ minLength: 1, maxLength: 300 }),
              name: fc.string({ maxLength: 700 }),
              upsellProductIds: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 25 }),
              extra: fc.string({ maxLength: 3_000 }),
            }),
            { maxLength: 130 },
          ),
          (items) => {
            const outcome = parseEnvelope(cart(items));
            if (outcome.kind === "event")
              expect(Buffer.byteLength(JSON.stringify(outcome.event.detail))).toBeLessThanOrEqual(
                EVENT_LIMITS.detailBytes,
              );
            else expect(outcome.kind === "rejected" && outcome.problems.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  it("never throws, whatever the input, and every rejection names a field and what was expected", () => {
    const fields = ["customerId", "items", "product", "productId", "cartId", "orderId", "attributes"];
    const detail = fc.dictionary(
      fc.constantFrom(...fields, "birthday", "dates", "total", "currency", "__proto__", "constructor"),
      fc.oneof(fc.anything(), fc.string(), fc.array(fc.record({ productId: fc.string() }))),
    );
    const envelopeLike = fc.record(
      {
        id: fc.oneof(fc.string(), fc.anything()),
        source: fc.string(),
        "detail-type": fc.oneof(fc.constantFrom(...eventTypes), fc.string()),
        time: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        detail,
      },
      { requiredKeys: ["detail-type", "detail"] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), envelopeLike), (input) => {
        const outcome = parseEnvelope(input);
        expect(["event", "ignored", "rejected"]).toContain(outcome.kind);
        if (outcome.kind !== "rejected") return;
        expect(outcome.problems.length).toBeGreaterThan(0);
        for (const problem of outcome.problems) {
          expect(problem.path.length).toBeGreaterThan(0);
          expect(problem.expected.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
