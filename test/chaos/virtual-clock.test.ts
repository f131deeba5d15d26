import { describe, expect, it } from "vitest";
import { VirtualClock } from "./virtual-clock.ts";

/** Runs the driver's loop: wakes sleepers in order until none is left. */
async function drive(clock: VirtualClock): Promise<void> {
  for (;;) {
    await clock.settled();
    if (clock.nextWakeAt() === undefined) return;
    clock.wakeNext();
  }
}

describe("VirtualClock", () => {
  it("an aborted sleep (a slow send the runner aborts) wakes its actor at the abort, once", async () => {
    const clock = new VirtualClock(0);
    const stop = new AbortController();
    const woke: number[] = [];
    void clock.run(async () => {
      await clock.sleepUntil(30_000, stop.signal);
      woke.push(clock.now);
    }, "a slow send");
    clock.spawn(15_000, async () => stop.abort(), "a heartbeat's check");

    await drive(clock);

    expect(woke).toEqual([15_000]);
    expect(clock.violations).toEqual([]);
  });
});
