import { VirtualTime } from "./virtual-time.ts";

/**
 * The runtime's clock over VirtualTime (actors active or asleep until an instant). Two modes:
 * - replay: the clock follows the events' times and jumps ahead when every actor is idle, up to the
 *   latest event delivered (or an explicit `advanceTo`), so a replay is fast and deterministic;
 * - live: runtime time = where it started + speed × real time elapsed; a sleeper wakes when that
 *   clock reaches its instant (a real timer, shortened by the speed).
 * `pump` must run on the runtime's serial queue, so one pump at a time decides what wakes.
 */
export class RuntimeClock {
  readonly time: VirtualTime;
  private live: { speed: number; realStart: number; runtimeStart: number } | undefined;
  private horizon: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    start: number,
    /** Called when a live sleeper is due: should queue a `pump`. */
    private readonly onDue: () => void,
  ) {
    this.time = new VirtualTime(start);
    this.horizon = start;
  }

  get mode(): "replay" | "live" {
    return this.live ? "live" : "replay";
  }

  get speed(): number | undefined {
    return this.live?.speed;
  }

  now(): number {
    if (this.live) this.time.now = Math.max(this.time.now, this.liveNow());
    return this.time.now;
  }

  /** From now on the clock runs with the wall clock, `speed` times faster. */
  goLive(speed: number): void {
    this.live = { speed, realStart: Date.now(), runtimeStart: this.time.now };
    this.onDue();
  }

  /** Replay: lets wake-ups up to `at` run (a delivery at `at` then runs after them, as simulate does). */
  async advanceTo(at: number): Promise<void> {
    this.horizon = Math.max(this.horizon, at);
    await this.pump();
    this.time.now = Math.max(this.time.now, at);
  }

  /** Wakes, one at a time, every sleeper due by the horizon (replay) or by now (live). */
  async pump(): Promise<void> {
    for (;;) {
      await this.time.settled();
      if (this.stopped) return;
      const wakeAt = this.time.nextWakeAt();
      const limit = this.live ? this.now() : this.horizon;
      if (wakeAt === undefined || wakeAt > limit) break;
      this.time.wakeNext();
      if (this.live) this.now();
    }
    this.armTimer();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private liveNow(): number {
    const live = this.live!;
    return live.runtimeStart + (Date.now() - live.realStart) * live.speed;
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    const wakeAt = this.time.nextWakeAt();
    if (!this.live || wakeAt === undefined || this.stopped) return;
    // Node's timers hold at most ~24.8 days; a longer wait re-arms on the way.
    const realMs = Math.min(Math.max(0, (wakeAt - this.now()) / this.live.speed), 2 ** 31 - 1);
    this.timer = setTimeout(this.onDue, Math.ceil(realMs));
  }
}
