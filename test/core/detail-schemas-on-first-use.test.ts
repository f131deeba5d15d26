import { expect, it, vi } from "vitest";

// Building a zod schema costs about 0.2 ms here: a cold start that built all ~30 detail schemas to parse
// one event spent tens of milliseconds on schemas it never used.
it("builds a detail schema when the first event of its type comes, not at import, and keeps it", async () => {
  vi.resetModules();
  const { detailSchemas, eventTypes } = await import("../../functions/core/events/details.ts");
  const { parseEnvelope } = await import("../../functions/core/events/envelope.ts");
  const built = () =>
    eventTypes.filter((type) => "value" in Object.getOwnPropertyDescriptor(detailSchemas, type)!);
  expect(built()).toEqual([]);

  const outcome = parseEnvelope({
    id: "evt-1",
    source: "shop.web",
    "detail-type": "customer.signed_up",
    time: "2026-03-01T10:00:00Z",
    detail: { customerId: "c-1", email: "x@example.com" },
  });
  expect(outcome.kind).toBe("event");
  expect(built()).toEqual(["customer.signed_up"]);
  expect(detailSchemas["customer.signed_up"]).toBe(detailSchemas["customer.signed_up"]);
  expect(Object.keys(detailSchemas)).toEqual(eventTypes);
});
