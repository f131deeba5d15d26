import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CompiledCampaigns, compileCampaigns } from "../../functions/core/engine/compile.ts";
import { advance, decide } from "../../functions/core/engine/decide.ts";
import { runOccurrence, scheduleOccurrences } from "../../functions/core/engine/schedule.ts";
import { type CustomerEvent, parseJsonLine } from "../../functions/core/events/envelope.ts";
import { EVENT_LIMITS } from "../../functions/core/events/limits.ts";
import {
  type CustomerState,
  CustomerStateSchema,
  emptyCustomerState,
} from "../../functions/core/state/customer-state.ts";
import { DAY } from "../../functions/core/time/local-time.ts";
import {
  CAMPAIGNS_DIR,
  shippedCampaign,
  shippedEngineSettings,
  type TestEvent,
  toJsonLines,
} from "../support/scenario.ts";

const compiled = compileCampaigns(
  readdirSync(CAMPAIGNS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "engine.json")
    .map((f) => shippedCampaign(f.replace(/\.json$/, ""))),
  shippedEngineSettings(),
);
const DYNAMODB_LIMIT = 400 * 1024;
const DAYS = Number(process.env.DAYS ?? 5 * 365);
const ROUNDS = Number(process.env.ROUNDS ?? 60);
const START = Date.parse("2021-01-04T08:00:00Z");

let eventCount = 0;
function event(type: string, at: number, detail: Record<string, unknown>): CustomerEvent {
  const test: TestEvent = { id: `ev-${++eventCount}`, type, at: new Date(at).toISOString(), detail };
  const outcome = parseJsonLine(toJsonLines([test])[0]!);
  if (outcome.kind !== "event") throw new Error(JSON.stringify(outcome));
  return outcome.event as CustomerEvent;
}

/** Runs a customer on the core as the simulator would: due wake-ups and daily scheduled sends in between. */
class Customer {
  readonly state: CustomerState;
  private sweptUntil = START - (START % DAY);
  largest = 0;
  private changes = 0;
  constructor(
    readonly id: string,
    private readonly compiled: CompiledCampaigns,
  ) {
    this.state = emptyCustomerState(id);
  }
  apply(type: string, at: number, detail: Record<string, unknown>) {
    this.runUntil(at);
    decide(this.compiled, this.state, event(type, at, { customerId: this.id, ...detail }));
    // Measured every 10th change (a JSON.stringify of the whole state is the costly part of the test).
    if (++this.changes % 10 === 0) this.largest = Math.max(this.largest, JSON.stringify(this.state).length);
  }
  runUntil(at: number) {
    while (this.sweptUntil + DAY <= at) {
      for (const occurrence of scheduleOccurrences(
        this.compiled,
        this.state,
        this.sweptUntil,
        this.sweptUntil + DAY,
      )) {
        this.wakeUntil(occurrence.at);
        runOccurrence(this.compiled, this.state, occurrence);
      }
      this.sweptUntil += DAY;
    }
    this.wakeUntil(at);
  }
  private wakeUntil(at: number) {
    for (;;) {
      const due = this.state.journeys.filter((j) => j.wakeAt <= at).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (!due) return;
      const before = due.wakeAt;
      advance(this.compiled, this.state, due.id, before);
      if (this.state.journeys.includes(due) && due.wakeAt <= before) due.wakeAt = before + DAY; // no spin
    }
  }
}

const text = (n: number, seed: string) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

describe("the customer state item is bounded", () => {
  it("5 years of heavy activity stay under 100 KB", () => {
    const c = new Customer("heavy", compiled);
    c.apply("customer.signed_up", START, {
      email: "heavy@example.com",
      phone: "+14155550100",
      firstName: "Grace",
      timezone: "Europe/Paris",
      newsletter: true,
      smsOptIn: true,
    });
    const product = (n: number) => ({
      productId: `prod-${n % 3000}`,
      name: `Product number ${n % 3000} with a fairly long marketing name`,
      brand: `brand-${n % 250}`,
      category: `category-${n % 40}`,
      price: 10 + (n % 90),
      url: `https://shop.example.com/products/prod-${n % 3000}?utm_source=engage`,
      imageUrl: `https://cdn.example.com/images/prod-${n % 3000}/large.jpg`,
      replenishAfterDays: 30,
      upsellProductIds: [`prod-${(n + 1) % 3000}`, `prod-${(n + 2) % 3000}`],
    });
    let n = 0;
    for (let day = 0; day < DAYS; day++) {
      const at = START + day * DAY;
      for (let v = 0; v < 3; v++) c.apply("product.viewed", at + v * 60_000, { product: product(n++) });
      if (day % 3 === 0) {
        const cartId = `cart-${Math.floor(day / 7)}`; // a new cart each week, most abandoned
        c.apply("cart.updated", at + 3_600_000, {
          cartId,
          items: [product(n++), product(n++), product(n++)],
          total: 120,
          currency: "EUR",
        });
      }
      if (day % 7 === 3) {
        const orderId = `order-${day}`;
        const items = [product(n++), product(n++), product(n++), product(n++)];
        c.apply("order.placed", at + 5 * 3_600_000, {
          orderId,
          items,
          total: 200,
          currency: "EUR",
          fulfillment: "ship",
          cartId: `cart-${Math.floor(day / 7) - 1}`,
        });
        c.apply("order.shipped", at + DAY, {
          orderId,
          carrier: "UPS",
          trackingUrl: "https://ups.example/t/1",
        });
        c.apply("order.delivered", at + 3 * DAY, { orderId });
      }
      if (day % 30 === 5) {
        c.apply("support.ticket_opened", at + 7_200_000, { ticketId: `ticket-${day}`, channel: "email" });
        if (day % 90 !== 5) c.apply("support.ticket_resolved", at + DAY, { ticketId: `ticket-${day}` });
        c.apply("product.alert_requested", at + 8_000_000, {
          productId: `prod-${day}`,
          kind: "back_in_stock",
        });
        c.apply("wishlist.added", at + 9_000_000, { product: product(n++) });
        c.apply("customer.updated", at + 10_000_000, { attributes: { [`attr-${day}`]: `value of ${day}` } });
        c.apply("consent.updated", at + 11_000_000, {
          channel: "email",
          topic: `topic-${day}`,
          status: "opted_in",
        });
        c.apply("loyalty.points_changed", at + 12_000_000, {
          balance: day,
          tier: "gold",
          previousTier: "silver",
        });
      }
    }
    c.runUntil(START + 5 * 365 * DAY + 30 * DAY);
    const bytes = JSON.stringify(c.state).length;
    console.info(
      `state after 5 years (${eventCount} events): ${(bytes / 1024).toFixed(1)} KB; largest on the way ${(c.largest / 1024).toFixed(1)} KB`,
    );
    expect(bytes).toBeLessThan(100_000);
    expect(c.largest).toBeLessThan(100_000);
    // The bounds bit, and the state is still whole and parseable.
    expect(Object.keys(c.state.carts).length).toBeLessThanOrEqual(5);
    expect(Object.keys(c.state.brandAffinity).length).toBeLessThanOrEqual(30);
    expect(c.state.openTickets.length).toBeLessThanOrEqual(10);
    expect(Object.keys(c.state.profile.attributes ?? {}).length).toBeLessThanOrEqual(50);
    expect(CustomerStateSchema.parse(JSON.parse(JSON.stringify(c.state))).customerId).toBe("heavy");
  }, 180_000); // 7,274 events through the core: ~20 s on an idle 2-core machine, several times that when loaded

  it("a hostile customer stays writable: every change stays under the DynamoDB limit, and the unsubscribe applies", () => {
    const c = new Customer("hostile", compiled);
    c.apply("customer.signed_up", START, { email: "hostile@example.com", newsletter: true });
    // As large as the edge lets an event be (functions/core/events/limits.ts): the worst a real app can send.
    const L = EVENT_LIMITS;
    const id = (prefix: string, n: number) => `${prefix}-${n}-`.padEnd(L.idChars, "x");
    const long = (n: number) => ({
      productId: id("p", n),
      name: text(L.textChars, "name "),
      brand: `b-${n}-${text(L.textChars - 12, "b")}`,
      category: text(L.textChars, "c"),
      url: `https://e.example/${text(L.urlChars - 20, "u")}`,
      imageUrl: `https://i.example/${text(L.urlChars - 20, "i")}`,
      junk: text(1_000, "j"),
      upsellProductIds: Array.from({ length: L.upsellIdsPerItem }, (_, i) => id(`q${i}`, n)),
    });
    // Items per cart or order that keep the whole detail within the edge's size bound.
    const perEvent = Math.floor(L.detailBytes / (JSON.stringify(long(0)).length + 64)) - 1;
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const at = START + round * 3_600_000;
      c.apply("product.viewed", at, { product: long(n++) });
      c.apply("cart.updated", at + 1000, {
        cartId: id("cart", round),
        items: Array.from({ length: perEvent }, () => long(n++)),
        total: 1,
        currency: "EUR",
      });
      c.apply("order.placed", at + 2000, {
        orderId: id("o", round),
        items: Array.from({ length: perEvent }, () => long(n++)),
        total: 1,
        currency: "EUR",
        fulfillment: "ship",
      });
      c.apply("customer.updated", at + 3000, {
        attributes: {
          [`a-${round}-`.padEnd(L.attributeKeyChars, "k")]: text(L.attributeValueChars - 2, "v"),
        },
      });
      c.apply("consent.updated", at + 4000, {
        channel: "email",
        topic: id("t", round),
        status: "opted_in",
      });
      c.apply("support.ticket_opened", at + 5000, { ticketId: id("tk", round) });
      c.apply("email.bounced", at + 6000, {
        address: `x${round}${text(L.idChars - 30, "a")}@example.com`,
        bounceType: "permanent",
      });
      c.apply("wishlist.added", at + 7000, { product: long(n++) });
      c.apply("product.alert_requested", at + 8000, {
        productId: id("p", n++),
        kind: "price_drop",
      });
    }
    console.info(`hostile customer: largest state ${(c.largest / 1024).toFixed(1)} KB`);
    expect(c.largest).toBeLessThan(DYNAMODB_LIMIT);
    c.apply("consent.updated", START + 500 * 3_600_000, { channel: "email", status: "opted_out" });
    expect(c.state.consent.email).toBe("opted_out");
    expect(JSON.stringify(c.state).length).toBeLessThan(DYNAMODB_LIMIT);
    expect(c.state.suppressedAddresses).toContain(c.state.suppressedAddresses[0]);
  });
});
