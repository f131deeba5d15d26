import { getOwn, setOwn } from "./data-record.ts";

/** Which entries of a capped record count toward its cap (the same for a record every time). */
export type Counted<T> = (value: T) => boolean;

/**
 * Per capped record (finished journey ids, re-entry locks), an upper bound on its counted entries,
 * raised as entries are added through `setCounted`: pruning counts a record only when the bound passes
 * its cap, not on every change (listing a dictionary-mode object's keys walks and sorts them all).
 * Removing entries leaves the bound an upper bound. A record not seen yet is counted once.
 */
const bounds = new WeakMap<object, number>();

/** `setOwn`, raising the record's bound when the entry starts to count. */
export function setCounted<T>(record: Record<string, T>, key: string, value: T, counted: Counted<T>): void {
  const bound = bounds.get(record);
  if (bound !== undefined && counted(value)) {
    const previous = getOwn(record, key);
    if (previous === undefined || !counted(previous)) bounds.set(record, bound + 1);
  }
  setOwn(record, key, value);
}

/** Whether more than `limit` entries count; counts them only when the bound is over the limit. */
export function countExceeds<T>(record: Record<string, T>, limit: number, counted: Counted<T>): boolean {
  const bound = bounds.get(record);
  if (bound !== undefined && bound <= limit) return false;
  let count = 0;
  for (const value of Object.values(record)) if (counted(value)) count++;
  bounds.set(record, count);
  return count > limit;
}

/** Every finished journey id counts toward `finishedJourneyIds`. */
export const anyFinished: Counted<number> = () => true;
/** Locks held forever (kept as minus when set) count toward `foreverLocks`. */
export const foreverLock: Counted<number> = (until) => until < 0;
