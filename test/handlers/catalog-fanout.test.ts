import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DynamoDbInterestIndex } from "../../functions/adapters/dynamodb-interest-index.ts";
import { RetryableError } from "../../functions/adapters/errors.ts";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { handler, useRuntime } from "../../functions/handlers/catalog-fanout.ts";
import { handler as ingestHandler, useRuntime as useIngestRuntime } from "../../functions/handlers/ingest.ts";
import { silentLog } from "../../functions/runtime/runtime-log.ts";
import type { FanoutPorts } from "../../functions/use-cases/catalog-fanout.ts";
import { awsFanoutPorts } from "../../functions/wiring.ts";
import { customerSignedUp, wishlistAdded } from "../support/events.ts";
import { ENV, useHandlerRuntime } from "./handler-runtime.ts";

const rt = useHandlerRuntime();
const sqsClient = new SQSClient({ region: "us-east-1" });
const sqs = mockClient(sqsClient);
let pagesSeen: number[];

beforeAll(() => {
  useIngestRuntime(rt.deps);
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(async () => ({ Successful: [], Failed: [] }));
  pagesSeen = [];
  useRuntime(fanoutPorts());
});

/** The AWS ports, on dynalite with index pages of 7 items, the test clock and no backoff. */
function fanoutPorts(options: Partial<FanoutPorts> = {}): FanoutPorts {
  const ports = awsFanoutPorts({ dynamodb: rt.clients.dynamodb, sqs: sqsClient }, ENV);
  const index = new DynamoDbInterestIndex(rt.clients.dynamodb, ENV.INTEREST_TABLE, { pageSize: 7 });
  return {
    ...ports,
    async *interestedCustomerPages(productId, now) {
      for await (const page of index.interestedCustomerPages(productId, now)) {
        pagesSeen.push(page.length);
        yield page;
      }
    },
    now: () => rt.clock.now,
    log: silentLog,
    sleep: async () => {},
    ...options,
  };
}

const catalogEnvelope = (
  productId: string,
  detailType = "product.inventory_changed",
  id = `inv-${productId}`,
) => ({
  version: "0",
  id,
  source: "shop.catalog",
  "detail-type": detailType,
  time: "2026-03-01T09:00:00Z",
  detail: { product: { productId, name: "Kettle" }, quantity: 5, previousQuantity: 0 },
});

async function interested(productId: string, count: number): Promise<string[]> {
  const customers = Array.from({ length: count }, (_, i) => `${productId}-c${String(i).padStart(2, "0")}`);
  const index = new DynamoDbInterestIndex(rt.clients.dynamodb, ENV.INTEREST_TABLE);
  for (const customerId of customers) await index.record(customerId, [productId], rt.clock.now);
  return customers;
}

const batches = () =>
  sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
const bodyOf = (entry: SendMessageBatchRequestEntry) =>
  JSON.parse(entry.MessageBody ?? "") as { customerId: string; event: { id: string } };

describe("catalog fan-out", () => {
  it("enqueues one message per interested customer, across index pages, 10 per SendMessageBatch", async () => {
    const customers = await interested("p-page", 23);

    const outcome = await handler(catalogEnvelope("p-page"));

    expect(pagesSeen).toEqual([7, 7, 7, 2]);
    expect(batches().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.QueueUrl).toBe(ENV.FANOUT_QUEUE_URL);
    const bodies = batches().flat().map(bodyOf);
    expect(bodies.map((body) => body.customerId).sort()).toEqual(customers);
    expect(new Set(bodies.map((body) => body.event.id))).toEqual(new Set(["inv-p-page"]));
    expect(bodies[0]!.event).toEqual(catalogEnvelope("p-page"));
    expect(outcome).toEqual({
      outcome: "fanned_out",
      id: "inv-p-page",
      detailType: "product.inventory_changed",
      productId: "p-page",
      customers: 23,
      batches: 3,
      retried: 0,
      dropped: 0,
    });
  });

  it("sends again only the entries SQS failed, until they are accepted", async () => {
    await interested("p-retry", 10);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Failed: [
          { Id: "3", Code: "InternalError", SenderFault: false },
          { Id: "7", Code: "ServiceUnavailable", SenderFault: false },
        ],
      })
      .resolves({ Failed: [] });

    const outcome = await handler(catalogEnvelope("p-retry"));

    const [first, second] = batches();
    expect(first).toHaveLength(10);
    expect(second).toEqual([first![3], first![7]]);
    expect(batches()).toHaveLength(2);
    expect(outcome).toMatchObject({ customers: 10, batches: 1, retried: 2, dropped: 0 });
  });

  it("fails with RetryableError when entries keep failing, so the event is retried", async () => {
    await interested("p-down", 3);
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: "1", Code: "InternalError", SenderFault: false }] });

    const failure = handler(catalogEnvelope("p-down"));

    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    expect(batches().map((entries) => entries.length)).toEqual([3, 1, 1, 1, 1]);
  });

  it("reports, and does not resend, entries SQS refuses as the sender's fault", async () => {
    await interested("p-refused", 2);
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: "0", Code: "InvalidMessageContents", SenderFault: true }] });

    expect(await handler(catalogEnvelope("p-refused"))).toMatchObject({
      customers: 1,
      dropped: 1,
      retried: 0,
    });
    expect(batches()).toHaveLength(1);
  });

  it("sends nothing for a product nobody is interested in", async () => {
    expect(await handler(catalogEnvelope("p-nobody"))).toMatchObject({ outcome: "fanned_out", customers: 0 });
    expect(batches()).toEqual([]);
  });

  it("reports and drops what is not a catalog event: customer events, unknown types, bad details", async () => {
    await interested("p-bad", 2);
    const customerEvent = { ...catalogEnvelope("p-bad", "order.placed"), detail: { customerId: "c1" } };
    expect(await handler(customerEvent)).toMatchObject({ outcome: "rejected", detailType: "order.placed" });
    expect(await handler(catalogEnvelope("p-bad", "product.discontinued"))).toMatchObject({
      outcome: "ignored",
    });
    const noProduct = { ...catalogEnvelope("p-bad"), detail: { quantity: 1, previousQuantity: 0 } };
    expect(await handler(noProduct)).toMatchObject({
      outcome: "rejected",
      problems: expect.stringContaining("detail.product"),
    });
    expect(batches()).toEqual([]);
  });
});

describe("fan-out messages through ingest", () => {
  const sqsEvent = (bodies: string[]): SQSEvent => ({
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "0",
        SenderId: "fanout",
        ApproximateFirstReceiveTimestamp: "0",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:fanout",
      awsRegion: "us-east-1",
    })),
  });

  it("sends back-in-stock to the customer who wishlisted the product; a customer the engine does not know gets nothing", async () => {
    await rt.ingest({ ...customerSignedUp("ada", "2026-03-01T07:00:00Z"), id: "ada-signup" });
    await rt.ingest({
      ...wishlistAdded("ada", "2026-03-01T07:30:00Z", { product: { productId: "p-kettle", name: "Kettle" } }),
      id: "ada-wish",
    });
    // An index entry that outlived its customer (or was never one): fan-out does not look at state.
    await interested("p-kettle", 1);
    rt.mocks.ses.resetHistory();

    await handler(catalogEnvelope("p-kettle"));
    const bodies = batches()
      .flat()
      .map((entry) => entry.MessageBody ?? "");
    expect(bodies.map((body) => JSON.parse(body).customerId).sort()).toEqual(["ada", "p-kettle-c00"]);

    const result = await ingestHandler(sqsEvent(bodies));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(rt.sentEmails()).toEqual([
      { campaign: "back-in-stock", customerId: "ada", to: "ada@example.com" },
    ]);
    // The stale index entry leaves no state item behind.
    expect((await rt.store.load("p-kettle-c00")).version).toBe(0);

    // Redelivered messages (a retried fan-out) are not applied twice.
    await ingestHandler(sqsEvent(bodies));
    expect(rt.sentEmails()).toHaveLength(1);
  });
});
