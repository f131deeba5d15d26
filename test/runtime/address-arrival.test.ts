import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { ingestEvent } from "../../functions/use-cases/ingest.ts";
import { journeyStep } from "../../functions/use-cases/journey-step.ts";
import { useHandlerRuntime } from "../handlers/handler-runtime.ts";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { type TestEvent, toJsonLines } from "../support/scenario.ts";

const envelope = (event: TestEvent, id: string) => JSON.parse(toJsonLines([{ ...event, id }])[0]!);
const ORDER_AT = "2026-03-02T10:00:00Z";
const SIGNUP_AT = "2026-03-02T11:00:00Z";
const HOUR = 3_600_000;

const rt = useHandlerRuntime(ORDER_AT);

describe("an order placed before the sign-up that carries the email (ingest and journey steps on dynalite)", () => {
  it("sends one confirmation, when the sign-up arrives an hour later", async () => {
    const order = await ingestEvent(
      rt.deps,
      envelope(orderPlaced("c1", ORDER_AT, { items: [{ productId: "p1", price: 10 }] }), "o1"),
    );
    expect(order.outcome).toBe("applied");
    const started = rt.mocks.sfn
      .commandCalls(StartExecutionCommand)
      .map((call) => JSON.parse(call.args[0].input.input ?? "{}") as { instanceId: string })
      .filter((input) => input.instanceId.startsWith("order-confirmation:"));
    expect(started).toHaveLength(1);
    const input = { customerId: "c1", instanceId: started[0]!.instanceId };

    // The journey's workflow: each Step at the wakeAt the previous one returned.
    const signupAt = Date.parse(SIGNUP_AT);
    let step = await journeyStep(rt.deps, input);
    const runWorkflowUntil = async (until: number) => {
      for (let guard = 0; guard < 200 && !step.done && Date.parse(step.wakeAt!) <= until; guard++) {
        rt.clock.now = Date.parse(step.wakeAt!);
        step = await journeyStep(rt.deps, input);
      }
    };
    await runWorkflowUntil(signupAt - 1);
    expect(step.done).toBe(false);

    rt.clock.now = signupAt + 2_000;
    const signup = await ingestEvent(
      rt.deps,
      envelope(customerSignedUp("c1", SIGNUP_AT, { email: "c1@example.com" }), "s1"),
    );
    expect(signup.outcome).toBe("applied");
    await runWorkflowUntil(signupAt + 4 * 24 * HOUR);
    expect(step.done).toBe(true);

    const confirmations = rt.sentEmails().filter((email) => email.campaign === "order-confirmation");
    expect(confirmations).toEqual([
      { campaign: "order-confirmation", customerId: "c1", to: "c1@example.com" },
    ]);
    expect((await rt.store.load("c1")).state.outbox).toEqual([]);
  }, 60_000);
});
