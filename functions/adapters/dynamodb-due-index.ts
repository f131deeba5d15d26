import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDbDocuments,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from "./dynamodb-documents.ts";
import { claimOfKey } from "./dynamodb-effect-receipts.ts";
import {
  dynamoDbStateScan,
  type ScannedCustomer,
  type StateScan,
  scannedCustomer,
} from "./dynamodb-state-scan.ts";
import { isAwsError, RetryableError, translateAwsError } from "./errors.ts";

const HOUR_MS = 3_600_000;
/** The CustomerState table's global secondary index of due times (infra/constructs/engine-tables.ts). */
export const DUE_INDEX_NAME = "DueIndex";
/** Index partitions per hour: a busy hour (10:00 in a big zone) is spread over this many partition keys. */
export const DUE_SHARDS = 8;

/** The item attributes the index is keyed by: the hour (UTC) and shard, and the instant itself. */
export type DueIndexAttributes = { dueBucket: string; dueAt: number };

/** The index attributes for a due time; none (the index is sparse) when nothing is due. */
export function dueIndexAttributes(
  customerId: string,
  dueAt: number | undefined,
): DueIndexAttributes | undefined {
  return dueAt === undefined ? undefined : { dueBucket: dueBucket(dueAt, shardOf(customerId)), dueAt };
}

/** `YYYY-MM-DDTHH#shard`: one partition key per hour and shard. */
export function dueBucket(at: number, shard: number): string {
  return `${new Date(Math.floor(at / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13)}#${shard}`;
}

/** A stable shard of the customer id (FNV-1a). */
export function shardOf(customerId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) hash = Math.imul(hash ^ customerId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % DUE_SHARDS;
}

/**
 * The customers filed under the hours [from, to), with their stored state: pages of one share of the
 * shards. The index's receipts (claims' filings) are passed over: the claims' sweep reads them
 * (`claimsLapsed`).
 */
export type DueQuery = (from: number, to: number) => StateScan;

/**
 * The due-time index on DynamoDB: a sparse GSI keyed by `dueBucket` (hour and shard) and `dueAt`,
 * projecting keys only (a state write that leaves the due time as it was costs the index nothing).
 * Reading it is a Query per hour and shard, then a BatchGetItem of the states found. Besides the state
 * items it holds the receipts of claims filed at their lapse, under their customer's shard.
 */
export function dynamoDbDueIndex(
  client: DynamoDbDocuments,
  tableName: string,
  options: { pageSize?: number } = {},
) {
  /** The index's keys filed under the buckets of [from, to), a page at a time; a segment takes every `totalSegments`-th shard. */
  async function* filed(from: number, to: number, segment: number, totalSegments: number) {
    for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS; hour < to; hour += HOUR_MS)
      for (let shard = segment; shard < DUE_SHARDS; shard += totalSegments) {
        let startKey: Record<string, unknown> | undefined;
        do {
          let output: QueryCommandOutput;
          try {
            output = await client.send(
              new QueryCommand({
                TableName: tableName,
                IndexName: DUE_INDEX_NAME,
                KeyConditionExpression: "dueBucket = :bucket",
                ExpressionAttributeValues: { ":bucket": dueBucket(hour, shard) },
                ExclusiveStartKey: startKey,
                Limit: options.pageSize,
              }),
            );
          } catch (error) {
            throw translateAwsError(error, "DynamoDB Query (due-time index)");
          }
          yield output.Items ?? [];
          startKey = output.LastEvaluatedKey;
        } while (startKey);
      }
  }

  const customersDue: DueQuery = (from, to) =>
    async function* query(segment, totalSegments) {
      for await (const items of filed(from, to, segment, totalSegments)) {
        const ids: string[] = [];
        for (const { customerId: key } of items)
          if (typeof key === "string" && claimOfKey(key) === undefined) ids.push(key);
        const page = await getStates(client, tableName, ids);
        if (page.length > 0) yield page;
      }
    };

  /**
   * The customers of the claims filed at a lapse in [from, to) and not settled, with their stored state
   * and those claims (`claimsFiled`). A claim's receipt stands for its customer (dynamodb-effect-receipts.ts)
   * while it is not settled: its own item says so, one small read instead of the state's. The state
   * items filed under the same buckets are passed over.
   */
  const claimsLapsed = (from: number, to: number): StateScan =>
    async function* query(segment, totalSegments) {
      for await (const items of filed(from, to, segment, totalSegments)) {
        const receipts: string[] = [];
        for (const { customerId: key, dueAt } of items)
          if (
            typeof key === "string" &&
            claimOfKey(key) !== undefined &&
            typeof dueAt === "number" &&
            dueAt >= from &&
            dueAt < to
          )
            receipts.push(key);
        const claimsFiled = new Map<string, number[]>();
        for (const item of await batchGet(
          client,
          tableName,
          receipts,
          { expression: "customerId, settled" },
          "receipt",
        )) {
          const claim = typeof item.customerId === "string" ? claimOfKey(item.customerId) : undefined;
          if (!claim || item.settled === true) continue;
          claimsFiled.set(claim.customerId, [...(claimsFiled.get(claim.customerId) ?? []), claim.claimedAt]);
        }
        const page = await getStates(client, tableName, [...claimsFiled.keys()]);
        for (const customer of page) customer.claimsFiled = claimsFiled.get(customer.customerId);
        if (page.length > 0) yield page;
      }
    };

  /**
   * Files a customer under a new due time, if its item is still at `version` (a later write has
   * filed it already). Leaves the state and its version as they are.
   */
  const refile = async (customerId: string, version: number, dueAt: number): Promise<boolean> => {
    const attributes = dueIndexAttributes(customerId, dueAt)!;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId },
          UpdateExpression: "SET dueBucket = :bucket, dueAt = :at",
          ConditionExpression: "#v = :version",
          ExpressionAttributeNames: { "#v": "version" },
          ExpressionAttributeValues: { ":bucket": attributes.dueBucket, ":at": dueAt, ":version": version },
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, "ConditionalCheckFailedException")) return false;
      throw translateAwsError(error, "DynamoDB UpdateItem (due-time index)");
    }
  };

  /**
   * Pages of the items filed under no due time (written before the index) or under one before
   * `before` (an outage longer than the sweep's catch-up window): a Scan, for the one-off backfill
   * (use-cases/backfill-due-index.ts), which files each with `refile`.
   */
  const filedBefore = (before: number): StateScan =>
    dynamoDbStateScan(client, tableName, {
      ...options,
      filter: {
        expression: "attribute_not_exists(dueAt) OR dueAt < :before",
        values: { ":before": before },
        purpose: "due-time backfill",
      },
    });

  /**
   * The last hour whose sweep of the campaign completed, recorded in a small item of the state table
   * (SWEPT_MARKER_PREFIX + campaign id): no `state`, so scans skip it, and no due time, so the index
   * does not hold it. Undefined when none is recorded (the sweep then reads its whole catch-up window).
   */
  const lastSwept = async (campaignId: string): Promise<number | undefined> => {
    try {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { customerId: SWEPT_MARKER_PREFIX + campaignId },
          ProjectionExpression: "sweptHour",
        }),
      );
      return typeof Item?.sweptHour === "number" ? Item.sweptHour : undefined;
    } catch (error) {
      throw translateAwsError(error, "DynamoDB GetItem (sweep marker)");
    }
  };

  /** Records that the sweep of `hour` completed, unless a later hour's is recorded (a late retry). */
  const recordSwept = async (campaignId: string, hour: number): Promise<void> => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId: SWEPT_MARKER_PREFIX + campaignId },
          UpdateExpression: "SET sweptHour = :hour",
          ConditionExpression: "attribute_not_exists(sweptHour) OR sweptHour < :hour",
          ExpressionAttributeValues: { ":hour": hour },
        }),
      );
    } catch (error) {
      if (isAwsError(error, "ConditionalCheckFailedException")) return;
      throw translateAwsError(error, "DynamoDB UpdateItem (sweep marker)");
    }
  };

  return { customersDue, claimsLapsed, refile, filedBefore, lastSwept, recordSwept };
}

/** The key prefix of the items recording each campaign's last completed sweep (`lastSwept`). */
export const SWEPT_MARKER_PREFIX = "engage#swept#";

export type DueIndex = ReturnType<typeof dynamoDbDueIndex>;

/** The stored states of these customers (eventually consistent: the sweep decides again on a consistent read). */
async function getStates(
  client: DynamoDbDocuments,
  tableName: string,
  customerIds: readonly string[],
): Promise<ScannedCustomer[]> {
  const found: ScannedCustomer[] = [];
  for (const item of await batchGet(
    client,
    tableName,
    customerIds,
    {
      expression: "customerId, #version, #state, dueAt",
      names: { "#version": "version", "#state": "state" },
    },
    "customer state",
  ))
    if (typeof item.customerId === "string") found.push(scannedCustomer(item.customerId, item));
  return found;
}

/** These items of the table (keys of 100 at a time, unprocessed ones again), eventually consistent. */
async function batchGet(
  client: DynamoDbDocuments,
  tableName: string,
  customerIds: readonly string[],
  projection: { expression: string; names?: Record<string, string> },
  what: string,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < customerIds.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = customerIds
      .slice(start, start + 100)
      .map((customerId) => ({ customerId }));
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
      let output: BatchGetCommandOutput;
      try {
        output = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: keys,
                ProjectionExpression: projection.expression,
                ExpressionAttributeNames: projection.names,
              },
            },
          }),
        );
      } catch (error) {
        throw translateAwsError(error, `DynamoDB BatchGetItem (${what})`);
      }
      found.push(...(output.Responses?.[tableName] ?? []));
      keys = output.UnprocessedKeys?.[tableName]?.Keys;
      if (keys && keys.length > 0 && attempt >= 8)
        throw new RetryableError(`DynamoDB BatchGetItem (${what}): keys left unprocessed`, "throttled");
    }
  }
  return found;
}
