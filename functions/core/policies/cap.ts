import type { Campaign, Step } from "../config/campaign.ts";
import { capClasses } from "../config/cap-classes.ts";
import type { EngineSettings } from "../config/engine.ts";
import type { CapClass } from "../config/policies.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { getOwn, setOwn } from "../state/data-record.ts";

/** A send's class under the cap: the step's, else the campaign's, else by kind. */
export function capClassOf(campaign: Campaign, step?: Step): CapClass {
  const send = step?.type === "send" ? step : undefined;
  if (send?.class) return send.class;
  if (campaign.class) return campaign.class;
  return (send?.kind ?? campaign.kind) === "marketing" ? "lifecycle" : "service";
}

/** 0 for the highest class (service). */
export function classRank(capClass: CapClass): number {
  return capClasses.indexOf(capClass);
}

/**
 * The order in which messages due at the same instant for one customer are judged: class rank,
 * then campaign id, then step id. A total order on (campaign, step), so the outcome never depends
 * on the order in which files were read or timers fired.
 */
export function comparePriority(
  a: { campaign: Campaign; step?: Step },
  b: { campaign: Campaign; step?: Step },
): number {
  return (
    classRank(capClassOf(a.campaign, a.step)) - classRank(capClassOf(b.campaign, b.step)) ||
    compareText(a.campaign.id, b.campaign.id) ||
    compareText(a.step?.id ?? "", b.step?.id ?? "")
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Cap = { max: number; window: number };

/** The slots of `max` a class may fill: the reserves of the classes above it are not its to use. */
export function slotsOf(settings: EngineSettings, capClass: CapClass, max: number): number {
  const rank = classRank(capClass);
  let reserved = 0;
  for (const above of capClasses.slice(0, rank)) reserved += settings.frequencyCap.classes[above].reserve;
  return max - reserved;
}

/**
 * The cap a message is judged under. A campaign's own cap (`policies.frequencyCap` in its file)
 * replaces the engine-wide max and window; the reserves are shares of the engine-wide max, so they
 * apply only to that one.
 */
export function capFor(settings: EngineSettings, capClass: CapClass, own?: Cap): Cap {
  const { max, window } = settings.frequencyCap;
  return own ?? { max: slotsOf(settings, capClass, max), window };
}

/**
 * Whether the cap lets a message of this class go now: the customer's counted sends in the window
 * are fewer than the cap's max, and its class's own sends fewer than its class max.
 */
export function capAllows(
  state: CustomerState,
  cap: Cap,
  capClass: CapClass,
  settings: EngineSettings,
  now: number,
): boolean {
  const since = now - cap.window;
  if (countSince(state.marketingSends, since) >= cap.max) return false;
  return classMaxAllows(state, capClass, settings, since);
}

function classMaxAllows(
  state: CustomerState,
  capClass: CapClass,
  settings: EngineSettings,
  since: number,
): boolean {
  const classMax = settings.frequencyCap.classes[capClass].max;
  return classMax === undefined || countSince(getOwn(state.classSends, capClass) ?? [], since) < classMax;
}

function countSince(times: readonly number[], since: number): number {
  let recent = 0;
  for (const at of times) if (at > since) recent++;
  return recent;
}

/** Counts a send toward the cap, in the total and in its class. */
export function countSend(state: CustomerState, capClass: CapClass, at: number): void {
  state.marketingSends.push(at);
  setOwn(state.classSends, capClass, [...(getOwn(state.classSends, capClass) ?? []), at]);
}

/** Takes a count back (a send that never went): from the total, and from its class when known. */
export function uncountSendOf(state: CustomerState, at: number, capClass: CapClass | undefined): void {
  state.marketingSends = withoutOne(state.marketingSends, at);
  const classes = capClass ? [capClass] : capClasses;
  for (const name of classes) {
    const times = getOwn(state.classSends, name);
    if (times?.includes(at)) {
      setOwn(state.classSends, name, withoutOne(times, at));
      return;
    }
  }
}

/** Forgets counts that left the window. */
export function pruneCapCounts(state: CustomerState, window: number, now: number): void {
  const since = now - window;
  if (state.marketingSends.length > 0 && state.marketingSends[0]! <= since)
    state.marketingSends = state.marketingSends.filter((at) => at > since);
  for (const name of Object.keys(state.classSends)) {
    const times = getOwn(state.classSends, name)!;
    if (times.length > 0 && times[0]! > since) continue;
    const kept = times.filter((at) => at > since);
    if (kept.length > 0) setOwn(state.classSends, name, kept);
    else delete state.classSends[name];
  }
}

function withoutOne(times: readonly number[], at: number): number[] {
  const index = times.indexOf(at);
  return index < 0 ? [...times] : [...times.slice(0, index), ...times.slice(index + 1)];
}
