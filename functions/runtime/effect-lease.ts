import type { CustomerStateStore } from "../adapters/customer-state-store.ts";
import { errorReason } from "../adapters/errors.ts";
import { freeClaimTime } from "./claim-effects.ts";
import type { RuntimeLog } from "./runtime-log.ts";

export type LeaseTiming = {
  /** How long a claim keeps other runs away. */
  leaseMs: number;
  /** The longest one effect may take: less than this left, and the lease is renewed before it. */
  effectBudgetMs: number;
  /** Past this, an effect is taken to hang: its lease is no longer renewed, and the effect is aborted before it lapses. */
  maxHoldMs: number;
  /** Real-time interval of the checks while an effect is in flight. */
  checkEveryMs: number;
  /** Runs `check` every `ms` until cancelled (default: a real-time setInterval that keeps no process alive). */
  every?: RepeatEvery;
};

/** Calls `check` every `ms` until the returned function is called; a check may return its own promise. */
export type RepeatEvery = (ms: number, check: () => unknown) => () => void;

const everyRealTime: RepeatEvery = (ms, check) => {
  const timer = setInterval(check, ms);
  timer.unref?.();
  return () => clearInterval(timer);
};

/**
 * The claim a run holds on the outbox entries it performs. Before each effect the run makes sure at
 * least one effect's worth of lease is left (renewing it in a conditional write if not), and while an
 * effect is in flight a heartbeat renews it past half-time: a slow send is not taken over by a
 * concurrent run. An entry whose claim another run has taken over is lost: this run does not perform it.
 */
export class EffectLease {
  private claimedAt: number;
  private readonly held: Set<string>;
  private readonly lost = new Set<string>();

  constructor(
    private readonly deps: { store: CustomerStateStore; now: () => number; log: RuntimeLog },
    private readonly customerId: string,
    ids: Iterable<string>,
    claimedAt: number,
    private readonly timing: LeaseTiming,
  ) {
    this.held = new Set(ids);
    this.claimedAt = claimedAt;
  }

  /** The claim time the entries still held carry in the stored state. */
  get since(): number {
    return this.claimedAt;
  }

  /** Whether this run may perform the entry now: still its own, with an effect's worth of lease left. */
  async mayPerform(id: string): Promise<boolean> {
    if (!this.held.has(id)) return false;
    const left = this.claimedAt + this.timing.leaseMs - this.deps.now();
    if (left < this.timing.effectBudgetMs && !(await this.renew())) return false;
    return this.held.has(id);
  }

  /** The entry is finished (or will not be performed by this run): no longer renewed. */
  let(id: string): void {
    this.held.delete(id);
  }

  isLost(id: string): boolean {
    return this.lost.has(id);
  }

  /**
   * Runs the effect with a heartbeat that renews the lease while it is in flight. When the lease would
   * end before the next check could renew it (renewals failing, a hang past maxHoldMs) or the entry was
   * taken over, the effect is aborted through its signal: another run may perform the entry once the
   * lease has lapsed, and must not find this one still sending it.
   */
  async during<T>(id: string, effect: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const startedAt = this.deps.now();
    const { leaseMs, checkEveryMs, maxHoldMs } = this.timing;
    const stop = new AbortController();
    const abortIfLapsing = () => {
      const left = this.claimedAt + leaseMs - this.deps.now();
      if (!stop.signal.aborted && (left <= checkEveryMs || this.lost.has(id))) stop.abort(new LeaseLapsing());
    };
    let beat: Promise<unknown> | undefined;
    const cancel = (this.timing.every ?? everyRealTime)(checkEveryMs, () => {
      const now = this.deps.now();
      if (beat !== undefined) return; // its outcome decides
      if (now - startedAt > maxHoldMs || now - this.claimedAt < leaseMs / 2) return abortIfLapsing();
      beat = this.renew()
        .then(abortIfLapsing)
        .finally(() => {
          beat = undefined;
        });
      return beat;
    });
    try {
      return await effect(stop.signal);
    } finally {
      cancel();
      await beat;
    }
  }

  /** One conditional write: every entry still claimed by this run gets a fresh claim time. */
  private async renew(): Promise<boolean> {
    if (this.held.size === 0) return true;
    const previous = this.claimedAt;
    const now = this.deps.now();
    let renewedAt = now;
    try {
      const outcome = await this.deps.store.update(this.customerId, (state) => {
        renewedAt = freeClaimTime(state.outbox, now);
        const taken: string[] = [];
        for (const id of this.held) {
          const entry = state.outbox.find((e) => e.id === id);
          if (entry === undefined || entry.claimedAt !== previous) taken.push(id);
          else entry.claimedAt = renewedAt;
        }
        return taken;
      });
      for (const id of outcome.result) {
        this.held.delete(id);
        this.lost.add(id);
      }
      this.claimedAt = renewedAt;
    } catch (error) {
      this.deps.log.warn("effect lease not renewed", {
        customerId: this.customerId,
        reason: errorReason(error),
      });
      return false;
    }
    // The entries carry the new claim, with its own backstop: the previous one's is not needed.
    try {
      await this.deps.store.settleClaim(this.customerId, previous);
    } catch (error) {
      this.deps.log.warn("claim backstop not settled", {
        customerId: this.customerId,
        reason: errorReason(error),
      });
    }
    return true;
  }
}

/** Why an effect was aborted: its lease was about to lapse (or was taken over) while it was in flight. */
export class LeaseLapsing extends Error {
  override readonly name = "LeaseLapsing";
  constructor() {
    super("effect aborted: its lease was about to lapse");
  }
}
