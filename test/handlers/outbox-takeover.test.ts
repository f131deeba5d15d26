import { SendEmailCommand, TooManyRequestsException } from "@aws-sdk/client-sesv2";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import type { OutboxEntry } from "../../functions/core/state/customer-state.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import { canPerform } from "../../functions/runtime/effect-ports.ts";
import type { Environment } from "../../functions/runtime/environment.ts";
import { silentLog } from "../../functions/runtime/runtime-log.ts";
import { signUnsubscribeToken } from "../../functions/unsubscribe/token.ts";
import { feedbackEvent } from "../../functions/use-cases/feedback.ts";
import { sweepCampaign } from "../../functions/use-cases/sweep.ts";
import { handleUnsubscribe } from "../../functions/use-cases/unsubscribe.ts";
import { awsRuntime, awsUnsubscribeDeps, FUNCTION_EFFECTS } from "../../functions/wiring.ts";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { ENV, SECRET, useHandlerRuntime } from "./handler-runtime.ts";

/** What infra gives each function (infra/constructs/engine-functions.ts, engine-stack.ts). */
const TABLES: Environment = {
  STATE_TABLE: ENV.STATE_TABLE,
  INTEREST_TABLE: ENV.INTEREST_TABLE,
  EVENT_BUS_NAME: ENV.EVENT_BUS_NAME,
  CAMPAIGNS_DIR: ENV.CAMPAIGNS_DIR,
};
const SENDER: Environment = {
  ...TABLES,
  SES_CONFIGURATION_SET: ENV.SES_CONFIGURATION_SET,
  FROM_ADDRESS: ENV.FROM_ADDRESS,
  UNSUBSCRIBE_URL: ENV.UNSUBSCRIBE_URL,
  UNSUBSCRIBE_SECRET_ARN: ENV.UNSUBSCRIBE_SECRET_ARN,
};
const FUNCTION_ENV = {
  ingest: { ...SENDER, JOURNEY_STATE_MACHINE_ARN: ENV.JOURNEY_STATE_MACHINE_ARN },
  journeyStep: SENDER,
  sweep: { ...SENDER, JOURNEY_STATE_MACHINE_ARN: ENV.JOURNEY_STATE_MACHINE_ARN },
  feedback: TABLES,
  unsubscribe: { ...TABLES, UNSUBSCRIBE_SECRET_ARN: ENV.UNSUBSCRIBE_SECRET_ARN },
};

const rt = useHandlerRuntime();

/** A function's runtime as its handler builds it, on the test's clients and clock. */
function functionRuntime(name: keyof typeof FUNCTION_ENV): RuntimeDeps {
  return {
    ...awsRuntime(rt.clients, FUNCTION_ENV[name], FUNCTION_EFFECTS[name]),
    now: () => rt.clock.now,
    log: silentLog,
  };
}

let customers = 0;
/**
 * A customer whose order confirmation (transactional) ingest claimed and failed to send (SES
 * throttled): the entry is released in the outbox for the next run.
 */
async function confirmationLeftInOutbox(): Promise<string> {
  const customerId = `takeover-${++customers}`;
  await rt.ingest({ ...customerSignedUp(customerId, "2026-03-01T07:59:00Z"), id: `${customerId}-signup` });
  rt.resetMocks();
  rt.mocks.ses
    .on(SendEmailCommand)
    .rejectsOnce(new TooManyRequestsException({ message: "slow down", $metadata: { httpStatusCode: 429 } }))
    .resolves({ MessageId: "ses-ok" });
  await expect(
    rt.ingest({
      ...orderPlaced(customerId, "2026-03-01T07:59:30Z", { items: [{ productId: "p1", price: 20 }] }),
      id: `${customerId}-order`,
    }),
  ).rejects.toMatchObject({ name: "RetryableError" });
  expect(await pendingMessages(customerId)).toEqual([
    expect.objectContaining({ campaign: "order-confirmation", marketing: false, claimedAt: 0 }),
  ]);
  return customerId;
}

async function pendingMessages(customerId: string): Promise<OutboxEntry[]> {
  return (await rt.store.load(customerId)).state.outbox.filter((entry) => entry.kind === "message");
}

const confirmationsSent = () =>
  rt.sentEmails().filter((email) => email.campaign === "order-confirmation").length;

/** A later event of the customer through ingest (a capable run). */
const laterEvent = (customerId: string) =>
  rt.ingest({
    ...orderPlaced(customerId, "2026-03-01T08:30:00Z", {
      orderId: "o2",
      items: [{ productId: "p2", price: 5 }],
    }),
    id: `${customerId}-order-2`,
  });

describe("an outbox entry taken over only by a function that can perform it (issue 7 item 2)", () => {
  it("a feedback run leaves the failed transactional email; the next ingest run sends it", async () => {
    const customerId = await confirmationLeftInOutbox();
    rt.clock.now += 60_000;

    await feedbackEvent(functionRuntime("feedback"), {
      id: `${customerId}-open`,
      source: "shop.web",
      "detail-type": "email.engaged",
      time: "2026-03-01T08:01:00Z",
      detail: { customerId, kind: "opened" },
    });

    expect(await pendingMessages(customerId)).toEqual([
      expect.objectContaining({ campaign: "order-confirmation", claimedAt: 0 }),
    ]);
    expect(confirmationsSent()).toBe(1); // the throttled attempt only

    await laterEvent(customerId);
    // The left confirmation, then the second order's.
    expect(confirmationsSent()).toBe(3);
    expect(await pendingMessages(customerId)).toEqual([]);
  });

  it("an unsubscribe run leaves it too, and still unsubscribes", async () => {
    const customerId = await confirmationLeftInOutbox();
    rt.clock.now += 60_000;
    const token = signUnsubscribeToken(
      { customerId, channel: "email", campaign: "welcome", expiresAt: rt.clock.now + 86_400_000 },
      SECRET,
    );
    const unsubscribe = awsUnsubscribeDeps(rt.clients, FUNCTION_ENV.unsubscribe);
    const { result } = await handleUnsubscribe(
      { ...unsubscribe, runtime: { ...unsubscribe.runtime, now: () => rt.clock.now, log: silentLog } },
      {
        queryStringParameters: { token },
        requestContext: { http: { method: "POST" } },
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      },
    );

    expect(result).toBe("unsubscribed");
    const { state } = await rt.store.load(customerId);
    expect(state.consent.email).toBe("opted_out");
    expect(state.outbox).toContainEqual(expect.objectContaining({ campaign: "order-confirmation" }));

    await laterEvent(customerId);
    expect(confirmationsSent()).toBe(3);
    expect(await pendingMessages(customerId)).toEqual([]);
  });

  it("with no later run for the customer, the hourly sweep sends what was left", async () => {
    const customerId = await confirmationLeftInOutbox();
    rt.clock.now += 60_000;
    await feedbackEvent(functionRuntime("feedback"), {
      id: `${customerId}-open`,
      source: "shop.web",
      "detail-type": "email.engaged",
      time: "2026-03-01T08:01:00Z",
      detail: { customerId, kind: "opened" },
    });

    rt.clock.now = Date.parse("2026-03-01T09:00:10Z");
    await sweepCampaign(functionRuntime("sweep"), dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE), {
      campaignId: "win-back",
    });

    expect(confirmationsSent()).toBe(2);
    expect(await pendingMessages(customerId)).toEqual([]);
  });

  it("a refusal of the function's own permissions (AccessDenied) keeps the entry for a retry", async () => {
    const customerId = await confirmationLeftInOutbox();
    rt.resetMocks();
    rt.mocks.ses
      .on(SendEmailCommand)
      .rejectsOnce(
        Object.assign(new Error("User is not authorized to perform ses:SendEmail"), {
          name: "AccessDeniedException",
          $fault: "client",
          $metadata: { httpStatusCode: 403 },
        }),
      )
      .resolves({ MessageId: "ses-ok" });

    await expect(laterEvent(customerId)).rejects.toMatchObject({
      name: "RetryableError",
      reason: "AccessDeniedException",
    });
    expect(await pendingMessages(customerId)).toContainEqual(
      expect.objectContaining({ campaign: "order-confirmation" }),
    );
  });

  it("each function's runtime takes over only the kinds of effect its role is granted", () => {
    const entries: OutboxEntry[] = [
      { kind: "start", id: "s", journeyId: "j", claimedAt: 0 },
      { kind: "interest", id: "i", productIds: ["p"], claimedAt: 0 },
      ...(["email", "sms", "push"] as const).map(
        (channel): OutboxEntry => ({
          kind: "message",
          id: channel,
          journeyId: "j",
          campaign: "c",
          step: "s",
          template: "t",
          channel,
          to: "x",
          body: "",
          marketing: true,
          claimedAt: 0,
        }),
      ),
    ];
    const performable = (name: keyof typeof FUNCTION_ENV) =>
      entries.filter((entry) => canPerform(functionRuntime(name).ports, entry)).map((entry) => entry.id);

    expect(performable("ingest")).toEqual(["s", "i", "email", "sms", "push"]);
    expect(performable("sweep")).toEqual(["s", "email", "sms", "push"]);
    expect(performable("journeyStep")).toEqual(["email", "sms", "push"]);
    expect(performable("feedback")).toEqual([]);
    expect(performable("unsubscribe")).toEqual([]);
  });
});
