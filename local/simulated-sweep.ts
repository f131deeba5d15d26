import type { CompiledCampaigns } from "../functions/core/engine/compile.ts";
import { nextDueAt } from "../functions/core/engine/due.ts";
import { type Occurrence, scheduleOccurrences } from "../functions/core/engine/schedule.ts";
import type { CustomerState } from "../functions/core/state/customer-state.ts";
import { DAY } from "../functions/core/time/local-time.ts";

/** Places in the timer order kept per customer per sweep: more occurrences than this in a day is refused. */
const PLACES_PER_CUSTOMER = 4096;

export type OccurrenceTimers = {
  /** Reserves places in the timer order; returns the first. */
  reserve(count: number): number;
  push(at: number, customerId: string, occurrence: Occurrence, seq: number): void;
};

/**
 * The simulator's daily sweep over an in-memory index of due times (nextDueAt, by UTC day): it runs
 * the occurrences of the customers due that day, and of those whose state changed since their due time
 * was computed. The result is the same as pushing every customer's occurrences at midnight (`full`):
 * a customer left out whose state then changes during the day gets, before that change, the day's
 * occurrences still ahead, computed on the state it had at midnight, in the order they would have had.
 */
export class SimulatedSweep {
  private readonly dueDay = new Map<string, number>();
  private readonly buckets = new Map<number, string[]>();
  private readonly changed = new Set<string>();
  private readonly swept = new Set<string>();
  private readonly ordinals = new Map<string, number>();
  private day = Number.NEGATIVE_INFINITY;
  private firstPlace = 0;
  private customersAtSweep = 0;
  /** Customers whose occurrences were computed (a measure of the sweep's work). */
  materialized = 0;

  constructor(
    private readonly compiled: CompiledCampaigns,
    private readonly states: Map<string, CustomerState>,
    private readonly timers: OccurrenceTimers,
    private readonly full = false,
  ) {}

  /** The sweep of the UTC day starting at `day`. */
  run(day: number): void {
    this.day = day;
    this.swept.clear();
    this.customersAtSweep = this.states.size;
    this.firstPlace = this.timers.reserve(this.states.size * PLACES_PER_CUSTOMER);
    if (this.full) {
      for (const customerId of this.states.keys()) this.materialize(customerId, Number.NEGATIVE_INFINITY, -1);
      return;
    }
    for (const customerId of this.changed) {
      const state = this.states.get(customerId);
      if (!state) continue;
      const due = Math.floor(nextDueAt(this.compiled, state, day) / DAY) * DAY;
      this.dueDay.set(customerId, due);
      let bucket = this.buckets.get(due);
      if (!bucket) {
        bucket = [];
        this.buckets.set(due, bucket);
      }
      bucket.push(customerId);
    }
    this.changed.clear();
    const due = this.buckets.get(day) ?? [];
    this.buckets.delete(day);
    for (const customerId of due)
      if (this.dueDay.get(customerId) === day && !this.swept.has(customerId))
        this.materialize(customerId, Number.NEGATIVE_INFINITY, -1);
  }

  /**
   * Call before the customer's state changes at `at`, by a timer of order `seq` (an event: Infinity).
   * Occurrences at the same instant that come after that timer are still ahead.
   */
  beforeChange(customerId: string, at: number, seq: number): void {
    // Called before a new customer's state is made too, so ordinals follow the states' order.
    const ordinal = this.ordinalOf(customerId);
    this.changed.add(customerId);
    if (this.full || this.swept.has(customerId)) return;
    if (ordinal >= this.customersAtSweep) {
      this.swept.add(customerId);
      return;
    }
    this.materialize(customerId, at, seq);
  }

  /** The day's occurrences from the customer's current state, those after (at, seq) pushed. */
  private materialize(customerId: string, at: number, seq: number): void {
    const state = this.states.get(customerId);
    this.swept.add(customerId);
    this.changed.add(customerId);
    if (!state) return;
    this.materialized++;
    const ordinal = this.ordinalOf(customerId);
    const occurrences = scheduleOccurrences(this.compiled, state, this.day, this.day + DAY);
    if (occurrences.length > PLACES_PER_CUSTOMER)
      throw new Error(`customer ${customerId}: more than ${PLACES_PER_CUSTOMER} occurrences in a day`);
    const first = this.firstPlace + ordinal * PLACES_PER_CUSTOMER;
    occurrences.forEach((occurrence, index) => {
      const place = first + index;
      if (occurrence.at > at || (occurrence.at === at && place > seq))
        this.timers.push(occurrence.at, customerId, occurrence, place);
    });
  }

  private ordinalOf(customerId: string): number {
    let ordinal = this.ordinals.get(customerId);
    if (ordinal === undefined) {
      ordinal = this.ordinals.size;
      this.ordinals.set(customerId, ordinal);
    }
    return ordinal;
  }
}
