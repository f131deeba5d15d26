import type { CompiledCampaigns } from "../functions/core/engine/compile.ts";
import type { Decision } from "../functions/core/engine/decisions.ts";
import { nextDueAt } from "../functions/core/engine/due.ts";
import { dueDecisions, scheduleOccurrences } from "../functions/core/engine/schedule.ts";
import type { CustomerState } from "../functions/core/state/customer-state.ts";
import { DAY } from "../functions/core/time/local-time.ts";
import { TimerQueue } from "./timer-queue.ts";

export const SWEEP_INTERVAL = 3_600_000;

/**
 * The simulator's sweep, as on AWS (functions/use-cases/sweep.ts): at the start of every hour, one
 * sweep per scheduled campaign, in the order the stack schedules them, each deciding on the
 * campaign's occurrences in that hour (dueDecisions) for the customers due. Who is due comes from a
 * priority queue of due times (nextDueAt, as the AWS due-time index files them), so an hour costs the
 * customers due in it, not every customer. `full` sweeps everyone every hour (same outcome, slower).
 */
export class SimulatedSweep {
  private readonly queue = new TimerQueue<string>();
  private readonly filed = new Map<string, { at: number; dayEnd: boolean }>();
  private readonly changed = new Set<string>();
  private readonly campaignIds: string[];
  /** Customer-hours the sweeps decided on (a measure of their work). */
  swept = 0;

  constructor(
    private readonly compiled: CompiledCampaigns,
    private readonly states: Map<string, CustomerState>,
    private readonly full = false,
  ) {
    this.campaignIds = [...new Set(compiled.scheduleTriggers.map((bound) => bound.campaign.id))];
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
        if (filed.dayEnd) this.file(customerId, nextDueAt(this.compiled, state, hour), false);
        else due.push(state);
      }
    // In a fixed order, whichever way they were found: the output does not depend on the index.
    due.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    this.swept += due.length;
    // Each customer's campaigns with an occurrence in the hour (what dueDecisions would find), so a
    // campaign with none costs nothing; then, campaign by campaign, the sweeps AWS runs.
    const campaignsOf = due.map(
      (state) => new Set(scheduleOccurrences(this.compiled, state, hour, end).map((o) => o.campaignId)),
    );
    for (const campaignId of this.campaignIds)
      due.forEach((state, index) => {
        if (campaignsOf[index]!.has(campaignId))
          apply(dueDecisions(this.compiled, state, campaignId, hour, end));
      });
    for (const state of due) this.changed.add(state.customerId);
  }

  /**
   * A changed customer with no occurrence left in the UTC day is filed under the day's end, where its
   * due time is computed; else under its due time now. A customer changing in many hours of a day then
   * costs the day's occurrences each time, and one search for its next due time.
   */
  private fileChanged(customerId: string, hour: number): void {
    const state = this.states.get(customerId);
    if (!state) return;
    const dayEnd = Math.floor(hour / DAY) * DAY + DAY;
    if (scheduleOccurrences(this.compiled, state, hour, dayEnd).length === 0)
      this.file(customerId, dayEnd, true);
    else this.file(customerId, nextDueAt(this.compiled, state, hour), false);
  }

  /** `dayEnd`: filed at the end of a UTC day, to compute the due time then. */
  private file(customerId: string, at: number, dayEnd: boolean): void {
    const filed = this.filed.get(customerId);
    if (filed?.at !== at) this.queue.push(at, customerId);
    this.filed.set(customerId, { at, dayEnd });
  }
}
