import { describe, expect, it } from "vitest";
import * as errors from "../../functions/adapters/errors.ts";
import { RetryableError, TransientError } from "../../functions/adapters/errors.ts";
import { journeyStep } from "../../functions/use-cases/journey-step.ts";
import { synthesizeLocalJourneyAsl } from "../../workflows/journey/asl.ts";
import { JOURNEY_STATES } from "../../workflows/journey/journey-state-machine.ts";

/** The error classes the errors module exports, by class name. */
const errorClasses = (Object.entries(errors) as [string, unknown][]).filter(
  (entry): entry is [string, new (message: string, reason: string) => Error] =>
    typeof entry[1] === "function" && entry[1].prototype instanceof Error,
);

describe("the runtime's error names and the journey workflow's retry list", () => {
  const retry = synthesizeLocalJourneyAsl().States[JOURNEY_STATES.step]?.Retry as { ErrorEquals: string[] }[];
  const retried = retry.flatMap((rule) => rule.ErrorEquals);

  it("each error class reports its own class name (what a state machine matches)", () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual([
      "PermanentError",
      "RetryableError",
      "TransientError",
    ]);
    for (const [name, ErrorClass] of errorClasses) expect(new ErrorClass("m", "r").name).toBe(name);
  });

  it("the Step's Retry matches the error journey-step throws for a failure worth retrying", async () => {
    const failing = {
      compiled: {},
      store: {
        update: () => Promise.reject(new RetryableError("DynamoDB throttled", "ThrottlingException")),
        load: () => Promise.reject(new RetryableError("DynamoDB throttled", "ThrottlingException")),
      },
      now: () => 0,
    } as unknown as Parameters<typeof journeyStep>[0];
    const thrown = await journeyStep(failing, { customerId: "c-1", instanceId: "j-1" }).catch((e) => e);
    expect(thrown).toBeInstanceOf(TransientError);
    expect(retried).toContain((thrown as Error).name);
  });

  it("every name the Step retries is an AWS integration error or a class of the errors module", () => {
    const ours = retried.filter((name) => !/^(Lambda|States|Sandbox)\./.test(name));
    expect(ours).toEqual(errorClasses.map(([name]) => name).filter((name) => ours.includes(name)));
    expect(ours).toEqual([TransientError.name]);
  });
});
