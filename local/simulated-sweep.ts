import { clockTimeToMinutes } from "../functions/core/config/duration-values.ts";
import type { CompiledCampaigns } from "../functions/core/engine/compile.ts";
import type { Decision } from "../functions/core/engine/decisions.ts";
import { nextDueAt } from "../functions/core/engine/due.ts";
import { dueDecisions, runOccurrence, scheduleOccurrences } from "../functions/core/engine/schedule.ts";
import { customerZone } from "../functions/core/state/apply-event.ts";
import type { CustomerState } from "../functions/core/state/customer-state.ts";
import { nextLocalTime } from "../functions/core/time/local-time.ts";
import { TimerQueue } from "./timer-queue.ts";

export const SWEEP_INTERVAL = 3_600_000;
/** A state-free bound is taken this much early: daylight saving moves a local time by at most 1 hour. */
const BOUND_SLACK = 2 * SWEEP_INTERVAL;

/**
 * The simulator's sweep, as on AWS (functions/use-cases/sweep.ts): at the start of every hour, one
 * sweep per scheduled campaign, in the order the stack schedules them, each deciding on the
 * campaign's occurrences in that hour (dueDecisions) for the customers due. Who is due comes from a
 * priority queue of due times (nextDueAt, as the AWS due-time index files them), so an hour costs the
 * customers due in it, not every customer. `full` sweeps everyone every hour (same outcome, slower).
 * A changed customer is first filed, without reading its state, under the first local time any
 * schedule trigger can fire in its zone (`recheck`); its due time is searched then, once, however
 * often it changed before.
 */
export class SimulatedSweep {
  private readonly queue = new TimerQueue<string>();
  private readonly filed = new Map<string, { at: number; recheck: boolean }>();
  private readonly changed = new Set<string>();
  private readonly campaignIds: string[];
  /** The local minutes the schedule triggers fire at; undefined when one fires at an hour read from the state. */
  private readonly triggerMinutes: number[] | undefined;
  /** Per zone, the recheck time of the sweep hour `recheckHour`. */
  private readonly recheckTimes = new Map<string, number>();
  private recheckHour = Number.NaN;
  /** Customer-hours the sweeps decided on (a measure of their work). */
  swept = 0;

  constructor(
    private readonly compiled: CompiledCampaigns,
    private readonly states: Map<string, CustomerState>,
    private readonly full = false,
  ) {
    this.campaignIds = [...new Set(compiled.scheduleTriggers.map((bound) => bound.campaign.id))];
    this.triggerMinutes = compiled.scheduleTriggers.some((bound) => bound.trigger.atHourFrom)
      ? undefined
      : [...new Set(compiled.scheduleTriggers.map((bound) => clockTimeToMinutes(bound.trigger.at)))];
    for (const customerId of states.keys()) this.changed.add(customerId);
  }

  get active(): boolean {
    return this.campaignIds.length > 0;
  }

  /** The customer's state changed (or was made): its due time is computed again at the next sweep. */
  stateChanged(customerId: string): void {
    this.changed.add(customerId);
  }

  /** The sweeps of the hour starting at `hour`; `apply` takes each customer's decisions. */
  run(hour: number, apply: (decisions: Decision[]) => void): void {
    const end = hour + SWEEP_INTERVAL;
    for (const customerId of this.changed) this.fileChanged(customerId, hour);
    this.changed.clear();
    const due: CustomerState[] = [];
    if (this.full) {
      for (const state of this.states.values())
        if (scheduleOccurrences(this.compiled, state, hour, end).length > 0) due.push(state);
    } else
      for (let at = this.queue.peekTime(); at !== undefined && at < end; at = this.queue.peekTime()) {
        const customerId = this.queue.pop()!.value;
        const filed = this.filed.get(customerId);
        if (filed?.at !== at) continue;
        const state = this.states.get(customerId);
        if (!state) continue;
        this.filed.delete(customerId);
        if (filed.recheck) this.file(customerId, nextDueAt(this.compiled, state, hour), false);
        else due.push(state);
      }
    // In a fixed order, whichever way they were found: the output does not depend on the index.
    due.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    this.swept += due.length;
    // Each customer's occurrences in the hour, so a campaign with none costs nothing; then, campaign
    // by campaign, the sweeps AWS runs. Running an occurrence does not move the others (they read the
    // zone and profile dates only) unless a trigger reads its hour from the state: then each campaign's
    // are found again, as dueDecisions does.
    const occurrencesOf = due.map((state) => scheduleOccurrences(this.compiled, state, hour, end));
    for (const campaignId of this.campaignIds)
      due.forEach((state, index) => {
        const occurrences = occurrencesOf[index]!.filter((o) => o.campaignId === campaignId);
        if (occurrences.length === 0) return;
        if (!this.triggerMinutes) apply(dueDecisions(this.compiled, state, campaignId, hour, end));
        else apply(occurrences.flatMap((occurrence) => runOccurrence(this.compiled, state, occurrence)));
      });
    for (const state of due) this.changed.add(state.customerId);
  }

  /**
   * A changed customer is filed, to be rechecked, at the first instant any schedule trigger can fire
   * in its zone (taken early by BOUND_SLACK), whatever its state: no occurrence can come before.
   */
  private fileChanged(customerId: string, hour: number): void {
    const state = this.states.get(customerId);
    if (!state) return;
    this.file(customerId, this.recheckTime(customerZone(state, this.compiled.settings), hour), true);
  }

  /** Not before `hour`; `hour` itself when a trigger reads its hour from the state. */
  private recheckTime(zone: string, hour: number): number {
    if (!this.triggerMinutes) return hour;
    if (hour !== this.recheckHour) {
      this.recheckTimes.clear();
      this.recheckHour = hour;
    }
    let at = this.recheckTimes.get(zone);
    if (at === undefined) {
      at = Number.POSITIVE_INFINITY;
      for (const minute of this.triggerMinutes) at = Math.min(at, nextLocalTime(hour, zone, minute));
      at = Math.max(hour, at - BOUND_SLACK);
      this.recheckTimes.set(zone, at);
    }
    return at;
  }

  /** `recheck`: filed to search its due time then. */
  private file(customerId: string, at: number, recheck: boolean): void {
    const filed = this.filed.get(customerId);
    if (filed?.at !== at) this.queue.push(at, customerId);
    this.filed.set(customerId, { at, recheck });
  }
}
