import {
  BatchWriteCommand,
  type DynamoDbDocuments,
  QueryCommand,
  type QueryCommandOutput,
} from "./dynamodb-documents.ts";
import { RetryableError, translateAwsError } from "./errors.ts";

const DAY_MS = 86_400_000;
const BATCH_WRITE_MAX = 25;

export type DynamoDbInterestIndexOptions = {
  /** How long an entry lasts after the customer last touched the product (default 180 days). */
  ttlMs?: number;
  /** Rounds of BatchWriteItem for the items DynamoDB left unprocessed (default 8). */
  maxAttempts?: number;
  /** Items per Query page (default: DynamoDB's 1 MB page). */
  pageSize?: number;
  /** Backoff between rounds of unprocessed items; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
};

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } };

/**
 * Who may be interested in a product, for the catalog fan-out: items `{ productId, customerId,
 * expiresAt }` (epoch seconds, the table's TTL attribute). It is a candidate list only: the core
 * decides on each candidate's own state. TTL deletion is lazy on AWS and absent locally, so expired
 * entries are skipped here rather than trusted to be gone.
 */
export class DynamoDbInterestIndex {
  private readonly ttlMs: number;
  private readonly maxAttempts: number;
  private readonly pageSize: number | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDbDocuments,
    private readonly tableName: string,
    options: DynamoDbInterestIndexOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 180 * DAY_MS;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.pageSize = options.pageSize;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Records (or refreshes) the customer's interest in these products; `now` in epoch ms. */
  async record(customerId: string, productIds: readonly string[], now: number): Promise<void> {
    const expiresAt = Math.floor((now + this.ttlMs) / 1000);
    // BatchWriteItem rejects a request that names the same key twice.
    const requests: WriteRequest[] = [...new Set(productIds)].map((productId) => ({
      PutRequest: { Item: { productId, customerId, expiresAt } },
    }));
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX)
      await this.writeAll(requests.slice(i, i + BATCH_WRITE_MAX));
  }

  /** The customers with an unexpired entry for the product, a page at a time. */
  async *interestedCustomerPages(productId: string, now: number): AsyncGenerator<string[]> {
    const nowSeconds = Math.floor(now / 1000);
    let startKey: Record<string, unknown> | undefined;
    do {
      let output: QueryCommandOutput;
      try {
        output = await this.queryPage(productId, startKey);
      } catch (error) {
        throw translateAwsError(error, "DynamoDB Query (interest index)");
      }
      const customers: string[] = [];
      for (const item of output.Items ?? [])
        if (typeof item.expiresAt === "number" && item.expiresAt > nowSeconds)
          customers.push(String(item.customerId));
      if (customers.length > 0) yield customers;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  }

  async interestedCustomers(productId: string, now: number): Promise<string[]> {
    const all: string[] = [];
    for await (const page of this.interestedCustomerPages(productId, now)) all.push(...page);
    return all;
  }

  private queryPage(
    productId: string,
    startKey: Record<string, unknown> | undefined,
  ): Promise<QueryCommandOutput> {
    return this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "productId = :p",
        ExpressionAttributeValues: { ":p": productId },
        ProjectionExpression: "customerId, expiresAt",
        ExclusiveStartKey: startKey,
        Limit: this.pageSize,
      }),
    );
  }

  private async writeAll(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > this.maxAttempts)
        throw new RetryableError(
          `DynamoDB BatchWriteItem (interest index): ${pending.length} item(s) still unprocessed after ${this.maxAttempts} rounds`,
          "unprocessed_items",
        );
      if (attempt > 1) await this.sleep(Math.min(50 * 2 ** (attempt - 2), 2_000));
      try {
        const output = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = (output.UnprocessedItems?.[this.tableName] ?? []) as WriteRequest[];
      } catch (error) {
        throw translateAwsError(error, "DynamoDB BatchWriteItem (interest index)");
      }
    }
  }
}
