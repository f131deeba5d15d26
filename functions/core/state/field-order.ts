import { fnv1a32 } from "../policies/holdout.ts";
import type { CustomerState } from "./customer-state.ts";
import { getOwn, setOwn } from "./data-record.ts";

/**
 * Consent and profile fields follow the latest event by the event's own time, not by arrival: an
 * opt-in older than an opt-out, delivered after it (a retry, an archive replay), changes nothing.
 * Each field keeps the stamp of its last writer: the event time in ms, times 2048, plus 11 bits of
 * a hash of the event id as the tie-break, in one number (exact in a double until the year 2109).
 */
const TIE_BITS = 2048;

export type WriteStamp = number;

export function writeStamp(at: number, eventId: string): WriteStamp {
  return at * TIE_BITS + (fnv1a32(eventId) % TIE_BITS);
}

/** Whether an event with this stamp may write `field` (it is not older than the last writer); records it. */
export function claimField(state: CustomerState, field: string, stamp: WriteStamp): boolean {
  const last = getOwn(state.fieldStamps, field);
  if (last !== undefined && last > stamp) return false;
  setOwn(state.fieldStamps, field, stamp);
  return true;
}

/** Forgets the stamp of a field that is gone (a dropped attribute): its next write wins. */
export function forgetField(state: CustomerState, field: string): void {
  delete state.fieldStamps[field];
}
