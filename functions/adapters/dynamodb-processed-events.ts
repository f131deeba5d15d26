import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isAwsError, translateAwsError } from "./errors.ts";

const DAY_MS = 86_400_000;

export type ProcessedEventsOptions = {
  /** How long an id is remembered (default 7 days: longer than EventBridge's and SQS's redelivery). */
  ttlMs?: number;
  /**
   * Prefix of the stored ids (`feedback#<event id>`): the table is shared with Powertools idempotency
   * records, and two uses of the guard must not see each other's ids.
   */
  namespace: string;
};

/**
 * "Have we seen this event id?" where Powertools idempotency is not used: one conditional put of
 * `{ id, expiresAt }` (epoch seconds, the table's TTL attribute). Expired ids count as unseen, since
 * TTL deletion is lazy on AWS and absent locally.
 */
export class DynamoDbProcessedEvents {
  private readonly ttlMs: number;
  private readonly namespace: string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: ProcessedEventsOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 7 * DAY_MS;
    this.namespace = options.namespace;
  }

  /** True exactly once per id (until it expires); `now` in epoch ms. */
  async firstTime(eventId: string, now: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: this.key(eventId), expiresAt: Math.floor((now + this.ttlMs) / 1000) },
          ConditionExpression: "attribute_not_exists(id) OR expiresAt <= :now",
          ExpressionAttributeValues: { ":now": Math.floor(now / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, "ConditionalCheckFailedException")) return false;
      throw translateAwsError(error, "DynamoDB PutItem (processed events)");
    }
  }

  /** Un-marks an id whose processing failed, so a redelivery is processed rather than skipped. */
  async forget(eventId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { id: this.key(eventId) } }),
      );
    } catch (error) {
      throw translateAwsError(error, "DynamoDB DeleteItem (processed events)");
    }
  }

  private key(eventId: string): string {
    return `${this.namespace}#${eventId}`;
  }
}
