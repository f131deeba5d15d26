import type { EngineSettings } from "../config/engine.ts";
import { DAY } from "../time/local-time.ts";
import type { CustomerState } from "./customer-state.ts";
import { getOwn } from "./data-record.ts";

export type Traits = TraitView;

/** The computed traits of CAMPAIGNS.md as of `now`, each computed when first read (conditions read few). */
export function computeTraits(state: CustomerState, now: number, settings: EngineSettings): Traits {
  return new TraitView(state, now, settings);
}

export class TraitView {
  private memo: { propensity?: number; spendCohort?: string; topBrands?: string[] } = {};

  constructor(
    private readonly state: CustomerState,
    private readonly now: number,
    private readonly settings: EngineSettings,
  ) {}

  get ordersCount() {
    return this.state.orders.count;
  }
  get deliveredCount() {
    return this.state.orders.deliveredCount;
  }
  get lifetimeSpend() {
    return this.state.orders.lifetimeSpend;
  }
  get lastOrderAt() {
    return this.state.orders.lastOrderAt;
  }
  get firstOrderAt() {
    return this.state.orders.firstOrderAt;
  }
  get lastActiveAt() {
    return this.state.activity.lastActiveAt;
  }
  get propensity() {
    this.memo.propensity ??= propensity(this.state, this.now, this.settings);
    return this.memo.propensity;
  }
  get spendCohort() {
    this.memo.spendCohort ??= spendCohort(this.state, this.now, this.settings);
    return this.memo.spendCohort;
  }
  get preferredHour() {
    return preferredHour(this.state, this.settings);
  }
  get viewsInWindow() {
    return countSince(this.state.activity.viewTimes, this.now - this.settings.traits.viewCountWindow);
  }
  get loyaltyBalance() {
    return this.state.loyalty.balance;
  }
  get loyaltyTier() {
    return this.state.loyalty.tier;
  }
  get loyaltyEnrolled() {
    return this.state.loyalty.enrolled;
  }
  get topBrands() {
    this.memo.topBrands ??= topBrands(this.state, this.now, this.settings, 3);
    return this.memo.topBrands;
  }
  /** Templates read own properties only (liquidjs ownPropertyOnly): they get a plain copy of every trait. */
  toLiquid() {
    return {
      ordersCount: this.ordersCount,
      deliveredCount: this.deliveredCount,
      lifetimeSpend: this.lifetimeSpend,
      lastOrderAt: this.lastOrderAt,
      firstOrderAt: this.firstOrderAt,
      lastActiveAt: this.lastActiveAt,
      propensity: this.propensity,
      spendCohort: this.spendCohort,
      preferredHour: this.preferredHour,
      viewsInWindow: this.viewsInWindow,
      loyaltyBalance: this.loyaltyBalance,
      loyaltyTier: this.loyaltyTier,
      loyaltyEnrolled: this.loyaltyEnrolled,
      topBrands: this.topBrands,
    };
  }
}

export function decayedAffinity(entry: readonly [number, number], now: number, halfLifeDays: number): number {
  const [score, at] = entry;
  // A score dated after `now` (an event applied out of order) does not grow back in time.
  if (!(now > at)) return score;
  return score * 0.5 ** ((now - at) / DAY / halfLifeDays);
}

export function brandAffinityNow(
  state: CustomerState,
  brand: string,
  now: number,
  settings: EngineSettings,
): number {
  const entry = getOwn(state.brandAffinity, brand);
  return entry ? decayedAffinity(entry, now, settings.traits.affinityHalfLifeDays) : 0;
}

function topBrands(state: CustomerState, now: number, settings: EngineSettings, count: number): string[] {
  return Object.entries(state.brandAffinity)
    .map(
      ([brand, entry]) => [brand, decayedAffinity(entry, now, settings.traits.affinityHalfLifeDays)] as const,
    )
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([brand]) => brand);
}

export function propensity(state: CustomerState, now: number, settings: EngineSettings): number {
  const rules = settings.traits.propensity;
  const { lastActiveAt, lastCartUpdateAt, viewTimes } = state.activity;
  let score = 0;
  if (lastActiveAt !== undefined && now - lastActiveAt <= rules.activeRecent.within)
    score += rules.activeRecent.score;
  else if (lastActiveAt !== undefined && now - lastActiveAt <= rules.activeWeek.within)
    score += rules.activeWeek.score;
  if (lastCartUpdateAt !== undefined && now - lastCartUpdateAt <= rules.cartUpdate.within)
    score += rules.cartUpdate.score;
  if (countSince(viewTimes, now - rules.productViews.within) >= rules.productViews.atLeast)
    score += rules.productViews.score;
  if (state.orders.count > 0) score += rules.hasOrdered.score;
  // Sums of decimal weights drift (0.3 + 0.3 + 0.2 …); round so thresholds compare as written.
  return Math.min(1, Math.round(score * 1e6) / 1e6);
}

export function spendCohort(state: CustomerState, now: number, settings: EngineSettings): string {
  const since = now - settings.traits.spendWindow;
  let spend = 0;
  for (const [at, total] of state.orders.spendHistory) if (at > since && at <= now) spend += total;
  let cohort = settings.traits.spendCohorts[0]?.name ?? "new";
  for (const candidate of settings.traits.spendCohorts) if (spend >= candidate.min) cohort = candidate.name;
  return cohort;
}

function preferredHour(state: CustomerState, settings: EngineSettings): number | undefined {
  if (state.orders.count < settings.traits.preferredHourFromOrder) return undefined;
  let best = -1;
  let bestCount = 0;
  state.orders.localHourCounts.forEach((count, hour) => {
    if (count > bestCount) {
      best = hour;
      bestCount = count;
    }
  });
  return best >= 0 ? best : undefined;
}

function countSince(times: number[], since: number): number {
  let count = 0;
  for (const at of times) if (at > since) count++;
  return count;
}

/**
 * The customer's best local hour to receive marketing: the hour whose orders, human email clicks and
 * app opens, weighed by `sendTime.weights`, score highest (ties: the earliest); unknown until the
 * scores of all hours add up to `sendTime.knownFrom`.
 */
export function bestSendHour(state: CustomerState, settings: EngineSettings): number | undefined {
  const { weights, knownFrom } = settings.sendTime;
  const orders = state.orders.localHourCounts;
  const { clickHours, appOpenHours } = state.activity;
  let best = -1;
  let bestScore = 0;
  let total = 0;
  for (let hour = 0; hour < 24; hour++) {
    const score =
      weights.order * (orders[hour] ?? 0) +
      weights.click * (clickHours?.[hour] ?? 0) +
      weights.appOpen * (appOpenHours?.[hour] ?? 0);
    total += score;
    if (score > bestScore) {
      best = hour;
      bestScore = score;
    }
  }
  return best >= 0 && total >= knownFrom ? best : undefined;
}
