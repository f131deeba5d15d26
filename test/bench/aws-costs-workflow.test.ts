import { afterEach, describe, it, vi } from "vitest";
import { journeyMachine } from "../../bench/aws-costs.ts";
import { expectStepCalledOnceWhileAsleep } from "../support/asleep-step.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("the bench's journey workflow", () => {
  it("leaves a Step asleep in virtual time alone however long the run takes in wall time (no retried copy)", async () => {
    // The Step's own timeout is 90 s; the full bench's AWS run takes minutes.
    await expectStepCalledOnceWhileAsleep(journeyMachine(), 30 * 60_000);
  }, 120_000);
});
