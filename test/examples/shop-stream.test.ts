import { describe, expect, it } from "vitest";
import { type Envelope, generateShopStream } from "../../examples/shop-stream.ts";
import { appEventTypes } from "../support/events.ts";

const DAY = 86_400_000;

const stream = generateShopStream();

type Detail = Record<string, unknown> & { customerId?: unknown };

function ofType(events: readonly Envelope[], type: string): Envelope[] {
  return events.filter((event) => event["detail-type"] === type);
}

function productIdOf(detail: Detail): string | undefined {
  const product = detail.product as { productId?: string } | undefined;
  return product?.productId ?? (detail.productId as string | undefined);
}

function ordersByCustomer(events: readonly Envelope[]): Map<string, { at: number; total: number }[]> {
  const orders = new Map<string, { at: number; total: number }[]>();
  for (const event of ofType(events, "order.placed")) {
    const detail = event.detail as Detail;
    if (typeof detail.orderId !== "string") continue;
    const list = orders.get(detail.customerId as string) ?? [];
    list.push({ at: Date.parse(event.time), total: detail.total as number });
    orders.set(detail.customerId as string, list);
  }
  return orders;
}

describe("generateShopStream", () => {
  it("gives the same stream for the same seed and a different one for another seed", () => {
    expect(JSON.stringify(generateShopStream({ seed: 42 }))).toBe(JSON.stringify(stream));
    const other = generateShopStream({ seed: 7 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(stream));
  });

  it("has the size of a sample shop", () => {
    expect(stream.length).toBeGreaterThan(10_000);
    expect(stream.length).toBeLessThan(30_000);
    expect(ofType(stream, "customer.signed_up")).toHaveLength(300);
  });

  it("covers every detail-type of the event contract", () => {
    const seen = new Set(stream.map((event) => event["detail-type"]));
    expect(appEventTypes.filter((type) => !seen.has(type))).toEqual([]);
  });

  it("writes envelopes with RFC 3339 UTC seconds, sorted but for a few deliberate lines", () => {
    const malformed = stream.filter(
      (event) =>
        Object.keys(event).join() !== "id,source,detail-type,time,detail" ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(event.time) ||
        !/^shop\.[a-z]+$/.test(event.source),
    );
    expect(malformed).toEqual([]);
    let inversions = 0;
    for (let i = 1; i < stream.length; i++) if (stream[i]!.time < stream[i - 1]!.time) inversions++;
    expect(inversions).toBeGreaterThan(0);
    expect(inversions).toBeLessThanOrEqual(8);
  });

  it("repeats an id only for a few exact redeliveries", () => {
    const byId = new Map<string, Envelope>();
    let duplicates = 0;
    for (const event of stream) {
      const first = byId.get(event.id);
      if (first) {
        duplicates++;
        expect(event).toEqual(first);
      } else byId.set(event.id, event);
    }
    expect(duplicates).toBeGreaterThanOrEqual(3);
    expect(duplicates).toBeLessThanOrEqual(4);
  });

  it("has no anomalies when asked not to", () => {
    const clean = generateShopStream({ customers: 40, days: 20, anomalies: false });
    expect(new Set(clean.map((event) => event.id)).size).toBe(clean.length);
    expect(clean.filter((event, i) => i > 0 && event.time < clean[i - 1]!.time)).toEqual([]);
    const types = new Set(clean.map((event) => event["detail-type"]));
    expect([...types].filter((type) => !appEventTypes.includes(type))).toEqual([]);
  });

  it("only has customers act (or be referred) once they have signed up", () => {
    const signedUpAt = new Map<string, string>();
    for (const event of ofType(stream, "customer.signed_up")) {
      signedUpAt.set((event.detail as Detail).customerId as string, event.time);
    }
    const early: string[] = [];
    for (const event of stream) {
      const detail = event.detail as Detail;
      for (const id of [detail.customerId, detail.referredCustomerId]) {
        if (typeof id !== "string") continue;
        const since = signedUpAt.get(id);
        if (since === undefined || since > event.time)
          early.push(`${event.id} ${event["detail-type"]} ${id}`);
      }
    }
    expect(early).toEqual([]);
    expect(signedUpAt.size).toBe(300);
  });

  it("feeds the order-history campaigns: early one-time buyers, repeat buyers and a gold cohort", () => {
    const start = Date.parse("2026-03-02T00:00:00Z");
    const orders = [...ordersByCustomer(stream).values()];
    const earlyOnly = orders.filter((list) => list.length === 1 && list[0]!.at < start + 3 * DAY);
    expect(earlyOnly.length).toBeGreaterThanOrEqual(15);
    expect(orders.filter((list) => list.length >= 5).length).toBeGreaterThanOrEqual(5);
    const spends = orders.map((list) => list.reduce((sum, order) => sum + order.total, 0));
    expect(spends.filter((spend) => spend >= 2000).length).toBeGreaterThanOrEqual(2);
  });

  it("has window shoppers: five views within 14 days and no order", () => {
    const orders = ordersByCustomer(stream);
    const views = new Map<string, number[]>();
    for (const event of ofType(stream, "product.viewed")) {
      const id = (event.detail as Detail).customerId as string;
      if (orders.has(id)) continue;
      views.set(id, [...(views.get(id) ?? []), Date.parse(event.time)]);
    }
    const windowShoppers = [...views.values()].filter((times) =>
      times.some((at, i) => i >= 4 && at - times[i - 4]! <= 14 * DAY),
    );
    expect(windowShoppers.length).toBeGreaterThanOrEqual(10);
  });

  it("restocks and discounts products that customers wished for or asked about", () => {
    const interested = new Map<string, string>();
    for (const event of [...ofType(stream, "wishlist.added"), ...ofType(stream, "product.alert_requested")]) {
      const productId = productIdOf(event.detail as Detail)!;
      const first = interested.get(productId);
      if (!first || event.time < first) interested.set(productId, event.time);
    }
    const wantedBefore = (event: Envelope) => {
      const since = interested.get(productIdOf(event.detail as Detail)!);
      return since !== undefined && since < event.time;
    };
    const restocks = ofType(stream, "product.inventory_changed").filter(
      (event) => event.detail.previousQuantity === 0 && (event.detail.quantity as number) > 0,
    );
    const lowStock = ofType(stream, "product.inventory_changed").filter(
      (event) => (event.detail.previousQuantity as number) > 5 && (event.detail.quantity as number) <= 5,
    );
    const drops = ofType(stream, "product.price_changed").filter(
      (event) => (event.detail.price as number) <= (event.detail.previousPrice as number) * 0.9,
    );
    expect(restocks.filter(wantedBefore).length).toBeGreaterThanOrEqual(3);
    expect(lowStock.filter(wantedBefore).length).toBeGreaterThanOrEqual(3);
    expect(drops.filter(wantedBefore).length).toBeGreaterThanOrEqual(2);
  });

  it("rejects options it cannot honour", () => {
    expect(() => generateShopStream({ customers: 0 })).toThrow(/customers/);
    expect(() => generateShopStream({ days: 1.5 })).toThrow(/days/);
    expect(() => generateShopStream({ start: "yesterday" })).toThrow(/start/);
  });
});
