import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { beforeEach, describe, expect, it } from "vitest";
import { PermanentError, RetryableError } from "../../functions/adapters/errors.ts";
import {
  executionNameFor,
  StepFunctionsJourneyStarter,
} from "../../functions/adapters/stepfunctions-starter.ts";

const MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:journey";
const JOURNEY = "cart-abandonment:c-0042:main:k-77";

describe("executionNameFor", () => {
  it("is readable, valid and stable", () => {
    const name = executionNameFor(JOURNEY);
    expect(name).toMatch(/^cart-abandonment-c-0042-main-k-77-[0-9a-f]{16}$/);
    expect(executionNameFor(JOURNEY)).toBe(name);
  });

  it("fits 80 characters of [A-Za-z0-9-_] whatever the id", () => {
    for (const id of [
      `welcome:${"c".repeat(200)}:main:`,
      "birthday:ada@example.com:main:date:2026",
      "x:ü🎂 /?*:y",
    ]) {
      const name = executionNameFor(id);
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it("tells apart ids that read alike once cleaned or cut", () => {
    expect(executionNameFor("a:b")).not.toBe(executionNameFor("a/b"));
    const long = "x".repeat(100);
    expect(executionNameFor(`${long}1`)).not.toBe(executionNameFor(`${long}2`));
  });
});

describe("StepFunctionsJourneyStarter", () => {
  const client = new SFNClient({ region: "us-east-1" });
  const sfn = mockClient(client);
  const starter = new StepFunctionsJourneyStarter(client, MACHINE);
  beforeEach(() => sfn.reset());

  it("starts the journey workflow named after the instance, with its input", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:exec", startDate: new Date() });
    const start = { customerId: "c-0042", journeyId: JOURNEY, wakeAt: 0 };
    expect(await starter.start(start)).toEqual({
      executionName: executionNameFor(JOURNEY),
      executionArn: "arn:exec",
      alreadyStarted: false,
    });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: executionNameFor(JOURNEY),
      input: JSON.stringify({
        customerId: "c-0042",
        instanceId: JOURNEY,
        wakeAt: "1970-01-01T00:00:00.000Z",
      }),
    });
  });

  it("passes the journey's wake, so the execution waits before its first Step", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:exec", startDate: new Date() });
    const wakeAt = Date.parse("2026-03-02T11:00:00Z");
    await starter.start({
      customerId: "c-0042",
      journeyId: JOURNEY,
      generation: 2,
      wakeAt,
      step: "reminder",
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      name: executionNameFor(`${JOURNEY}~2`),
      input: JSON.stringify({
        customerId: "c-0042",
        instanceId: JOURNEY,
        generation: 2,
        wakeAt: "2026-03-02T11:00:00.000Z",
        step: "reminder",
      }),
    });
  });

  it("treats ExecutionAlreadyExists as success", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: "exists", $metadata: { httpStatusCode: 400 } }));
    expect(await starter.start({ customerId: "c-0042", journeyId: JOURNEY, wakeAt: 0 })).toEqual({
      executionName: executionNameFor(JOURNEY),
      alreadyStarted: true,
    });
  });

  it("retries throttling and the open-executions limit, gives up on a missing state machine", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionLimitExceeded({ message: "limit", $metadata: { httpStatusCode: 400 } }));
    await expect(starter.start({ customerId: "c", journeyId: JOURNEY, wakeAt: 0 })).rejects.toBeInstanceOf(
      RetryableError,
    );
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400 },
    });
    sfn.on(StartExecutionCommand).rejects(throttled);
    await expect(starter.start({ customerId: "c", journeyId: JOURNEY, wakeAt: 0 })).rejects.toBeInstanceOf(
      RetryableError,
    );
    sfn
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: "gone", $metadata: { httpStatusCode: 400 } }));
    const failure = await starter
      .start({ customerId: "c", journeyId: JOURNEY, wakeAt: 0 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ reason: "StateMachineDoesNotExist" });
  });

  it("stops the execution of the journey's generation, by its ARN; one that does not exist is nothing to stop", async () => {
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    await starter.stop({ journeyId: JOURNEY });
    await starter.stop({ journeyId: JOURNEY, generation: 2 });
    const execution = "arn:aws:states:us-east-1:123456789012:execution:journey:";
    expect(sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input.executionArn)).toEqual([
      execution + executionNameFor(JOURNEY),
      execution + executionNameFor(`${JOURNEY}~2`),
    ]);

    sfn
      .on(StopExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: "none", $metadata: { httpStatusCode: 400 } }));
    await expect(starter.stop({ journeyId: JOURNEY })).resolves.toBeUndefined();
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400 },
    });
    sfn.on(StopExecutionCommand).rejects(throttled);
    await expect(starter.stop({ journeyId: JOURNEY })).rejects.toBeInstanceOf(RetryableError);
  });
});
