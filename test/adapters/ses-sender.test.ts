import type { AddressInfo } from "node:net";
import {
  InternalServiceErrorException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import sesLocalModule from "aws-ses-v2-local";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { PermanentError, RetryableError } from "../../functions/adapters/errors.ts";
import { SDK_CALL_BUDGET_MS, SDK_REQUEST_TIMEOUT_MS } from "../../functions/adapters/sdk-client-settings.ts";
import { customerIdOfTags, customerTag } from "../../functions/adapters/ses-customer-tag.ts";
import { type EmailMessage, SesEmailSender } from "../../functions/adapters/ses-sender.ts";
import { clientOnSilentEndpoint } from "../support/silent-endpoint.ts";

// A CommonJS module with __esModule: Node's loader hands over module.exports, vitest its default.
type StartSesLocal = typeof sesLocalModule.default;
const sesLocal: StartSesLocal =
  (sesLocalModule as { default?: StartSesLocal }).default ?? (sesLocalModule as unknown as StartSesLocal);

const OPTIONS = { from: "Shop <news@shop.example>", configurationSetName: "engage" };
const UNSUBSCRIBE = "https://u.shop.example/unsubscribe?token=abc.def";
const marketing: EmailMessage = {
  to: "ada@example.com",
  subject: "Still thinking about the Kettle?",
  html: "<p>Your cart misses you</p>",
  text: "Your cart misses you",
  campaign: "cart-abandonment",
  step: "first-reminder",
  customerId: "c-0042",
  marketing: true,
  unsubscribeUrl: UNSUBSCRIBE,
};
const transactional: EmailMessage = {
  to: "ada@example.com",
  subject: "Order o-1 confirmed",
  html: "<p>Thanks</p>",
  campaign: "order-confirmation",
  step: "confirm",
  customerId: "c-0042",
  marketing: false,
};

describe("SesEmailSender (SDK mock)", () => {
  const client = new SESv2Client({ region: "us-east-1" });
  const ses = mockClient(client);
  const sender = new SesEmailSender(client, OPTIONS);
  beforeEach(() => ses.reset());

  it("sends marketing email with the configuration set, tags and RFC 8058 headers", async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: "m-1" });
    expect(await sender.send(marketing)).toEqual({ messageId: "m-1" });
    expect(ses).toHaveReceivedCommandExactlyOnceWith(SendEmailCommand, {
      FromEmailAddress: OPTIONS.from,
      Destination: { ToAddresses: ["ada@example.com"] },
      ConfigurationSetName: "engage",
      EmailTags: [
        { Name: "campaign", Value: "cart-abandonment" },
        { Name: "step", Value: "first-reminder" },
        { Name: "customer", Value: "c-0042" },
      ],
      Content: {
        Simple: {
          Subject: { Data: marketing.subject, Charset: "UTF-8" },
          Body: {
            Html: { Data: marketing.html, Charset: "UTF-8" },
            Text: { Data: "Your cart misses you", Charset: "UTF-8" },
          },
          Headers: [
            { Name: "List-Unsubscribe", Value: `<${UNSUBSCRIBE}>` },
            { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
          ],
        },
      },
    });
  });

  it("sends transactional email without unsubscribe headers", async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: "m-2" });
    await sender.send(transactional);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Content?.Simple?.Headers).toBeUndefined();
    expect(input.Content?.Simple?.Body?.Text).toBeUndefined();
    expect(input.ConfigurationSetName).toBe("engage");
  });

  it("never puts an address in tags, not even one used as a customer id", async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: "m-3" });
    await sender.send({ ...marketing, customerId: "ada@example.com", campaign: "price drop!" });
    await sender.send({ ...marketing, customerId: "+1 (415) 555-0123" });
    for (const call of ses.commandCalls(SendEmailCommand)) {
      const tags = call.args[0].input.EmailTags ?? [];
      const values = tags.map((tag) => tag.Value ?? "");
      expect(tags.map((tag) => tag.Name)).toEqual(["campaign", "step"]);
      expect(values.every((value) => /^[A-Za-z0-9_-]{1,256}$/.test(value))).toBe(true);
    }
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.EmailTags).toContainEqual({
      Name: "campaign",
      Value: "price_drop_",
    });
  });

  it("tags the customer id so that feedback finds the customer, whatever its characters", () => {
    const tagsOf = (customerId: string) => {
      const tag = customerTag(customerId);
      return tag ? { [tag.Name!]: [tag.Value!] } : {};
    };
    expect(customerTag("c-0042")).toEqual({ Name: "customer", Value: "c-0042" });
    for (const customerId of ["c-0042", "1234567890", "shop:c/42 é", "x".repeat(256)])
      expect(customerIdOfTags(tagsOf(customerId))).toBe(customerId);
    expect(customerTag("shop:c/42 é")?.Name).toBe("customer64");
    expect(customerTag("é".repeat(200))).toBeUndefined();
    expect(customerIdOfTags({})).toBeUndefined();
    expect(customerIdOfTags({ customer64: ["YzEy"] })).toBeUndefined(); // "c12" would be a plain tag
  });

  it("refuses a marketing email whose unsubscribe link is not https", async () => {
    await expect(
      sender.send({ ...marketing, unsubscribeUrl: "http://u.shop.example/x" }),
    ).rejects.toMatchObject({
      name: "PermanentError",
      reason: "invalid_unsubscribe_url",
    });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it.each([
    [
      "throttling",
      new TooManyRequestsException({ message: "Too many requests", $metadata: { httpStatusCode: 429 } }),
    ],
    ["a 5xx", new InternalServiceErrorException({ message: "oops", $metadata: { httpStatusCode: 500 } })],
    ["paused sending", new SendingPausedException({ message: "paused", $metadata: { httpStatusCode: 400 } })],
    ["a reset connection", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
  ])("translates %s into RetryableError", async (_, error) => {
    ses.on(SendEmailCommand).rejects(error);
    await expect(sender.send(marketing)).rejects.toBeInstanceOf(RetryableError);
  });

  it.each([
    [
      "MessageRejected",
      new MessageRejected({
        message: "Email address is not verified: ada@example.com",
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    [
      "MailFromDomainNotVerifiedException",
      new MailFromDomainNotVerifiedException({ message: "not verified", $metadata: { httpStatusCode: 400 } }),
    ],
  ])("gives up on %s with that reason, without the address in the message", async (name, error) => {
    ses.on(SendEmailCommand).rejects(error);
    const failure = await sender.send(marketing).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ reason: name });
    expect((failure as Error).message).toContain("cart-abandonment/first-reminder");
    expect((failure as Error).message).not.toContain("ada@example.com");
  });
});

describe("SesEmailSender (aws-ses-v2-local)", () => {
  let endpoint: string;
  let close: () => void = () => {};

  afterAll(() => close());

  it("delivers the one-click unsubscribe headers to the outbox", async () => {
    const server = await sesLocal({ host: "127.0.0.1", port: 0 });
    close = () => server.close();
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new SESv2Client({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const { messageId } = await new SesEmailSender(client, OPTIONS).send(marketing);
    client.destroy();

    const store = (await (await fetch(`${endpoint}/store`)).json()) as {
      emails: { messageId: string; subject: string; headers?: { name: string; value: string }[] }[];
    };
    const email = store.emails.find((e) => e.messageId === messageId);
    expect(email?.subject).toBe(marketing.subject);
    expect(email?.headers).toEqual([
      { name: "List-Unsubscribe", value: `<${UNSUBSCRIBE}>` },
      { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
    ]);
  });
});

describe("SesEmailSender (an endpoint that never answers)", () => {
  const client = clientOnSilentEndpoint((config) => new SESv2Client(config));

  it("gives up within the SDK's limits (SDK_CALL_BUDGET_MS), a retryable error", async () => {
    const started = performance.now();
    const outcome = await new SesEmailSender(client(), OPTIONS).send(marketing).catch((e: unknown) => e);
    const took = performance.now() - started;

    expect(outcome).toBeInstanceOf(RetryableError);
    expect(took).toBeLessThan(SDK_CALL_BUDGET_MS + 1_000);
  }, 60_000);

  it("stops at once when its signal aborts (the runner's lease lapsing), not after the SDK's timeouts", async () => {
    const stop = new AbortController();
    const started = performance.now();
    setTimeout(() => stop.abort(), 100);
    const outcome = await new SesEmailSender(client(), OPTIONS)
      .send(marketing, stop.signal)
      .catch((e: unknown) => e);
    const took = performance.now() - started;

    expect(outcome).toBeInstanceOf(Error);
    expect(took).toBeLessThan(SDK_REQUEST_TIMEOUT_MS);
  }, 60_000);
});
