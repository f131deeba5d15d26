import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { orderDelivered } from "../support/events.ts";
import { useHandlerRuntime } from "./handler-runtime.ts";
import { signUpAndShip } from "./shipped-order.ts";

const SHIPPED = "2026-03-02T08:00:00Z";
const DELIVERED = "2026-03-04T08:00:00Z";
const MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:journey";

type WorkflowInput = { customerId: string; instanceId: string; generation?: number };

/**
 * An execution can end where the workflow's Catch cannot record it: an input without wakeAt fails its
 * Wait (States.Runtime), the machine's one-year timeout. Step Functions' status change, routed from the
 * default bus to ingest, ends the journey as journey.failed would, so no journey waits forever for a
 * workflow that is gone.
 */
describe("a journey execution that failed or timed out, from its status change (state on dynalite)", () => {
  const runtime = useHandlerRuntime("2026-03-01T08:00:00Z");
  const starts = () =>
    runtime.mocks.sfn
      .commandCalls(StartExecutionCommand)
      .map((call) => JSON.parse(call.args[0].input.input ?? "{}") as WorkflowInput);

  /** As Step Functions puts it on the default bus. */
  const statusChange = (id: string, status: string, input: unknown) => ({
    version: "0",
    id,
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    account: "123456789012",
    time: new Date(runtime.clock.now).toISOString(),
    region: "us-east-1",
    resources: [`${MACHINE.replace(":stateMachine:", ":execution:")}:x`],
    detail: {
      executionArn: `${MACHINE.replace(":stateMachine:", ":execution:")}:x`,
      stateMachineArn: MACHINE,
      name: "x",
      status,
      startDate: runtime.clock.now - 60_000,
      stopDate: runtime.clock.now,
      input: typeof input === "string" ? input : JSON.stringify(input),
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: "States.Runtime",
      cause: "The TimestampPath parameter does not reference an input value: $.wakeAt",
    },
  });

  const shipped = (customerId: string) => signUpAndShip(runtime, customerId, SHIPPED);
  const executionsOf = (customerId: string) =>
    starts().filter((input) => input.instanceId.startsWith(`post-purchase:${customerId}:`));
  const journeyOf = async ({ customerId, instanceId }: WorkflowInput) =>
    (await runtime.store.load(customerId)).state.journeys.find((j) => j.id === instanceId);

  it("ends the journey of an execution that failed unrecorded (an input without wakeAt), once", {
    timeout: 60_000,
  }, async () => {
    await shipped("x1");
    const [started] = executionsOf("x1");
    // What code before 494d216 started: no wakeAt, no generation.
    const input = { customerId: "x1", instanceId: started!.instanceId };

    expect(await ingestEvent(runtime.deps, statusChange("s1", "FAILED", input))).toEqual({
      outcome: "journey_failed",
      id: "s1",
      ended: true,
    });
    expect(await journeyOf(input)).toBeUndefined();
    const state = (await runtime.store.load("x1")).state;
    expect(state.finished[input.instanceId]).toBeDefined();
    // Redelivered: the same event id changes nothing more.
    expect(await ingestEvent(runtime.deps, statusChange("s1", "FAILED", input))).toMatchObject({
      ended: false,
    });
    expect((await runtime.store.load("x1")).state).toEqual(state);
  });

  it("ends a timed-out execution's journey; the workflow's own journey.failed then finds it gone", {
    timeout: 60_000,
  }, async () => {
    await shipped("x2");
    const [started] = executionsOf("x2");
    expect(await ingestEvent(runtime.deps, statusChange("s2", "TIMED_OUT", started))).toMatchObject({
      ended: true,
    });
    const failed = {
      version: "0",
      id: "f2",
      source: "engage.journey",
      "detail-type": "journey.failed",
      time: new Date(runtime.clock.now).toISOString(),
      detail: { ...started, executionInput: started, error: "TypeError", cause: "a bug" },
    };
    expect(await ingestEvent(runtime.deps, failed)).toMatchObject({ ended: false });
  });

  it("leaves the journey to its live workflow when a superseded generation's execution failed", {
    timeout: 60_000,
  }, async () => {
    await shipped("x3");
    runtime.clock.now = Date.parse(DELIVERED);
    await runtime.ingest({ ...orderDelivered("x3", DELIVERED), id: "x3-e3" });
    const [stale, live] = executionsOf("x3");
    expect(live?.generation).toBe(1);
    const before = (await runtime.store.load("x3")).state;

    expect(await ingestEvent(runtime.deps, statusChange("s3", "FAILED", stale))).toMatchObject({
      ended: false,
    });
    expect((await runtime.store.load("x3")).state.journeys).toEqual(before.journeys);
    expect(await ingestEvent(runtime.deps, statusChange("s4", "FAILED", live))).toMatchObject({
      ended: true,
    });
  });

  it.each([
    ["an input that is not JSON", "{customerId", "detail.input"],
    ["an input without the customer", { instanceId: "post-purchase:x4:main:o1" }, "detail.input.customerId"],
    ["a status the stack does not route", { customerId: "x4", instanceId: "j" }, "detail.status"],
  ])("rejects %s, with its path, and changes no state", async (_, input, path) => {
    await shipped("x4");
    const before = (await runtime.store.load("x4")).state;
    const status = path === "detail.status" ? "SUCCEEDED" : "FAILED";
    const outcome = await ingestEvent(runtime.deps, statusChange("s5", status, input));
    expect(outcome).toMatchObject({ outcome: "rejected", id: "s5", detailType: "execution status" });
    expect(JSON.stringify(outcome)).toContain(path);
    expect((await runtime.store.load("x4")).state).toEqual(before);
  });
});
