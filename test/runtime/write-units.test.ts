import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateShopStream } from "../../examples/shop-stream.ts";

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
});

import { ENV, type HandlerRuntime, startHandlerRuntime } from "../handlers/handler-runtime.ts";
import { type CapacityCounter, countCapacity } from "../support/capacity-counter.ts";
import { customerSignedUp, wishlistAdded } from "../support/events.ts";
import { measureWriteMix } from "../support/write-mix.ts";

/**
 * Issue 9's write budget. `npm test` runs the sample shop's mix on a small shop (10 customers, 2
 * weeks); WRITE_MIX=examples/shop.jsonl measures a whole file and prints the figures.
 */
const FILE = process.env.WRITE_MIX;

describe("DynamoDB write units (issue 9)", () => {
  it(
    "costs at most 4 write units per customer event on the sample mix, catalog fan-out included",
    async () => {
      const envelopes = FILE
        ? readFileSync(FILE, "utf8")
            .split("\n")
            .filter((line) => line.trim())
            .flatMap((line) => {
              try {
                return [JSON.parse(line)];
              } catch {
                return [];
              }
            })
        : generateShopStream({ seed: 42, customers: 10, days: 14 });
      const mix = await measureWriteMix(envelopes);
      console.log(`write units (${FILE ?? "10 customers, 14 days"})\n${JSON.stringify(mix, null, 1)}`);
      expect(mix.candidates).toBeGreaterThan(0);
      expect(mix.perCustomerEvent).toBeLessThanOrEqual(4);
    },
    FILE ? 3 * 3_600_000 : 300_000,
  );

  describe("a catalog fan-out candidate", () => {
    let rt: HandlerRuntime;
    let counter: CapacityCounter;
    beforeAll(async () => {
      rt = await startHandlerRuntime();
      counter = countCapacity(rt.db.documents);
    });
    afterAll(async () => {
      counter.remove();
      await rt.db.stop();
    });

    const priceChanged = (id: string, previousPrice: number, price: number) => ({
      version: "0",
      id,
      source: "shop.catalog",
      "detail-type": "product.price_changed",
      time: "2026-03-01T09:00:00Z",
      detail: {
        product: { productId: "p-kettle", name: "Kettle", price },
        previousPrice,
        price,
        currency: "EUR",
      },
    });

    it("that the event decides nothing for costs no write, however often it is delivered", async () => {
      await rt.ingest({
        ...customerSignedUp("c1", "2026-03-01T08:00:00Z", { email: "c1@example.com" }),
        id: "s1",
      });
      await rt.ingest({
        ...wishlistAdded("c1", "2026-03-01T08:10:00Z", { product: { productId: "p-kettle" } }),
        id: "w1",
      });
      counter.reset();
      rt.clock.now = Date.parse("2026-03-01T09:00:00Z");
      // A price rise: no price-drop alert.
      for (let delivery = 0; delivery < 3; delivery++)
        expect(await rt.ingestCatalog("c1", priceChanged("rise", 40, 45))).toEqual([]);
      expect(counter.byTable.get(ENV.STATE_TABLE)?.writeUnits ?? 0).toBe(0);
    });

    it("that it decides something for is applied once: a redelivery sends nothing more", async () => {
      counter.reset();
      rt.clock.now = Date.parse("2026-03-01T09:30:00Z");
      const drop = priceChanged("drop", 45, 30);
      const first = await rt.ingestCatalog("c1", drop);
      expect(first.filter((decision) => decision.type === "message")).not.toEqual([]);
      expect(await rt.ingestCatalog("c1", drop)).toEqual([]);
      expect(rt.sentEmails().filter((email) => email.campaign === "price-drop-alert")).toHaveLength(1);
    });
  });
});
