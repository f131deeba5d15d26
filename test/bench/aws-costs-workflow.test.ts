import { afterEach, describe, expect, it, vi } from "vitest";
import { journeyMachine } from "../../bench/aws-costs.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("the bench's journey workflow", () => {
  it("leaves a Step asleep in virtual time alone however long the run takes in wall time (no retried copy)", async () => {
    const machine = journeyMachine();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let calls = 0;
    let finish: (payload: { Payload: { done: boolean } }) => void = () => {};
    const run = machine.run(
      { customerId: "c-1", instanceId: "j-1" },
      {
        overrides: {
          taskResourceLocalHandlers: {
            [JOURNEY_STATES.step]: () => {
              calls++;
              // Asleep until the bench's virtual clock reaches its wake-up: minutes of a slow run.
              return new Promise((resolve) => {
                finish = resolve;
              });
            },
          },
          retryIntervalOverrides: { [JOURNEY_STATES.step]: 0 },
        },
      },
    );
    // The Step's own timeout is 90 s; the full bench's AWS run takes minutes.
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(calls).toBe(1);
    finish({ Payload: { done: true } });
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(run.result).resolves.toEqual({ done: true });
    expect(calls).toBe(1);
  }, 120_000);
});
