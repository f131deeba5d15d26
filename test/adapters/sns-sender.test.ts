import {
  EndpointDisabledException,
  InternalErrorException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { beforeEach, describe, expect, it } from "vitest";
import { PermanentError, RetryableError } from "../../functions/adapters/errors.ts";
import { SDK_REQUEST_TIMEOUT_MS } from "../../functions/adapters/sdk-client-settings.ts";
import { SnsSender } from "../../functions/adapters/sns-sender.ts";
import { clientOnSilentEndpoint } from "../support/silent-endpoint.ts";

const ENDPOINT = "arn:aws:sns:us-east-1:123456789012:endpoint/APNS/shop/0f6a2c1e-1111-2222-3333-444455556666";
const sms = {
  phoneNumber: "+15555550100",
  text: "Your order is ready. Reply STOP to opt out.",
  campaign: "bopis",
  step: "ready",
};

describe("SnsSender", () => {
  const client = new SNSClient({ region: "us-east-1" });
  const sns = mockClient(client);
  const sender = new SnsSender(client);
  beforeEach(() => sns.reset());

  it("sends transactional SMS with its SMS type", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "s-1" });
    expect(await sender.sendSms({ ...sms, marketing: false })).toEqual({ messageId: "s-1" });
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      PhoneNumber: "+15555550100",
      Message: sms.text,
      MessageAttributes: { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } },
    });
  });

  it("sends marketing SMS as promotional", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "s-2" });
    await sender.sendSms({ ...sms, marketing: true });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.MessageAttributes?.["AWS.SNS.SMS.SMSType"]?.StringValue).toBe("Promotional");
  });

  it("sends push to the endpoint ARN with a payload per platform", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "p-1" });
    await sender.sendPush({
      endpointArn: ENDPOINT,
      title: "Back in stock",
      body: "The Kettle is back",
      campaign: "back-in-stock",
      step: "notify",
    });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ TargetArn: ENDPOINT, MessageStructure: "json" });
    expect(input.PhoneNumber).toBeUndefined();
    const payload = JSON.parse(input.Message!);
    expect(payload.default).toBe("The Kettle is back");
    expect(JSON.parse(payload.APNS)).toEqual({
      aps: { alert: { title: "Back in stock", body: "The Kettle is back" } },
    });
    expect(JSON.parse(payload.GCM)).toEqual({
      notification: { title: "Back in stock", body: "The Kettle is back" },
    });
  });

  it.each([
    ["throttling", new ThrottledException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } })],
    ["a 5xx", new InternalErrorException({ message: "internal", $metadata: { httpStatusCode: 500 } })],
  ])("translates %s into RetryableError", async (_, error) => {
    sns.on(PublishCommand).rejects(error);
    await expect(sender.sendSms({ ...sms, marketing: false })).rejects.toBeInstanceOf(RetryableError);
  });

  it("gives up on an opted-out number, without the number in the message", async () => {
    sns.on(PublishCommand).rejects(
      new OptedOutException({
        message: "Phone number +15555550100 is opted out",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const failure = await sender.sendSms({ ...sms, marketing: true }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ reason: "OptedOutException" });
    expect((failure as Error).message).not.toContain("5555550100");
  });

  it("gives up on a disabled push endpoint", async () => {
    sns.on(PublishCommand).rejects(
      new EndpointDisabledException({
        message: "Endpoint is disabled",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(
      sender.sendPush({ endpointArn: ENDPOINT, body: "hi", campaign: "c", step: "s" }),
    ).rejects.toMatchObject({ name: "PermanentError", reason: "EndpointDisabledException" });
  });
});

describe("SnsSender (an endpoint that never answers)", () => {
  const client = clientOnSilentEndpoint((config) => new SNSClient(config));

  it.each([
    [
      "an SMS",
      (sender: SnsSender, signal: AbortSignal) => sender.sendSms({ ...sms, marketing: false }, signal),
    ],
    [
      "a push",
      (sender: SnsSender, signal: AbortSignal) =>
        sender.sendPush({ endpointArn: ENDPOINT, body: "hi", campaign: "c", step: "s" }, signal),
    ],
  ])(
    "stops %s at once when its signal aborts (the runner's lease lapsing), not after the SDK's timeouts",
    async (_, send) => {
      const stop = new AbortController();
      const started = performance.now();
      setTimeout(() => stop.abort(), 100);
      const outcome = await send(new SnsSender(client()), stop.signal).catch((e: unknown) => e);
      const took = performance.now() - started;

      expect(outcome).toMatchObject({ name: "AbortError" });
      expect(took).toBeLessThan(SDK_REQUEST_TIMEOUT_MS);
    },
    60_000,
  );
});
