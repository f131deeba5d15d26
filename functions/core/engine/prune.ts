import { pruneCapCounts } from "../policies/cap.ts";
import { dropOldCarts, lastTouch } from "../state/apply-event.ts";
import type { CustomerState, Journey } from "../state/customer-state.ts";
import { getOwn } from "../state/data-record.ts";
import { forgetField } from "../state/field-order.ts";
import { jsonLength } from "../state/json-length.ts";
import { anyFinished, countExceeds, foreverLock, setCounted } from "../state/key-bounds.ts";
import { decayedAffinity } from "../state/traits.ts";
import type { CompiledCampaigns } from "./compile.ts";

/**
 * Keeps the customer item bounded (docs/state.md): every part has a count, age or size limit from
 * engine.json's `retention`, and the whole item a size backstop, so any customer stays writable.
 */
export function pruneState(compiled: CompiledCampaigns, state: CustomerState, now: number): void {
  const { settings } = compiled;
  const limits = settings.retention;
  pruneCapCounts(state, settings.frequencyCap.window, now);
  keepTopBrands(state, limits.brands, now, settings.traits.affinityHalfLifeDays);
  // The maps are scanned every 16th change: expired entries are harmless meanwhile (readers check times).
  if (state.version % 16 === 0) {
    for (const [key, until] of Object.entries(state.reentryLocks))
      if (until > 0 && until <= now) delete state.reentryLocks[key];
    const keepFinished = now - limits.finishedJourneys;
    for (const [id, at] of Object.entries(state.finished)) if (at < keepFinished) delete state.finished[id];
    dropOldCarts(state, limits.carts.max, now - limits.carts.maxAge);
    dropUnusedTopics(state, compiled.topicsUsed, limits.topics);
  }
  // Counts are checked on every change (counted only when entries were added: key-bounds.ts), against a
  // slack of 16 so the sort runs rarely.
  if (countExceeds(state.finished, limits.finishedJourneyIds + 16, anyFinished))
    keepNewest(state.finished, limits.finishedJourneyIds, (at) => at);
  if (countExceeds(state.reentryLocks, limits.foreverLocks + 16, foreverLock))
    Object.entries(state.reentryLocks)
      .filter(([, until]) => until < 0)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(limits.foreverLocks)
      .forEach(([key]) => {
        delete state.reentryLocks[key];
      });
  enforceSizeBackstop(compiled, state, limits.stateBytes);
}

/** Keeps the `max` newest entries (by `time`). */
function keepNewest<T>(record: Record<string, T>, max: number, time: (value: T) => number): void {
  Object.keys(record)
    .sort((a, b) => time(record[b]!) - time(record[a]!) || (a < b ? -1 : 1))
    .slice(max)
    .forEach((key) => {
      delete record[key];
    });
}

function keepTopBrands(state: CustomerState, max: number, now: number, halfLifeDays: number): void {
  const brands = Object.keys(state.brandAffinity);
  if (brands.length <= max) return;
  const score = (brand: string) => decayedAffinity(getOwn(state.brandAffinity, brand)!, now, halfLifeDays);
  brands
    .sort((a, b) => score(b) - score(a) || (a < b ? -1 : 1))
    .slice(max)
    .forEach((brand) => {
      delete state.brandAffinity[brand];
    });
}

/** Topics no campaign sends on, beyond `max`: the least recently written go (with their stamps). */
function dropUnusedTopics(state: CustomerState, used: ReadonlySet<string>, max: number): void {
  const unused = Object.keys(state.consent.topics).filter((topic) => !used.has(topic));
  if (unused.length <= max) return;
  const stamp = (topic: string) => getOwn(state.fieldStamps, `topic.${topic}`) ?? 0;
  unused
    .sort((a, b) => stamp(b) - stamp(a) || (a < b ? -1 : 1))
    .slice(max)
    .forEach((topic) => {
      delete state.consent.topics[topic];
      forgetField(state, `topic.${topic}`);
    });
}

/**
 * The last line of defence: if the item is still larger than `maxBytes` (JSON), the oldest half of
 * the products, then of the orders, then of the finished ids and re-entry locks go, until it fits.
 * Last, the oldest running journeys of marketing campaigns end (remembered as finished, so they
 * do not start again). Consent, suppressions, transactional journeys and the outbox are never dropped.
 */
function enforceSizeBackstop(compiled: CompiledCampaigns, state: CustomerState, maxBytes: number): void {
  // Measuring walks the whole state: a small state is measured every 4th change only (one change
  // adds at most tens of KB, bounded by the item caps, so the 400 KB limit is not reached between).
  const measured = measuredBytes.get(state);
  if (measured !== undefined && measured < maxBytes / 4 && state.version % 4 !== 0) return;
  if (fits(state, maxBytes)) return;
  // Made only when the state is too large: under tsx (keepNames) each closure made costs its naming.
  const shrinkers = [
    () => halve(state.products, lastTouch),
    () => {
      const recent = state.orders.recent;
      if (recent.length === 0) return false;
      recent.splice(0, Math.ceil(recent.length / 2));
      return true;
    },
    () => halve(state.finished, (at) => at),
    () => halve(state.reentryLocks, (until) => Math.abs(until)),
    () => halve(state.carts, (cart) => cart.at),
    () => dropOldestMarketingJourney(compiled, state),
  ];
  for (const shrink of shrinkers) while (shrink()) if (fits(state, maxBytes)) return;
}

/** Measures the state (remembered for the next change), and whether it fits. */
function fits(state: CustomerState, maxBytes: number): boolean {
  const bytes = jsonLength(state);
  measuredBytes.set(state, bytes);
  return bytes <= maxBytes;
}

const measuredBytes = new WeakMap<CustomerState, number>();

function dropOldestMarketingJourney(compiled: CompiledCampaigns, state: CustomerState): boolean {
  let oldest: Journey | undefined;
  for (const journey of state.journeys) {
    const campaign = compiled.campaigns.get(journey.campaign);
    const marketing =
      campaign !== undefined &&
      campaign.kind === "marketing" &&
      campaign.steps.every((step) => step.type !== "send" || (step.kind ?? "marketing") === "marketing");
    if (marketing && (!oldest || journey.startedAt < oldest.startedAt)) oldest = journey;
  }
  if (!oldest) return false;
  state.journeys = state.journeys.filter((journey) => journey !== oldest);
  setCounted(state.finished, oldest.id, oldest.startedAt, anyFinished);
  return true;
}

function halve<T>(record: Record<string, T>, time: (value: T) => number): boolean {
  const keys = Object.keys(record);
  if (keys.length === 0) return false;
  keys
    .sort((a, b) => time(record[a]!) - time(record[b]!) || (a < b ? -1 : 1))
    .slice(0, Math.ceil(keys.length / 2))
    .forEach((key) => {
      delete record[key];
    });
  return true;
}
