import type { SQSRecord } from "aws-lambda";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before the handlers' modules load: Powertools prints nothing in tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
});

import { handler as ingestHandler, useRuntime } from "../../functions/handlers/ingest.ts";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { type HandlerRuntime, messageLines, startHandlerRuntime } from "../handlers/handler-runtime.ts";
import { customerSignedUp, productViewed, wishlistAdded } from "../support/events.ts";
import { toJsonLines } from "../support/scenario.ts";
import { checkProperty } from "./check-property.ts";
import { HOSTILE_IDS, hostileIdEnvelope, hostileTimeEnvelope, hugeValueEnvelope } from "./hostile-events.ts";

/** `npm run test:chaos` runs many more cases. */
const RUNS = process.env.CHAOS_EVENTS ? 200 : 8;
const T0 = Date.parse("2026-03-02T09:00:00Z");
const PRODUCT = "p-fuzz";

let rt: HandlerRuntime;
let reference: string[];
const prototypeBefore = Object.getOwnPropertyDescriptors(Object.prototype);

/** Nothing added to Object.prototype, nothing of it replaced. */
function expectPrototypeIntact(): void {
  const now = Object.getOwnPropertyDescriptors(Object.prototype);
  expect(Object.keys(now).sort()).toEqual(Object.keys(prototypeBefore).sort());
  for (const [name, descriptor] of Object.entries(now)) {
    const before = prototypeBefore[name];
    expect(
      descriptor.value === before?.value && descriptor.get === before?.get && descriptor.set === before?.set,
      `Object.prototype.${name} replaced`,
    ).toBe(true);
  }
}

beforeAll(async () => {
  rt = await startHandlerRuntime();
  useRuntime(rt.deps);
  reference = await victimRun("victim-reference");
});
afterAll(async () => {
  await rt.db.stop();
});

/**
 * What an ordinary customer gets: a sign-up, a product viewed (not asked for), the product back in
 * stock. Their message decisions, as `campaign status reason` lines.
 */
async function victimRun(customerId: string): Promise<string[]> {
  rt.clock.now = T0;
  const lines = messageLines(
    await rt.ingest({ ...customerSignedUp(customerId, iso(T0)), id: `${customerId}-signup` }),
  );
  rt.clock.now = T0 + 60_000;
  const view = productViewed(customerId, iso(T0 + 60_000), {
    product: { productId: PRODUCT, name: "Kettle", price: 40, brand: "acme" },
  });
  lines.push(...messageLines(await rt.ingest({ ...view, id: `${customerId}-view` })));
  rt.clock.now = T0 + 2 * 3_600_000;
  lines.push(...messageLines(await rt.ingestCatalog(customerId, restock(`${customerId}-restock`))));
  return lines;
}

const restock = (id: string) => ({
  id,
  source: "shop.inventory",
  "detail-type": "product.inventory_changed",
  time: iso(T0 + 2 * 3_600_000),
  detail: { product: { productId: PRODUCT }, quantity: 10, previousQuantity: 0 },
});

/** Runs hostile envelopes for other customers, then checks nothing leaked to an ordinary customer. */
async function attackThenCheckVictim(envelopes: readonly Record<string, unknown>[], sample: string) {
  rt.clock.now = T0;
  const outcomes = [];
  for (const [index, envelope] of envelopes.entries()) {
    // Never thrown: a bad event is rejected with a reason, a good one applied.
    const outcome = await ingestEvent(rt.deps, { ...envelope, id: `${sample}-${index}` });
    if (outcome.outcome === "rejected") expect(outcome.problems).toMatch(/\S/);
    outcomes.push(outcome);
  }
  expectPrototypeIntact();
  expect(await victimRun(`victim-${sample}`)).toEqual(reference);
  return outcomes;
}

describe("fuzzed events through ingest: applied or rejected with a reason, never thrown, never harming another customer", () => {
  it("prototype keys and odd ids as product, cart, order, topic, attribute, ticket and customer ids", async () => {
    let sample = 0;
    await checkProperty(
      fc.asyncProperty(fc.array(hostileIdEnvelope, { minLength: 1, maxLength: 6 }), (envelopes) =>
        attackThenCheckVictim(envelopes, `ids-${++sample}`).then(() => undefined),
      ),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it("huge ids and strings in otherwise valid events", async () => {
    let sample = 0;
    await checkProperty(
      fc.asyncProperty(fc.array(hugeValueEnvelope, { minLength: 1, maxLength: 3 }), (envelopes) =>
        attackThenCheckVictim(envelopes, `huge-${++sample}`).then(() => undefined),
      ),
      { numRuns: RUNS, seed: 8 },
    );
  });

  it("far-future, impossible and malformed times; an impossible date is rejected, not moved", async () => {
    let sample = 0;
    await checkProperty(
      fc.asyncProperty(fc.array(hostileTimeEnvelope, { minLength: 1, maxLength: 3 }), async (envelopes) => {
        const outcomes = await attackThenCheckVictim(envelopes, `times-${++sample}`);
        envelopes.forEach((envelope, index) => {
          if (/^2000-02-30|^2026-13-|^not a time/.test(envelope.time))
            expect(outcomes[index]?.outcome, envelope.time).toBe("rejected");
        });
      }),
      { numRuns: RUNS, seed: 9 },
    );
  });

  it("a fan-out batch with poison records still applies every good record of the batch", async () => {
    let sample = 0;
    await checkProperty(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string().map((body) => ({ body })),
            hostileIdEnvelope.map((event) => ({
              body: JSON.stringify({ customerId: event.detail.customerId, event }),
            })),
            fc.constantFrom(...HOSTILE_IDS).map((customerId) => ({
              body: JSON.stringify({ customerId, event: restock(`poison-${customerId}`) }),
            })),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        async (poison) => {
          sample++;
          const good = [`batch-${sample}-a`, `batch-${sample}-b`];
          // A wishlisted product, so the restock decides a message: a run that decides nothing writes nothing.
          for (const customerId of good) {
            rt.clock.now = T0;
            await rt.ingest({ ...customerSignedUp(customerId, iso(T0)), id: `${customerId}-signup` });
            rt.clock.now = T0 + 60_000;
            const wish = wishlistAdded(customerId, iso(T0 + 60_000), { product: { productId: PRODUCT } });
            await rt.ingest({ ...wish, id: `${customerId}-wish` });
          }
          const goodRecords = good.map((customerId) => ({
            messageId: `${customerId}-message`,
            body: JSON.stringify({ customerId, event: restock(`${customerId}-restock`) }),
          }));
          const records = [
            goodRecords[0]!,
            ...poison.map((p, i) => ({ messageId: `poison-${i}`, ...p })),
            goodRecords[1]!,
          ];
          rt.clock.now = T0 + 2 * 3_600_000;
          const response = (await ingestHandler({ Records: records as SQSRecord[] })) as
            | { batchItemFailures: { itemIdentifier: string }[] }
            | undefined;
          const failed = new Set(response?.batchItemFailures.map((f) => f.itemIdentifier));
          for (const record of goodRecords) expect(failed.has(record.messageId)).toBe(false);
          for (const customerId of good) {
            const { state } = await rt.store.load(customerId);
            expect(state.appliedEvents).toContain(`${customerId}-restock`);
          }
          expectPrototypeIntact();
        },
      ),
      { numRuns: RUNS, seed: 11 },
    );
  });
});

describe("the hostile lines of a stream", () => {
  it("are each rejected or applied without touching the other lines' customers", async () => {
    const lines = toJsonLines([
      customerSignedUp("__proto__", iso(T0)),
      customerSignedUp("constructor", iso(T0)),
    ]);
    for (const line of lines) {
      const outcome = await ingestEvent(rt.deps, JSON.parse(line));
      if (outcome.outcome === "rejected") expect(outcome.problems).toMatch(/customerId/);
    }
    expectPrototypeIntact();
    expect(await victimRun("victim-after-hostile-signups")).toEqual(reference);
  });
});

function iso(at: number): string {
  return new Date(at).toISOString();
}
