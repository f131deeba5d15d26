import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateShopStream } from "../../examples/shop-stream.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { formatMessageLine } from "../../local/message-line.ts";
import { simulate } from "../../local/simulator.ts";
import {
  CAMPAIGNS_DIR,
  shippedCampaign,
  shippedEngineSettings,
  type TestEvent,
  toJsonLines,
} from "../support/scenario.ts";

const campaignIds = readdirSync(CAMPAIGNS_DIR)
  .filter((file) => file.endsWith(".json") && file !== "engine.json")
  .map((file) => file.replace(/\.json$/, ""));
const compiled = compileCampaigns(campaignIds.map(shippedCampaign), shippedEngineSettings());

/** Every message line, in order, and the summary: what a sweep of every customer every hour gives. */
function run(lines: string[], fullSweep: boolean, until?: number) {
  const out: string[] = [];
  const report = simulate(compiled, lines, {
    fullSweep,
    ...(until ? { until } : {}),
    onMessage: (line) => out.push(formatMessageLine(line)),
  });
  return { out, summary: report.summary.format(), swept: report.sweptCustomerHours };
}

describe("the simulator's sweep over the due-time index", () => {
  it.each([1, 2])(
    "sends exactly what sweeping every customer every hour sends (generated shop, seed %i)",
    (seed) => {
      const lines = generateShopStream({ seed, customers: 40, days: 130, anomalies: false }).map((e) =>
        JSON.stringify(e),
      );
      const full = run(lines, true);
      const indexed = run(lines, false);
      expect(full.out.length).toBeGreaterThan(100);
      expect(full.out.some((line) => line.includes('"win-back"'))).toBe(true);
      expect(indexed.out).toEqual(full.out);
      expect(indexed.summary).toEqual(full.summary);
    },
    // The full sweep looks at every customer every hour: slow on a loaded machine.
    300_000,
  );

  it("sends exactly what sweeping every customer every hour sends (random profiles, orders and consent)", () => {
    const zones = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "UTC"];
    const day = 86_400_000;
    const start = Date.parse("2026-01-01T00:00:00Z");
    const date = fc
      .tuple(
        fc.integer({ min: 1970, max: 2026 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
      )
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    const detail = fc.oneof(
      fc.record({
        type: fc.constant("customer.updated"),
        birthday: date,
        timezone: fc.constantFrom(...zones),
      }),
      fc.record({
        type: fc.constant("customer.updated"),
        dates: fc.dictionary(fc.constantFrom("wedding", "pet"), date),
      }),
      fc.record({
        type: fc.constant("customer.signed_up"),
        timezone: fc.constantFrom(...zones),
        newsletter: fc.boolean(),
      }),
      fc.record({ type: fc.constant("order.placed"), total: fc.constantFrom(50, 300, 900, 2500) }),
      fc.record({ type: fc.constant("consent.updated"), status: fc.constantFrom("opted_in", "opted_out") }),
      fc.record({ type: fc.constant("product.viewed") }),
    );
    const event = fc.record({
      customer: fc.integer({ min: 1, max: 4 }),
      at: fc.integer({ min: 0, max: 200 * day }),
      detail,
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 25 }), (generated) => {
        const events: TestEvent[] = generated.map(({ customer, at, detail: { type, ...fields } }, index) => {
          const rest = fields as Record<string, unknown>;
          const customerId = `c${customer}`;
          const base = { customerId, email: `${customerId}@example.com` };
          const body =
            type === "order.placed"
              ? {
                  ...base,
                  orderId: `o${index}`,
                  items: [{ productId: "p1", brand: "b", price: rest.total }],
                  currency: "EUR",
                  fulfillment: "ship",
                  total: rest.total,
                }
              : type === "consent.updated"
                ? { ...base, channel: "email", topic: "newsletter", status: rest.status }
                : type === "product.viewed"
                  ? { ...base, product: { productId: "p1", brand: "b" } }
                  : { ...base, ...rest };
          return { type, at: new Date(start + at).toISOString(), detail: body };
        });
        const lines = toJsonLines(events);
        const until = start + 600 * day;
        const indexed = run(lines, false, until);
        const full = run(lines, true, until);
        expect({ ...indexed, swept: 0 }).toEqual({ ...full, swept: 0 });
      }),
      { numRuns: 15 },
    );
  }, 300_000);
});
