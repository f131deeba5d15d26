import { TimerQueue } from "../../local/timer-queue.ts";

/**
 * Virtual time for many actors (deliveries, workflow executions, slow sends), as test/e2e's
 * VirtualTime, on a heap: a 50k-event run keeps thousands of journeys asleep at once. Actors are
 * active or asleep until an instant; the driver advances the clock only when none is active, so at
 * most one actor runs between two instants and the run is deterministic, with no real waiting.
 */
export class VirtualClock {
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly sleepers = new TimerQueue<() => void>();

  constructor(public now: number) {}

  /** The most actors ever active at once: 1 unless something ran outside the driver's control. */
  maxActive = 0;

  enter(): void {
    this.active++;
    if (this.active > this.maxActive) this.maxActive = this.active;
  }

  leave(): void {
    this.active--;
    if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The calling actor is inactive until the driver's clock reaches `at`. */
  sleepUntil(at: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push(at, wake);
      this.leave();
    });
  }

  /** Resolves once every actor is asleep or finished. */
  async settled(): Promise<void> {
    while (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  nextWakeAt(): number | undefined {
    return this.sleepers.peekTime();
  }

  get sleeping(): number {
    return this.sleepers.size;
  }

  /**
   * Calls `check` every `ms` of virtual time until cancelled, each call as an actor of its own (it can
   * run while the actor that scheduled it sleeps, as a real timer does), active until the promise the
   * check returns settles. `context` runs each call in the scheduler's async context (its invocation).
   */
  every(ms: number, check: () => unknown, context: <T>(fn: () => T) => T = (fn) => fn()): () => void {
    let cancelled = false;
    const tick = async () => {
      try {
        if (!cancelled) await context(check);
      } finally {
        if (!cancelled) this.sleepers.push(this.now + ms, tick);
        this.leave();
      }
    };
    this.sleepers.push(this.now + ms, tick);
    return () => {
      cancelled = true;
    };
  }

  /** Wakes the earliest sleeper (first come first served on a tie); a past instant runs now. */
  wakeNext(): void {
    const next = this.sleepers.pop();
    if (!next) return;
    this.now = Math.max(this.now, next.at);
    this.enter();
    next.value();
  }
}
