/**
 * Virtual time for the whole local engine. Every actor (an ingest call, a workflow execution) is
 * either active or asleep until a virtual instant; the driver advances the clock only when no actor
 * is active, to the earliest instant due, so the run is deterministic and takes no real waiting.
 */
export class VirtualTime {
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private sleepers: { at: number; order: number; wake: () => void }[] = [];
  private order = 0;

  constructor(public now: number) {}

  enter(): void {
    this.active++;
  }

  leave(): void {
    this.active--;
    if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The calling actor stops being active until the driver's clock reaches `at`. */
  sleepUntil(at: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at, order: this.order++, wake });
      this.leave();
    });
  }

  /** Resolves once every actor is asleep or finished. */
  async settled(): Promise<void> {
    while (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  nextWakeAt(): number | undefined {
    return this.sleepers.length === 0 ? undefined : Math.min(...this.sleepers.map((s) => s.at));
  }

  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Wakes the earliest sleeper (first come first served on a tie); a past instant runs now. */
  wakeNext(): void {
    this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = this.sleepers.shift();
    if (!next) return;
    this.now = Math.max(this.now, next.at);
    this.enter();
    next.wake();
  }
}
