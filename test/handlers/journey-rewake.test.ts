import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { journeyStep } from "../../functions/use-cases/journey-step.ts";
import { customerSignedUp, orderDelivered, orderShipped } from "../support/events.ts";
import { useHandlerRuntime } from "./handler-runtime.ts";
import { signUpAndShip } from "./shipped-order.ts";

const SHIPPED = "2026-03-02T08:00:00Z";
const DELIVERED = "2026-03-04T08:00:00Z";
const CARE_TIPS_AT = Date.parse("2026-03-07T08:00:00Z");
const JOURNEY = "post-purchase:r1:main:o1";

/**
 * On AWS a journey waiting for an event sleeps in its workflow until the wait's timeout. The awaited
 * event moves its wake earlier (post-purchase: care tips 3 days after delivery, not 30 days after
 * shipping): a new workflow generation must wake it then, and the old execution end without effect.
 */
describe("a journey resumed early by its awaited event is woken on time (AWS use case, state on dynalite)", () => {
  const runtime = useHandlerRuntime("2026-03-01T08:00:00Z");
  const starts = () =>
    runtime.mocks.sfn.commandCalls(StartExecutionCommand).map((call) => ({
      name: call.args[0].input.name,
      input: JSON.parse(call.args[0].input.input ?? "{}"),
    }));

  it("starts generation 1 at the delivery; generation 0 then ends and changes nothing", {
    timeout: 60_000,
  }, async () => {
    await runtime.ingest({
      ...customerSignedUp("r1", "2026-03-01T08:00:00Z", { email: "r1@example.com" }),
      id: "e1",
    });
    runtime.clock.now = Date.parse(SHIPPED);
    await runtime.ingest({ ...orderShipped("r1", SHIPPED), id: "e2" });
    const [first] = starts().filter((s) => s.input.instanceId === JOURNEY);
    // It sleeps until the wait's timeout, 30 days after shipping (the wake in its input).
    expect(first?.input).toEqual({
      customerId: "r1",
      instanceId: JOURNEY,
      wakeAt: "2026-04-01T08:00:00.000Z",
      step: "wait-delivered",
    });

    runtime.clock.now = Date.parse(DELIVERED);
    await runtime.ingest({ ...orderDelivered("r1", DELIVERED), id: "e3" });
    // Redelivered: the same generation, so the same execution name.
    await runtime.ingest({ ...orderDelivered("r1", DELIVERED), id: "e3" });
    const rewakes = starts().filter((s) => s.input.instanceId === JOURNEY && s.input.generation === 1);
    expect(rewakes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(rewakes.map((s) => s.name)).size).toBe(1);
    expect(rewakes[0]?.name).not.toBe(first?.name);
    expect(rewakes[0]?.name?.length).toBeLessThanOrEqual(80);
    // The new generation waits until the moved wake: care tips 3 days after delivery.
    expect(rewakes[0]?.input.wakeAt).toBe(new Date(CARE_TIPS_AT).toISOString());

    const before = await runtime.store.load("r1");
    runtime.clock.now = CARE_TIPS_AT;
    const stale = await journeyStep(runtime.deps, first?.input);
    expect(stale).toEqual({ customerId: "r1", instanceId: JOURNEY, done: true });
    expect((await runtime.store.load("r1")).state).toEqual(before.state);

    const woken = await journeyStep(runtime.deps, rewakes[0]?.input);
    expect(woken).toMatchObject({ instanceId: JOURNEY, generation: 1 });
    const after = (await runtime.store.load("r1")).state;
    expect(after.journeys.find((j) => j.id === JOURNEY)).toBeUndefined();
    expect(runtime.sentEmails().filter((e) => e.campaign === "post-purchase").length).toBe(2);
  });

  /** The workflow's journey.failed as the bus hands it to ingest (the state machine's Catch). */
  const journeyFailed = (
    id: string,
    input: { customerId: string; instanceId: string },
    executionInput?: unknown,
  ) => ({
    version: "0",
    id,
    source: "engage.journey",
    "detail-type": "journey.failed",
    time: new Date(runtime.clock.now).toISOString(),
    detail: {
      customerId: input.customerId,
      instanceId: input.instanceId,
      ...(executionInput !== undefined ? { executionInput } : {}),
      error: "TypeError",
      cause: "a bug in the step",
    },
  });

  /** The customer's post-purchase journey, resumed at the delivery: generation 1 is its live workflow. */
  async function resumedJourney(customerId: string) {
    await signUpAndShip(runtime, customerId, SHIPPED);
    runtime.clock.now = Date.parse(DELIVERED);
    await runtime.ingest({ ...orderDelivered(customerId, DELIVERED), id: `${customerId}-e3` });
    const executions = starts().filter((s) => s.input.instanceId.startsWith(`post-purchase:${customerId}:`));
    expect(executions.map((s) => s.input.generation)).toEqual([undefined, 1]);
    const [stale, live] = executions.map((s) => s.input as { customerId: string; instanceId: string });
    return { stale: stale!, live: live! };
  }
  const journeyOf = async ({ customerId, instanceId }: { customerId: string; instanceId: string }) =>
    (await runtime.store.load(customerId)).state.journeys.find((j) => j.id === instanceId);

  it("ignores the failure of the stale generation: the live journey still sends its care tips", {
    timeout: 60_000,
  }, async () => {
    const { stale, live } = await resumedJourney("r2");
    const before = (await runtime.store.load("r2")).state;

    runtime.clock.now = Date.parse("2026-03-05T08:00:00Z");
    expect(await ingestEvent(runtime.deps, journeyFailed("f1", stale, stale))).toEqual({
      outcome: "journey_failed",
      id: "f1",
      ended: false,
    });
    const after = (await runtime.store.load("r2")).state;
    expect(after.journeys).toEqual(before.journeys);
    expect(after.finished[live.instanceId]).toBeUndefined();

    runtime.clock.now = CARE_TIPS_AT;
    expect(await journeyStep(runtime.deps, live)).toMatchObject({ done: true, generation: 1 });
    expect(runtime.sentEmails().filter((e) => e.campaign === "post-purchase")).toHaveLength(2);
  });

  it("ends the journey on the live generation's failure", { timeout: 60_000 }, async () => {
    const { live } = await resumedJourney("r3");
    expect(await ingestEvent(runtime.deps, journeyFailed("f1", live, live))).toMatchObject({ ended: true });
    expect(await journeyOf(live)).toBeUndefined();
  });

  it("ends the journey on a failure that names no execution (the format before)", {
    timeout: 60_000,
  }, async () => {
    const { live } = await resumedJourney("r4");
    expect(await ingestEvent(runtime.deps, journeyFailed("f1", live))).toMatchObject({ ended: true });
    expect(await journeyOf(live)).toBeUndefined();
  });

  it("rejects a failure whose generation is not a positive whole number, with its path", {
    timeout: 60_000,
  }, async () => {
    const { live } = await resumedJourney("r5");
    const before = (await runtime.store.load("r5")).state;
    const outcome = await ingestEvent(runtime.deps, journeyFailed("f1", live, { ...live, generation: "1" }));
    expect(outcome).toMatchObject({ outcome: "rejected", id: "f1", detailType: "journey.failed" });
    expect(JSON.stringify(outcome)).toContain("detail.executionInput.generation");
    expect((await runtime.store.load("r5")).state).toEqual(before);
  });
});
