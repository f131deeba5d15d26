import type { StateMachine } from "aws-local-stepfunctions";
import { expect, vi } from "vitest";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";

/**
 * Runs `machine` with a Step asleep (as a harness's Step sleeps in virtual time) for `wallMs` of fake
 * real time, then wakes it: the Step is called once, not retried beside itself by a real-time timeout.
 */
export async function expectStepCalledOnceWhileAsleep(machine: StateMachine, wallMs: number): Promise<void> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  let calls = 0;
  let finish: (payload: { Payload: { done: boolean } }) => void = () => {};
  const run = machine.run(
    // Due at once: the execution's first state is its Wait.
    { customerId: "c-1", instanceId: "j-1", wakeAt: "2026-03-01T00:00:00Z" },
    {
      overrides: {
        waitTimeOverrides: { [JOURNEY_STATES.waitUntilWakeAt]: 0 },
        taskResourceLocalHandlers: {
          [JOURNEY_STATES.step]: () => {
            calls++;
            return new Promise((resolve) => {
              finish = resolve;
            });
          },
        },
        retryIntervalOverrides: { [JOURNEY_STATES.step]: 0 },
      },
    },
  );
  await vi.advanceTimersByTimeAsync(wallMs);
  expect(calls).toBe(1);
  finish({ Payload: { done: true } });
  await vi.advanceTimersByTimeAsync(1_000);
  await expect(run.result).resolves.toEqual({ done: true });
  expect(calls).toBe(1);
}
