import type { CustomerState } from "./customer-state.ts";

/**
 * Which events were applied to a customer, kept bounded: the ids of the latest `keep` events by event
 * time, and a watermark, the (time, id) of the latest event forgotten. An event whose id is not
 * remembered but that is not after the watermark may have been applied (a replay of the bus
 * archive): it only updates the fields ordered by event time, which cannot move backwards, and
 * starts nothing. See docs/state.md.
 */
export type AppliedStatus = "new" | "applied" | "possibly_applied";

export function appliedStatus(state: CustomerState, eventId: string, at: number): AppliedStatus {
  if (state.appliedEvents.includes(eventId)) return "applied";
  const watermark = state.appliedWatermark;
  if (watermark && (at < watermark[0] || (at === watermark[0] && eventId <= watermark[1])))
    return "possibly_applied";
  return "new";
}

export function rememberApplied(state: CustomerState, eventId: string, at: number, keep: number): void {
  const ids = state.appliedEvents;
  if (ids.includes(eventId)) return;
  const times = state.appliedEventTimes;
  // A state saved before times were kept: its ids count as applied at time 0.
  while (times.length < ids.length) times.unshift(0);
  times.length = ids.length;
  ids.push(eventId);
  times.push(at);
  while (ids.length > keep) {
    let oldest = 0;
    for (let i = 1; i < ids.length; i++)
      if (times[i]! < times[oldest]! || (times[i] === times[oldest] && ids[i]! < ids[oldest]!)) oldest = i;
    const forgotten: [number, string] = [times[oldest]!, ids[oldest]!];
    const watermark = state.appliedWatermark;
    if (
      !watermark ||
      forgotten[0] > watermark[0] ||
      (forgotten[0] === watermark[0] && forgotten[1] > watermark[1])
    )
      state.appliedWatermark = forgotten;
    ids.splice(oldest, 1);
    times.splice(oldest, 1);
  }
}
