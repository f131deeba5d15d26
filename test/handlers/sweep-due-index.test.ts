import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { dynamoDbDueIndex } from "../../functions/adapters/dynamodb-due-index.ts";
import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import { type BackfillCounts, backfillDueIndex } from "../../functions/use-cases/backfill-due-index.ts";
import { type SweepOutcome, sweepCampaign } from "../../functions/use-cases/sweep.ts";
import { customerSignedUp, customerUpdated, orderPlaced, productViewed } from "../support/events.ts";
import type { TestEvent } from "../support/scenario.ts";
import { ENV, type HandlerRuntime, startHandlerRuntime } from "./handler-runtime.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CUSTOMERS = 40;
const START = Date.parse("2026-03-01T00:00:00Z");
const HOURS = 36;
/** Hours no sweep runs (an outage): the index's catch-up window must still find who was filed then. */
const OUTAGE = new Set([20, 21, 22]);
const ZONES = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "UTC"];

/** A small deterministic generator (mulberry32): the same population on both tables. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Timed = { at: number; event: TestEvent & { id: string } };

/** Customers whose orders, sign-up anniversaries, birthdays and visits make the swept campaigns due in the window. */
function population(): Timed[] {
  const rand = random(9);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const iso = (at: number) => new Date(at).toISOString();
  const events: Timed[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const id = `c${c}`;
    const timezone = pick(ZONES);
    // Sign-ups a year or two before, some on the window's days (anniversaries).
    const signup =
      START - (365 + (rand() < 0.3 ? 0 : 1 + Math.floor(rand() * 300))) * DAY - Math.floor(rand() * 3) * DAY;
    const add = (at: number, event: TestEvent, n: number) =>
      events.push({ at, event: { ...event, at: iso(at), id: `${id}-${n}` } });
    add(signup, customerSignedUp(id, iso(signup), { timezone, newsletter: rand() < 0.6 }), 0);
    if (rand() < 0.4) {
      const birthday = new Date(START + Math.floor(rand() * 10) * DAY).toISOString().slice(5, 10);
      add(
        signup + HOUR,
        customerUpdated(id, iso(signup + HOUR), { birthday: `1990-${birthday}` } as never),
        1,
      );
    }
    // Last orders about 90 days (win-back) or 30+ days (personal offers) before the window.
    const orders = 1 + Math.floor(rand() * 4);
    for (let o = 0; o < orders; o++) {
      const at = START - (85 + Math.floor(rand() * 10)) * DAY + o * 5 * HOUR - Math.floor(rand() * 24) * HOUR;
      add(
        at,
        orderPlaced(id, iso(at), { items: [{ productId: `p${o}`, price: 40 + Math.floor(rand() * 300) }] }),
        10 + o,
      );
    }
    // Visits before and inside the window (recommendations, preferred hour); some order in the window.
    for (let v = 0; v < 3; v++) {
      const at = START - Math.floor(rand() * 20) * DAY + Math.floor(rand() * HOURS) * HOUR + 600_000;
      add(at, productViewed(id, iso(at), { product: { productId: `v${v}`, price: 20 } }), 20 + v);
    }
    if (rand() < 0.3) {
      const at = START + Math.floor(rand() * HOURS) * HOUR + 1_200_000;
      add(at, orderPlaced(id, iso(at), { items: [{ productId: "w", price: 50 }] }), 30);
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

let scanSide: HandlerRuntime;
let indexSide: HandlerRuntime;
let backfill: BackfillCounts | undefined;
const outcomes: { scan: SweepOutcome[]; index: SweepOutcome[] } = { scan: [], index: [] };
/** The first hour of the index each sweep read (its catch-up window), in hours before the swept hour. */
const windows: { h: number; hoursBefore: number }[] = [];

beforeAll(async () => {
  scanSide = await startHandlerRuntime();
  indexSide = await startHandlerRuntime();
  const campaigns = [...new Set(scanSide.deps.compiled.scheduleTriggers.map((bound) => bound.campaign.id))];
  const events = population();
  let next = 0;
  const ingestUntil = async (until: number) => {
    for (; next < events.length && events[next]!.at < until; next++) {
      const { at, event } = events[next]!;
      for (const side of [scanSide, indexSide]) {
        side.clock.now = at;
        await side.ingest(event);
      }
    }
  };
  for (let h = 0; h < HOURS; h++) {
    const hour = START + h * HOUR;
    await ingestUntil(hour);
    // The index is deployed at the window's start: the backfill files everyone written before.
    if (h === 0)
      backfill = await backfillDueIndex(
        indexSide.deps.compiled,
        dynamoDbDueIndex(indexSide.clients.dynamodb, ENV.STATE_TABLE),
        hour,
      );
    if (OUTAGE.has(h)) continue;
    for (const campaignId of campaigns) {
      scanSide.clock.now = indexSide.clock.now = hour + 2_000;
      outcomes.scan.push(
        await sweepCampaign(scanSide.deps, dynamoDbStateScan(scanSide.clients.dynamodb, ENV.STATE_TABLE), {
          campaignId,
        }),
      );
      const dueIndex = dynamoDbDueIndex(indexSide.clients.dynamodb, ENV.STATE_TABLE);
      outcomes.index.push(
        await sweepCampaign(
          indexSide.deps,
          dynamoDbStateScan(indexSide.clients.dynamodb, ENV.STATE_TABLE),
          { campaignId },
          {
            dueIndex: {
              ...dueIndex,
              customersDue: (from, to) => {
                windows.push({ h, hoursBefore: (hour - from) / HOUR });
                return dueIndex.customersDue(from, to);
              },
            },
          },
        ),
      );
    }
  }
}, 1_800_000);

afterAll(async () => {
  await scanSide?.db.stop();
  await indexSide?.db.stop();
});

const decided = (outcome: SweepOutcome) =>
  outcome.outcome === "swept"
    ? { eventId: outcome.eventId, due: outcome.due, applied: outcome.applied, messages: outcome.messages }
    : outcome;
const total = (list: SweepOutcome[], key: "scanned" | "due" | "messages" | "refiled") =>
  list.reduce((sum, outcome) => sum + (outcome.outcome === "swept" ? outcome[key] : 0), 0);

describe("the sweep over the due-time index (a GSI on dynalite) against the full scan", () => {
  it("decides the same for every campaign and hour, an outage included, reading far fewer customers", () => {
    expect(total(outcomes.scan, "messages")).toBeGreaterThan(10);
    // Filed before the hour before the window's: every customer written before it (no sweep ran then).
    expect(backfill).toMatchObject({ skipped: 0 });
    expect(backfill!.refiled).toBeGreaterThan(CUSTOMERS / 2);
    expect(outcomes.index.map(decided)).toEqual(outcomes.scan.map(decided));
    // The same emails (a sweep's customers come in another order from the index than from the scan).
    const sorted = (emails: unknown[]) => emails.map((email) => JSON.stringify(email)).sort();
    expect(sorted(indexSide.sentEmails())).toEqual(sorted(scanSide.sentEmails()));
    const read = { scan: total(outcomes.scan, "scanned"), index: total(outcomes.index, "scanned") };
    console.info(
      `due-time index: ${outcomes.scan.length} sweeps of ${CUSTOMERS} customers; items read: scan ${read.scan}, index ${read.index}; due ${total(outcomes.scan, "due")}; refiled ${total(outcomes.index, "refiled")}`,
    );
    expect(read.index * 5).toBeLessThan(read.scan);
  });

  it("reads the index from the hour before each campaign's last completed sweep: two hours back, all 48 the first time, from before the outage after it", () => {
    const expected = (h: number) => (h === 0 ? 48 : h === 23 ? 5 : 2);
    expect(windows.length).toBe(outcomes.index.length);
    expect(windows.filter((w) => w.hoursBefore !== expected(w.h))).toEqual([]);
  });
});
