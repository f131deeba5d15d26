import { clockTimeToMinutes } from "../config/duration-values.ts";
import { holds } from "../rules/conditions.ts";
import { readPath } from "../rules/paths.ts";
import { customerZone } from "../state/apply-event.ts";
import type { CustomerState } from "../state/customer-state.ts";
import {
  dateOfDayNumber,
  dayNumberInYear,
  dayNumberOfDate,
  instantOfLocal,
  localDate,
  localParts,
} from "../time/local-time.ts";
import type { Bound, CompiledCampaigns } from "./compile.ts";
import type { Decision } from "./decisions.ts";
import { type DecisionAccumulator, scopeAt, startJourney } from "./journeys.ts";
import { selectProducts } from "./products.ts";
import { pruneState } from "./prune.ts";

/** A scheduled campaign due for one customer at one local moment. */
export type Occurrence = {
  campaignId: string;
  triggerId: string;
  at: number;
  key: string;
  context: Record<string, unknown>;
};

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/**
 * The scheduled sends of this customer whose local time falls in [from, to): what a sweep over that
 * window must run (the simulator sweeps a day at a time, the AWS sweep an hour at a time).
 */
export function scheduleOccurrences(
  compiled: CompiledCampaigns,
  state: CustomerState,
  from: number,
  to: number,
): Occurrence[] {
  const zone = customerZone(state, compiled.settings);
  const first = localParts(from, zone).dayNumber;
  const last = localParts(to, zone).dayNumber;
  const occurrences: Occurrence[] = [...sharedOccurrences(compiled, zone, from, to, first, last)];
  for (const bound of compiled.scheduleTriggers) {
    const { campaign, trigger } = bound;
    if (trigger.dates) {
      for (const dated of datedOccurrences(bound, state, zone, first, last))
        if (dated.at >= from && dated.at < to)
          occurrences.push({ campaignId: campaign.id, triggerId: trigger.id, ...dated });
    } else if (trigger.atHourFrom) {
      const minute = minuteOfSend(bound, state, compiled);
      if (minute !== undefined) pushDaily(occurrences, bound, zone, from, to, first, last, minute);
    }
  }
  return occurrences.length > 1 ? occurrences.sort((a, b) => a.at - b.at) : occurrences;
}

/** The occurrences of one schedule trigger whose local time falls in [from, to), in time order. */
export function triggerOccurrences(
  compiled: CompiledCampaigns,
  state: CustomerState,
  bound: Bound<"schedule">,
  from: number,
  to: number,
): Occurrence[] {
  const zone = customerZone(state, compiled.settings);
  const first = localParts(from, zone).dayNumber;
  const last = localParts(to, zone).dayNumber;
  const { campaign, trigger } = bound;
  const found: Occurrence[] = [];
  if (trigger.dates) {
    for (const dated of datedOccurrences(bound, state, zone, first, last))
      if (dated.at >= from && dated.at < to)
        found.push({ campaignId: campaign.id, triggerId: trigger.id, ...dated });
  } else {
    const minute = minuteOfSend(bound, state, compiled);
    if (minute !== undefined) pushDaily(found, bound, zone, from, to, first, last, minute);
  }
  return found.length > 1 ? found.sort((a, b) => a.at - b.at) : found;
}

const sharedCache = new WeakMap<CompiledCampaigns, Map<string, readonly Occurrence[]>>();

/**
 * Occurrences that depend only on the zone (every day / week at a fixed local time): the same for
 * every customer of that zone in that window, so a sweep computes them once per zone.
 */
function sharedOccurrences(
  compiled: CompiledCampaigns,
  zone: string,
  from: number,
  to: number,
  first: number,
  last: number,
): readonly Occurrence[] {
  let cache = sharedCache.get(compiled);
  if (!cache) {
    cache = new Map();
    sharedCache.set(compiled, cache);
  }
  const cacheKey = `${zone}|${from}|${to}`;
  let shared = cache.get(cacheKey);
  if (!shared) {
    const found: Occurrence[] = [];
    for (const bound of compiled.scheduleTriggers) {
      if (bound.trigger.dates || bound.trigger.atHourFrom) continue;
      pushDaily(found, bound, zone, from, to, first, last, clockTimeToMinutes(bound.trigger.at));
    }
    if (cache.size > 10_000) cache.clear();
    shared = found;
    cache.set(cacheKey, shared);
  }
  return shared;
}

function pushDaily(
  into: Occurrence[],
  { campaign, trigger }: Bound<"schedule">,
  zone: string,
  from: number,
  to: number,
  first: number,
  last: number,
  minute: number,
): void {
  for (let day = first; day <= last; day++) {
    if (trigger.every === "week" && WEEKDAYS[(((day + 3) % 7) + 7) % 7] !== trigger.weekday) continue;
    const at = instantOfLocal(day, minute, zone);
    if (at >= from && at < to)
      into.push({
        campaignId: campaign.id,
        triggerId: trigger.id,
        at,
        key: localDate(at, zone),
        context: {},
      });
  }
}

/** Runs one occurrence at its time: its conditions are checked then, and the journey starts. */
export function runOccurrence(
  compiled: CompiledCampaigns,
  state: CustomerState,
  occurrence: Occurrence,
): Decision[] {
  const accumulator: DecisionAccumulator = { compiled, state, decisions: [] };
  const campaign = compiled.campaigns.get(occurrence.campaignId);
  const trigger = campaign?.triggers.find((t) => t.id === occurrence.triggerId);
  if (!campaign || !trigger) return accumulator.decisions;
  const scope = scopeAt(accumulator, occurrence.at);
  scope.facts.trigger = { id: trigger.id };
  scope.facts.journey = occurrence.context;
  if (!holds(trigger.where, scope)) return accumulator.decisions;
  const context: Record<string, unknown> = { ...occurrence.context, occurrence: occurrence.key };
  if (trigger.products) context.products = selectProducts(trigger.products, scope);
  startJourney(accumulator, { campaign, trigger, key: occurrence.key, at: occurrence.at, context });
  if (accumulator.decisions.length > 0) {
    pruneState(compiled, state, occurrence.at);
    state.version++;
  }
  return accumulator.decisions;
}

function minuteOfSend(
  { trigger }: Bound<"schedule">,
  state: CustomerState,
  compiled: CompiledCampaigns,
): number | undefined {
  if (!trigger.atHourFrom) return clockTimeToMinutes(trigger.at);
  const accumulator: DecisionAccumulator = { compiled, state, decisions: [] };
  const hour = readPath(scopeAt(accumulator, 0).facts, trigger.atHourFrom);
  return typeof hour === "number" && hour >= 0 && hour < 24 ? hour * 60 : undefined;
}

type Dated = { at: number; key: string; context: Record<string, unknown> };

function datedOccurrences(
  { trigger }: Bound<"schedule">,
  state: CustomerState,
  zone: string,
  firstDay: number,
  lastDay: number,
): Dated[] {
  const dates = trigger.dates!;
  const minute = clockTimeToMinutes(trigger.at);
  const found: Dated[] = [];
  const firstYear = dateOfDayNumber(firstDay - dates.offsetDays).year;
  const lastYear = dateOfDayNumber(lastDay - dates.offsetDays).year;
  for (const [name, date] of namedDates(state, dates.paths, zone)) {
    const [year, month, day] = date.split("-").map(Number) as [number, number, number];
    for (let targetYear = firstYear; targetYear <= lastYear; targetYear++) {
      if (dates.skipFirstYear ? targetYear <= year : targetYear < year) continue;
      const sendDay = dayNumberInYear(targetYear, month, day) + dates.offsetDays;
      if (sendDay < firstDay || sendDay > lastDay) continue;
      found.push({
        at: instantOfLocal(sendDay, minute, zone),
        key: `${name}:${targetYear}`,
        context: { dateName: name, date, year: targetYear, years: targetYear - year },
      });
    }
  }
  return found;
}

/** Profile dates by name: YYYY-MM-DD strings, maps of them (profile.dates), or timestamps (signedUpAt). */
function namedDates(state: CustomerState, paths: string[], zone: string): [string, string][] {
  const scope = { profile: state.profile, traits: {} };
  const named: [string, string][] = [];
  for (const path of paths) {
    const value = readPath(scope, path);
    const name = path.split(".").at(-1) ?? path;
    if (typeof value === "string" && !Number.isNaN(dayNumberOfDate(value))) named.push([name, value]);
    else if (typeof value === "number") named.push([name, localDate(value, zone)]);
    else if (value && typeof value === "object")
      for (const [key, date] of Object.entries(value))
        if (typeof date === "string" && !Number.isNaN(dayNumberOfDate(date))) named.push([key, date]);
  }
  return named;
}

/** The decisions of the campaign's occurrences in the window, run on `state` (which they change). */
export function dueDecisions(
  compiled: CompiledCampaigns,
  state: CustomerState,
  campaignId: string,
  from: number,
  to: number,
): Decision[] {
  const decisions: Decision[] = [];
  for (const occurrence of scheduleOccurrences(compiled, state, from, to))
    if (occurrence.campaignId === campaignId) decisions.push(...runOccurrence(compiled, state, occurrence));
  return decisions;
}
