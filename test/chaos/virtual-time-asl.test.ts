import { StateMachine } from "aws-local-stepfunctions";
import { afterEach, describe, expect, it, vi } from "vitest";
import { aslOnVirtualTime, synthesizeLocalJourneyAsl } from "../../workflows/journey/asl.ts";
import { expectStepCalledOnceWhileAsleep } from "../support/asleep-step.ts";
import { VirtualClock } from "./virtual-clock.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("the journey workflow on the harness's virtual clock", () => {
  it("leaves a Step asleep in virtual time alone however long the run takes in real time (no second copy)", async () => {
    // Two hours of a loaded machine's real time (the library's default Task timeout is 60 s).
    const machine = new StateMachine(aslOnVirtualTime(synthesizeLocalJourneyAsl()) as never);
    await expectStepCalledOnceWhileAsleep(machine, 2 * 3_600_000);
  }, 120_000);
});

describe("the virtual clock's one-actor rule", () => {
  it("runs actors one at a time and records no breach", async () => {
    const time = new VirtualClock(0);
    const order: string[] = [];
    const actor = (name: string) => async () => {
      order.push(`${name} ${time.now}`);
      await time.sleepUntil(time.now + 10);
      time.expectActive("a request");
      order.push(`${name} ${time.now}`);
    };
    void time.run(actor("a"));
    time.spawn(5, actor("b"));
    for (;;) {
      await time.settled();
      if (time.nextWakeAt() === undefined) break;
      time.wakeNext();
    }
    expect(order).toEqual(["a 0", "b 5", "a 10", "b 15"]);
    expect(time.violations).toEqual([]);
    expect(time.maxActive).toBe(1);
  });

  it("records a copy of an actor that goes to sleep while the actor is asleep, and work done by no actor", async () => {
    const time = new VirtualClock(0);
    void time.run(async () => {
      // As the local interpreter's real-time Task timeout did: a retried copy of a sleeping Step.
      const copy = () => time.sleepUntil(time.now + 5);
      void copy();
      await time.sleepUntil(time.now + 10);
    }, "workflow j-1");
    await time.settled();
    time.expectActive("GetItemCommand");
    expect(time.violations).toEqual([
      "actor 1 (workflow j-1) went to sleep while not active at 1970-01-01T00:00:00.000Z",
      "GetItemCommand by no actor at 1970-01-01T00:00:00.000Z",
    ]);
  });
});
