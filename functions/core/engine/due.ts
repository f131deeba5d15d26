import type { Condition } from "../config/condition.ts";
import type { EngineSettings } from "../config/engine.ts";
import { holds } from "../rules/conditions.ts";
import { readPath } from "../rules/paths.ts";
import { customerZone } from "../state/apply-event.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { getOwn } from "../state/data-record.ts";
import { spendCohort } from "../state/traits.ts";
import { DAY, instantOfLocal, localParts } from "../time/local-time.ts";
import type { Bound, CompiledCampaigns } from "./compile.ts";
import { type DecisionAccumulator, leadTime, reentryLockKey, scopeAt } from "./journeys.ts";
import { triggerOccurrences } from "./schedule.ts";

/**
 * How far ahead the search looks. Found nothing by then: the customer is due at the horizon anyway,
 * to be looked at again (a condition may open later than that, e.g. "no order for 500 days").
 */
export const DUE_HORIZON = 400 * DAY;

/**
 * The earliest instant at or after `from` at which a scheduled campaign may decide something for this
 * customer if the state stays as it is: a lower bound, never later than the first occurrence that
 * would start a journey (an earlier answer costs a read, a later one would lose a send). Every
 * write of the state recomputes it, so only time moves it; conditions are read as times when
 * they hold (dates, "days ago", "within", spend leaving its window), and any condition it cannot
 * read that way is taken to hold. `decidedBefore`: per campaign, an instant before which its occurrences
 * are decided already and not searched (its sweep of the current hour has run for this customer).
 */
export function nextDueAt(
  compiled: CompiledCampaigns,
  state: CustomerState,
  from: number,
  decidedBefore?: ReadonlyMap<string, number>,
): number {
  let due = from + DUE_HORIZON;
  const accumulator: DecisionAccumulator = { compiled, state, decisions: [] };
  // One reading for all triggers (the trigger read is the one searched).
  const searched = { triggerId: "" };
  const reading: Reading = {
    read: scopeReader(accumulator, from, searched),
    from,
    decidedBefore,
    zone: customerZone(state, compiled.settings),
    state,
    settings: compiled.settings,
  };
  for (const bound of compiled.scheduleTriggers) {
    searched.triggerId = bound.trigger.id;
    const at = firstDueOccurrence(compiled, state, bound, due, reading);
    if (at !== undefined) due = at;
  }
  return due;
}

/**
 * The scope at an instant, with the trigger searched. The triggers' conditions mostly read the state at
 * `from`: its facts (traits) are built once for all. Returned, not declared in nextDueAt: under tsx
 * (keepNames) a function declared per call costs its naming.
 */
function scopeReader(
  accumulator: DecisionAccumulator,
  from: number,
  searched: { triggerId: string },
): Reading["read"] {
  let atFrom: ReturnType<typeof scopeAt> | undefined;
  return (at) => {
    if (at === from) atFrom ??= scopeAt(accumulator, from);
    const scope = at === from && atFrom ? atFrom : scopeAt(accumulator, at);
    scope.facts.trigger = { id: searched.triggerId };
    return scope;
  };
}

/** The first occurrence of the trigger in [from, to) that re-entry allows and whose conditions may hold. */
function firstDueOccurrence(
  compiled: CompiledCampaigns,
  state: CustomerState,
  bound: Bound<"schedule">,
  to: number,
  reading: Reading,
): number | undefined {
  const { from } = reading;
  const { campaign, trigger } = bound;
  const reentry = trigger.reentry ?? campaign.reentry;
  const startIndex = trigger.startAt ? (compiled.stepIndex.get(campaign.id)?.get(trigger.startAt) ?? 0) : 0;
  const lead = leadTime(campaign, startIndex);
  // Occurrences the campaign's sweep has decided already (its run for this hour is remembered).
  let start = Math.max(from, reading.decidedBefore?.get(campaign.id) ?? from);
  if (reentry?.scope === "customer") {
    const until = getOwn(state.reentryLocks, reentryLockKey(campaign.id, trigger.id, "", reentry));
    if (until !== undefined && until < 0) return undefined;
    // startJourney judges the lock at the first send: a start at `at` is allowed once until <= at + lead.
    if (until !== undefined) start = Math.max(start, until - lead);
  }
  // Dated occurrences are found for the whole window at once (its profile dates read once); daily
  // ones a week or so at a time, so an early one costs little.
  const chunk = trigger.dates ? Number.POSITIVE_INFINITY : 8 * DAY;
  for (const [a, b] of conditionTimes(trigger.where, reading).spans) {
    let low = Math.max(a, start);
    const high = Math.min(b, to);
    while (low < high) {
      const end = Math.min(high, low + chunk);
      for (const occurrence of triggerOccurrences(compiled, state, bound, low, end)) {
        if (reentry?.scope !== "key") return occurrence.at;
        const until = getOwn(
          state.reentryLocks,
          reentryLockKey(campaign.id, trigger.id, occurrence.key, reentry),
        );
        if (until === undefined || (until >= 0 && until <= occurrence.at + lead)) return occurrence.at;
      }
      low = end;
    }
  }
  return undefined;
}

/** Half-open [start, end) instants, sorted and disjoint. */
type Span = [number, number];
/** When a condition holds: `exact` when the spans are exactly its times from `from` on, else a superset. */
type Times = { spans: Span[]; exact: boolean };
type Reading = {
  read: (at: number) => ReturnType<typeof scopeAt>;
  from: number;
  /** Per campaign, the instant before which its occurrences are decided already (nextDueAt). */
  decidedBefore?: ReadonlyMap<string, number> | undefined;
  zone: string;
  state: CustomerState;
  settings: EngineSettings;
};

const ALWAYS: Span[] = [[Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]];
const UNKNOWN: Times = { spans: ALWAYS, exact: false };
/** Traits read from the stored state as is, the same at any time. */
const STATIC_TRAITS = new Set([
  "ordersCount",
  "deliveredCount",
  "lifetimeSpend",
  "lastOrderAt",
  "firstOrderAt",
  "lastActiveAt",
  "preferredHour",
]);
/** Local midnights move with daylight saving: a "days ago" day is widened by this much each side. */
const DAY_SLACK = 3 * 3_600_000;

export function conditionTimes(condition: Condition | undefined, reading: Reading): Times {
  if (!condition) return { spans: ALWAYS, exact: true };
  if ("all" in condition)
    return condition.all
      .map((c) => conditionTimes(c, reading))
      .reduce((a, b) => ({ spans: intersect(a.spans, b.spans), exact: a.exact && b.exact }), {
        spans: ALWAYS,
        exact: true,
      });
  if ("any" in condition)
    return condition.any
      .map((c) => conditionTimes(c, reading))
      .reduce((a, b) => ({ spans: union(a.spans, b.spans), exact: a.exact && b.exact }), {
        spans: [] as Span[],
        exact: true,
      });
  if ("not" in condition) {
    const inner = conditionTimes(condition.not, reading);
    return inner.exact ? { spans: complement(inner.spans), exact: true } : UNKNOWN;
  }
  if ("interest" in condition) return UNKNOWN;
  const kind = pathKind(condition.path);
  const refKind = "ref" in condition && condition.ref !== undefined ? pathKind(condition.ref) : "static";
  if (kind === "unknown" || refKind === "unknown") return UNKNOWN;
  if (condition.op === "within" || condition.op === "olderThan" || condition.op === "daysAgo") {
    if (kind !== "static") return UNKNOWN;
    const value = readPath(reading.read(reading.from).facts, condition.path);
    if (condition.op === "within")
      return {
        spans: typeof value === "number" ? [[Number.NEGATIVE_INFINITY, value + condition.value + 1]] : [],
        exact: true,
      };
    if (condition.op === "olderThan")
      return {
        spans: typeof value === "number" ? [[value + condition.value + 1, Number.POSITIVE_INFINITY]] : ALWAYS,
        exact: true,
      };
    if (typeof value !== "number") return { spans: [], exact: true };
    const day = localParts(value, reading.zone).dayNumber + condition.value;
    return {
      spans: [
        [
          instantOfLocal(day, 0, reading.zone) - DAY_SLACK,
          instantOfLocal(day + 1, 0, reading.zone) + DAY_SLACK,
        ],
      ],
      exact: false,
    };
  }
  if (kind === "static" && refKind === "static")
    return { spans: holds(condition, reading.read(reading.from)) ? ALWAYS : [], exact: true };
  // Spend over a trailing window: constant between the instants an order enters or leaves it. The
  // condition reads the time only through the spend cohort, so it is judged once per cohort met.
  const spans: Span[] = [];
  const starts = spendBreakpoints(reading);
  const holdsInCohort = new Map<string, boolean>();
  for (let i = 0; i < starts.length; i++) {
    const cohort = spendCohort(reading.state, starts[i]!, reading.settings);
    let holding = holdsInCohort.get(cohort);
    if (holding === undefined) {
      holding = holds(condition, reading.read(starts[i]!));
      holdsInCohort.set(cohort, holding);
    }
    if (holding)
      spans.push([
        i === 0 ? Number.NEGATIVE_INFINITY : starts[i]!,
        starts[i + 1] ?? Number.POSITIVE_INFINITY,
      ]);
  }
  return { spans: union(spans, []), exact: true };
}

function pathKind(path: string): "static" | "spend" | "unknown" {
  const [root, field] = path.split(".", 3);
  if (root === "traits")
    return field === "spendCohort" ? "spend" : STATIC_TRAITS.has(field ?? "") ? "static" : "unknown";
  return root === "profile" || root === "consent" || root === "loyalty" || root === "trigger"
    ? "static"
    : "unknown";
}

/** `from`, then each later instant at which an order enters or leaves the spend window. */
function spendBreakpoints({ state, from, settings }: Reading): number[] {
  const window = settings.traits.spendWindow;
  const points = new Set<number>();
  for (const [at] of state.orders.spendHistory)
    for (const point of [at, at + window]) if (point > from) points.add(point);
  return [from, ...[...points].sort((a, b) => a - b)];
}

function union(a: Span[], b: Span[]): Span[] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const merged: Span[] = [];
  for (const [start, end] of all) {
    if (start >= end) continue;
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function intersect(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  for (const [s1, e1] of a)
    for (const [s2, e2] of b) {
      const start = Math.max(s1, s2);
      const end = Math.min(e1, e2);
      if (start < end) out.push([start, end]);
    }
  return union(out, []);
}

function complement(spans: Span[]): Span[] {
  const out: Span[] = [];
  let cursor = Number.NEGATIVE_INFINITY;
  for (const [start, end] of spans) {
    if (start > cursor) out.push([cursor, start]);
    cursor = Math.max(cursor, end);
  }
  if (cursor < Number.POSITIVE_INFINITY) out.push([cursor, Number.POSITIVE_INFINITY]);
  return out;
}
