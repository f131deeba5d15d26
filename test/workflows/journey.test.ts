import aslValidator from "asl-validator";
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import { beforeAll, describe, expect, it } from "vitest";
import { type AslDefinition, synthesizeLocalJourneyAsl } from "../../workflows/journey/asl.ts";
import {
  JOURNEY_FAILED_EVENT,
  JOURNEY_STATES,
  JOURNEY_TRANSIENT_ERRORS,
} from "../../workflows/journey/journey-state-machine.ts";

type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;
type StepPayload = { customerId: string; instanceId: string };
type StepResult = StepPayload & { done?: boolean; wakeAt?: string; [field: string]: unknown };
type StepReply = StepResult | Error;

const INPUT: StepPayload = { customerId: "c-1", instanceId: "cart-abandonment:c-1:k-9" };
/** An execution's input as the starter gives it: with the journey's wake. */
const STARTED = { ...INPUT, wakeAt: "2026-03-01T10:00:00.000Z" };

let asl: AslDefinition;

beforeAll(() => {
  asl = synthesizeLocalJourneyAsl();
});

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Runs the journey with the Step bound to a scripted stand-in for journey-step (the CDK LambdaInvoke
 * integration hands it { FunctionName, Payload } and expects { Payload } back) and the failure
 * record captured instead of put on a bus. Waits and retry pauses take no time.
 */
async function runJourney(
  replies: StepReply[],
  input: StepPayload & { generation?: number; wakeAt?: string } = STARTED,
) {
  const stepCalls: unknown[] = [];
  const recordedFailures: unknown[] = [];
  const machine = new StateMachine(asl as never);
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: {
        [JOURNEY_STATES.step]: async (task) => {
          stepCalls.push(task);
          const reply = replies[Math.min(stepCalls.length - 1, replies.length - 1)]!;
          if (reply instanceof Error) throw reply;
          return { Payload: reply } as never;
        },
        [JOURNEY_STATES.recordFailure]: async (input) => {
          recordedFailures.push(input);
          return { Entries: [{ EventId: "e-1" }], FailedEntryCount: 0 };
        },
      },
      waitTimeOverrides: { [JOURNEY_STATES.waitUntilWakeAt]: 0 },
      retryIntervalOverrides: { [JOURNEY_STATES.step]: 0, [JOURNEY_STATES.recordFailure]: 0 },
    },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  const outcome = await execution.result.then(
    (output: unknown) => ({ output, error: undefined }),
    (error: unknown) => ({ output: undefined, error }),
  );
  await collecting;
  const entered = (state: string) =>
    events.filter((e) => e.type === "StateEntered" && "state" in e && e.state.name === state).length;
  const retries = events.filter((e) => e.type === "StateRetried").length;
  // What Step Functions bills: each state entered.
  const transitions = events.filter((e) => e.type === "StateEntered").length;
  const first = events.find((e) => e.type === "StateEntered");
  const firstEntered = first && "state" in first ? first.state.name : undefined;
  return { ...outcome, stepCalls, recordedFailures, entered, retries, transitions, firstEntered };
}

const waitUntil = (iso: string): StepResult => ({ ...INPUT, done: false, wakeAt: iso });
const done: StepResult = { ...INPUT, done: true };

describe("journey ASL", () => {
  it("is valid Amazon States Language", () => {
    const { isValid, errors } = aslValidator(structuredClone(asl));
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it("is WaitUntilWakeAt (TimestampPath $.wakeAt) -> Step -> DoneOrWait -> WaitUntilWakeAt", () => {
    expect(asl.StartAt).toBe(JOURNEY_STATES.waitUntilWakeAt);
    expect(Object.values(asl.States).filter((state) => state.Type === "Choice")).toHaveLength(1);
    expect(asl.States[JOURNEY_STATES.step]).toMatchObject({ Next: JOURNEY_STATES.doneOrWait });
    expect(asl.States[JOURNEY_STATES.waitUntilWakeAt]).toMatchObject({
      Type: "Wait",
      TimestampPath: "$.wakeAt",
      Next: JOURNEY_STATES.step,
    });
    expect(asl.States[JOURNEY_STATES.step]?.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: JOURNEY_TRANSIENT_ERRORS, MaxAttempts: 6 }),
    ]);
  });

  it("drops the one-year machine timeout a local timer cannot hold, and keeps the task timeout", () => {
    expect(asl.TimeoutSeconds).toBeUndefined();
    expect(asl.States[JOURNEY_STATES.step]).toMatchObject({ TimeoutSeconds: 90 });
  });
});

describe("journey execution (aws-local-stepfunctions)", () => {
  it("waits until wakeAt and steps again until the step says done", async () => {
    const run = await runJourney([
      waitUntil("2026-03-01T11:00:00.000Z"),
      waitUntil("2026-03-02T11:00:00Z"),
      done,
    ]);

    expect(run.error).toBeUndefined();
    expect(run.output).toEqual(done);
    expect(run.stepCalls).toHaveLength(3);
    for (const call of run.stepCalls) {
      expect(call).toMatchObject({ FunctionName: expect.stringContaining(":function:"), Payload: INPUT });
    }
    expect(run.stepCalls[0]).toEqual({
      FunctionName: expect.stringContaining(":function:"),
      Payload: STARTED,
    });
    expect(run.entered(JOURNEY_STATES.waitUntilWakeAt)).toBe(3);
    expect(run.entered(JOURNEY_STATES.done)).toBe(1);
    expect(run.recordedFailures).toEqual([]);
  });

  it("starts with the Wait: no Step nor Choice before it", async () => {
    const run = await runJourney([waitUntil("2026-03-02T11:00:00Z"), done]);

    expect(run.output).toEqual(done);
    expect(run.stepCalls.map((call) => (call as { Payload: unknown }).Payload)).toEqual([
      STARTED,
      waitUntil("2026-03-02T11:00:00Z"),
    ]);
    expect(run.firstEntered).toBe(JOURNEY_STATES.waitUntilWakeAt);
    // Wait, Step, DoneOrWait, Wait, Step, DoneOrWait, Done: 8 with the WaitOrStep Choice before.
    expect(run.transitions).toBe(7);
  });

  it("fails at the Wait with States.Runtime, before any Step, given no wakeAt (the starter always passes one)", async () => {
    let stepped = false;
    const execution = new StateMachine(asl as never).run(INPUT, {
      overrides: {
        taskResourceLocalHandlers: {
          [JOURNEY_STATES.step]: async () => {
            stepped = true;
            return { Payload: done } as never;
          },
        },
      },
    });
    const error = await execution.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as Error).cause).toMatchObject({ name: "States.Runtime" });
    expect(stepped).toBe(false);
  });

  it("passes the step's output (its identifiers, and the generation when set) to the next step", async () => {
    const run = await runJourney([{ ...waitUntil("2026-03-01T11:00:00Z"), generation: 2 }, done]);
    expect(run.stepCalls[1]).toMatchObject({ Payload: { ...INPUT, generation: 2 } });
  });

  it.each(["TransientError", "Lambda.TooManyRequestsException", "Lambda.ServiceException"])(
    "retries the step on a transient %s, then carries on",
    async (errorName) => {
      const run = await runJourney([
        namedError(errorName, "try again"),
        waitUntil("2026-03-01T11:00:00Z"),
        done,
      ]);

      expect(run.error).toBeUndefined();
      expect(run.output).toEqual(done);
      expect(run.retries).toBe(1);
      expect(run.stepCalls).toHaveLength(3);
      expect(run.recordedFailures).toEqual([]);
    },
  );

  it("records the error and fails the journey when the step fails for good", async () => {
    const run = await runJourney([
      namedError("TemplateError", "template first-order-offer: unknown variable"),
    ]);

    expect(run.stepCalls).toHaveLength(1);
    expect(run.retries).toBe(0);
    expect(run.recordedFailures).toEqual([
      {
        Entries: [
          {
            Source: JOURNEY_FAILED_EVENT.source,
            DetailType: JOURNEY_FAILED_EVENT.detailType,
            EventBusName: expect.stringContaining(":event-bus/"),
            Detail: {
              customerId: INPUT.customerId,
              instanceId: INPUT.instanceId,
              executionInput: STARTED,
              error: "TemplateError",
              cause: "template first-order-offer: unknown variable",
            },
          },
        ],
      },
    ]);
    expect(run.error).toBeInstanceOf(ExecutionError);
    expect((run.error as Error).cause).toMatchObject({
      name: "TemplateError",
      message: "template first-order-offer: unknown variable",
    });
    expect(run.entered(JOURNEY_STATES.failed)).toBe(1);
  });

  it("records the failed execution's generation, so ingest can ignore a stale workflow's failure", async () => {
    const rewoken = { ...STARTED, generation: 2 };
    const run = await runJourney(
      [{ ...waitUntil("2026-03-01T11:00:00Z"), generation: 2 }, namedError("TypeError", "bug")],
      rewoken,
    );

    expect(run.stepCalls).toHaveLength(2);
    expect(run.recordedFailures).toEqual([
      {
        Entries: [
          expect.objectContaining({
            Detail: expect.objectContaining({
              instanceId: INPUT.instanceId,
              executionInput: rewoken,
              error: "TypeError",
            }),
          }),
        ],
      },
    ]);
  });

  it("gives up on a transient error after six retries and records it", async () => {
    const run = await runJourney([namedError("TransientError", "throttled")]);

    expect(run.stepCalls).toHaveLength(7);
    expect(run.recordedFailures).toEqual([
      {
        Entries: [expect.objectContaining({ Detail: expect.objectContaining({ error: "TransientError" }) })],
      },
    ]);
    expect((run.error as Error).cause).toMatchObject({ name: "TransientError", message: "throttled" });
  });

  it("records a contract violation when the step returns neither done nor wakeAt", async () => {
    const run = await runJourney([{ ...INPUT, done: false }]);

    expect(run.recordedFailures).toEqual([
      {
        Entries: [
          expect.objectContaining({
            Detail: expect.objectContaining({ error: "JourneyStepContractViolation" }),
          }),
        ],
      },
    ]);
    expect((run.error as Error).cause).toMatchObject({ name: "JourneyStepContractViolation" });
  });

  it("still fails the journey with the step's error when recording the failure fails", async () => {
    const machine = new StateMachine(asl as never);
    const execution = machine.run(STARTED, {
      overrides: {
        waitTimeOverrides: { [JOURNEY_STATES.waitUntilWakeAt]: 0 },
        taskResourceLocalHandlers: {
          [JOURNEY_STATES.step]: async () => {
            throw namedError("TemplateError", "bad template");
          },
          [JOURNEY_STATES.recordFailure]: async () => {
            throw namedError("EventBridge.InternalException", "bus unavailable");
          },
        },
        retryIntervalOverrides: { [JOURNEY_STATES.recordFailure]: 0 },
      },
    });
    const error = await execution.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as Error).cause).toMatchObject({ name: "TemplateError", message: "bad template" });
  });
});
