import { describe, expect, it } from "vitest";
import type { StepResult } from "../../functions/use-cases/journey-step.ts";
import { RuntimeClock } from "../../local/dev/runtime-clock.ts";
import { synthesizedEngine } from "../../local/dev/synthesis-cache.ts";
import { LocalWorkflows } from "../../local/dev/workflows.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";

const START = Date.parse("2026-03-02T00:00:00Z");
const DAY = 86_400_000;
const wallTime = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("local journey workflows on the runtime clock", () => {
  it("a Step asleep longer in wall time than its task timeout keeps sleeping, and the clock still waits for every actor", async () => {
    const asl = structuredClone((await synthesizedEngine()).journeyAsl);
    // Load as a parameter: the 90 s that pass on a loaded machine while a Step sleeps, made 1 s.
    asl.States[JOURNEY_STATES.step]!.TimeoutSeconds = 1;
    const clock = new RuntimeClock(START, () => {});
    const stepsAt: number[] = [];
    const journey = { customerId: "c1", instanceId: "j1" };
    const workflows = new LocalWorkflows(asl, clock, {
      step: async (): Promise<StepResult> => {
        stepsAt.push(clock.now());
        return clock.now() < START + DAY
          ? { ...journey, done: false, wakeAt: new Date(START + DAY).toISOString() }
          : { ...journey, done: true };
      },
      putEvents: async () => {},
      onChange: () => {},
    });
    const execution = workflows.start("j1", journey);
    await clock.time.settled();
    expect(clock.time.sleeping).toBe(1);

    await wallTime(2_500);
    // Another actor at work (an ingest call): the clock must not take the runtime as idle.
    clock.time.enter();
    let idle = false;
    void clock.time.settled().then(() => {
      idle = true;
    });
    await wallTime(100);
    expect(idle).toBe(false);
    clock.time.leave();

    await clock.advanceTo(START + 2 * DAY);
    await workflows.stop();
    expect(execution.status).toBe("SUCCEEDED");
    expect(stepsAt).toEqual([START, START + DAY]);
    expect(clock.time.sleeping).toBe(0);
  }, 60_000);
});
