import { AsyncLocalStorage } from "node:async_hooks";
import { TimerQueue } from "../../local/timer-queue.ts";

/**
 * Virtual time for many actors (deliveries, workflow executions, slow sends), as test/e2e's
 * VirtualTime, on a heap: a 50k-event run keeps thousands of journeys asleep at once. Actors are
 * active or asleep until an instant; the driver advances the clock only when none is active, so at
 * most one actor runs between two instants and the run is deterministic, with no real waiting.
 *
 * Each actor has an identity (carried in its async context), so the clock can tell when that rule is
 * broken instead of miscounting: two actors active at once, an actor that sleeps or ends while it is
 * not active (code running outside the clock's control, such as a real-time timer firing), or work
 * done by no actor. Each is recorded in `violations`; the driver stops the run on the first.
 */
export class VirtualClock {
  private readonly actor = new AsyncLocalStorage<number>();
  private readonly running = new Set<number>();
  /** What each actor is, for the breach reports. */
  private readonly names = new Map<number, string>();
  private actorCount = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly sleepers = new TimerQueue<() => void>();

  constructor(public now: number) {}

  /** The most actors ever active at once: 1 unless something ran outside the driver's control. */
  maxActive = 0;
  /** Breaches of the one-actor rule, in order (empty in a sound run). */
  readonly violations: string[] = [];
  /** Repeating checks (lease heartbeats) scheduled and not yet cancelled. */
  liveTimers = 0;

  get active(): number {
    return this.running.size;
  }

  /** Runs `body` as a new actor, active now, until the promise it returns settles. */
  run(body: () => Promise<unknown>, name = "an actor"): Promise<void> {
    const id = ++this.actorCount;
    this.names.set(id, name);
    this.enter(id);
    return this.actor.run(id, async () => {
      try {
        await body();
      } finally {
        this.leave(id, "ended");
        this.names.delete(id);
      }
    });
  }

  /** Starts `body` as a new actor at `at` (now: once the actors active now are asleep or finished). */
  spawn(at: number, body: () => Promise<unknown>, name?: string): void {
    this.sleepers.push(at, () => void this.run(body, name));
  }

  /**
   * The calling actor is inactive until the driver's clock reaches `at`, or until `signal` aborts (an
   * aborted call ends when the actor that aborted it is asleep or done).
   */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    const id = this.actor.getStore();
    return new Promise((wake) => {
      let woken = false;
      const wakeOnce = () => {
        if (woken) return;
        woken = true;
        if (id !== undefined) this.enter(id);
        wake();
      };
      this.sleepers.push(at, wakeOnce);
      signal?.addEventListener("abort", () => this.sleepers.push(this.now, wakeOnce), { once: true });
      if (id === undefined) this.violations.push(`a sleep by no actor at ${this.instant()}`);
      else this.leave(id, "went to sleep");
    });
  }

  /** Records work (a DynamoDB request, …) done while no actor, or an actor that is not active, runs. */
  expectActive(what: string): void {
    const id = this.actor.getStore();
    if (id === undefined || !this.running.has(id))
      this.violations.push(
        `${what} by ${id === undefined ? "no actor" : `${this.nameOf(id)}, asleep`} at ${this.instant()}`,
      );
  }

  /** The run is over: actors still asleep are stopped from outside, which breaks no rule. */
  close(): void {
    this.closed = true;
  }

  /** Resolves once every actor is asleep or finished. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
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
    this.liveTimers++;
    const tick = async () => {
      if (cancelled) return;
      try {
        await context(check);
      } finally {
        if (!cancelled) this.spawn(this.now + ms, tick, "a repeating check");
      }
    };
    this.spawn(this.now + ms, tick, "a repeating check");
    return () => {
      if (!cancelled) this.liveTimers--;
      cancelled = true;
    };
  }

  /** Wakes the earliest sleeper (first come first served on a tie); a past instant runs now. */
  wakeNext(): void {
    const next = this.sleepers.pop();
    if (!next) return;
    this.now = Math.max(this.now, next.at);
    next.value();
  }

  private enter(id: number): void {
    if (this.running.size > 0 && !this.closed)
      this.violations.push(
        `${this.nameOf(id)} started while ${this.nameOf([...this.running][0] ?? 0)} was active at ${this.instant()}`,
      );
    this.running.add(id);
    if (this.running.size > this.maxActive) this.maxActive = this.running.size;
  }

  private leave(id: number, how: string): void {
    if (!this.running.delete(id) && !this.closed)
      this.violations.push(`${this.nameOf(id)} ${how} while not active at ${this.instant()}`);
    if (this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private nameOf(id: number): string {
    return `actor ${id} (${this.names.get(id) ?? "ended"})`;
  }

  private instant(): string {
    return new Date(this.now).toISOString();
  }
}
