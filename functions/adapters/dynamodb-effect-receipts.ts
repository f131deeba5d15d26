import { type DynamoDbDocuments, GetCommand, UpdateCommand } from "./dynamodb-documents.ts";
import { translateAwsError } from "./errors.ts";

const DAY_MS = 86_400_000;

/** The key prefix of the receipts in the CustomerState table (no `state`: scans skip them; no due time). */
export const RECEIPT_PREFIX = "engage#done#";

/**
 * How long a receipt is kept (the table's TTL attribute `expiresAt`). The entry it stands for leaves
 * the state item at the customer's next write, at the latest the sweep's backstop about an hour after
 * the claim (its claim + 15 min files the customer in the due-time index); this covers sweeps stopped
 * for weeks, far past their 48-hour catch-up window.
 */
export const RECEIPT_TTL_MS = 35 * DAY_MS;

/** The receipt of the entries one claim (its claim time) covers. */
export const receiptKey = (customerId: string, claimedAt: number) =>
  `${RECEIPT_PREFIX}${customerId}#${claimedAt}`;

/**
 * Receipts of performed outbox entries: one small item per claim (the entries a run claimed at one
 * instant), `{ customerId: receiptKey, ids, expiresAt }`, added to (a string set, so two runs that
 * claimed at the same millisecond add up) after the effects instead of rewriting the whole state item
 * to remove them: one write unit. The state store reads them only before a write, and leaves the
 * performed entries out of it. Entry ids are unique per effect (journey ids and send times), so a
 * receipt never stands for another effect.
 */
export function dynamoDbEffectReceipts(client: DynamoDbDocuments, tableName: string) {
  /** Records the entries of the claim made at `claimedAt` as performed; `now` in epoch ms sets the expiry. */
  const record = async (
    customerId: string,
    claimedAt: number,
    entryIds: readonly string[],
    now: number,
  ): Promise<void> => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId: receiptKey(customerId, claimedAt) },
          UpdateExpression: "ADD ids :ids SET expiresAt = :expiresAt",
          ExpressionAttributeValues: {
            ":ids": new Set(entryIds),
            ":expiresAt": Math.floor((now + RECEIPT_TTL_MS) / 1000),
          },
        }),
      );
    } catch (error) {
      throw translateAwsError(error, "DynamoDB UpdateItem (effect receipt)");
    }
  };

  /**
   * Which of these entries (with the claim time they carry) have a receipt: one strongly consistent
   * read per distinct claim time, in turn (a run's calls stay in order).
   */
  const performed = async (
    customerId: string,
    entries: readonly { id: string; claimedAt: number }[],
  ): Promise<Set<string>> => {
    const found = new Set<string>();
    for (const claimedAt of new Set(entries.map((entry) => entry.claimedAt))) {
      let ids: unknown;
      try {
        const { Item } = await client.send(
          new GetCommand({
            TableName: tableName,
            Key: { customerId: receiptKey(customerId, claimedAt) },
            ConsistentRead: true,
            ProjectionExpression: "ids",
          }),
        );
        ids = Item?.ids;
      } catch (error) {
        throw translateAwsError(error, "DynamoDB GetItem (effect receipt)");
      }
      if (!(ids instanceof Set)) continue;
      for (const entry of entries)
        if (entry.claimedAt === claimedAt && ids.has(entry.id)) found.add(entry.id);
    }
    return found;
  };

  return { record, performed };
}

export type EffectReceipts = ReturnType<typeof dynamoDbEffectReceipts>;
