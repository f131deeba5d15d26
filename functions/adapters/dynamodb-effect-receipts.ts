import { type DynamoDbDocuments, GetCommand, UpdateCommand } from "./dynamodb-documents.ts";
import { dueIndexAttributes } from "./dynamodb-due-index.ts";
import { isAwsError, translateAwsError } from "./errors.ts";

const DAY_MS = 86_400_000;

/**
 * The key prefix of the receipts in the CustomerState table (no `state`: scans skip them). A receipt
 * is filed in the due-time index while its claim waits for its effects (`file`), so that the sweep
 * reads the customer when the claim lapses.
 */
export const RECEIPT_PREFIX = "engage#done#";

/** The customer and claim time of a receipt's key; undefined for any other key of the table. */
export function claimOfKey(key: string): { customerId: string; claimedAt: number } | undefined {
  if (!key.startsWith(RECEIPT_PREFIX)) return undefined;
  const at = key.lastIndexOf("#");
  const claimedAt = Number(key.slice(at + 1));
  return at < RECEIPT_PREFIX.length || !Number.isSafeInteger(claimedAt)
    ? undefined
    : { customerId: key.slice(RECEIPT_PREFIX.length, at), claimedAt };
}

/**
 * How long a receipt is kept (the table's TTL attribute `expiresAt`). The entry it stands for leaves
 * the state item at the customer's next write, or when the sweep reads the customer (its due time, or
 * a claim's lapse); this covers sweeps stopped for weeks, far past their 48-hour catch-up window.
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
 * The same item is the claim's backstop when the customer's own due time is later than the claim's
 * lapse: filed in the due-time index (`file`, before the state write that claims), so the state item is
 * not filed early for it. The receipt that completes the claim marks it `settled` and leaves the filing
 * in place (a change of `dueAt` or `dueBucket` is an index write; `settled` is not in the index): the
 * sweep reads the receipt alone for it, and the item's TTL takes the filing away.
 */
export function dynamoDbEffectReceipts(client: DynamoDbDocuments, tableName: string) {
  /**
   * Files the claim made at `claimedAt` in the due-time index at `lapseAt` (under the customer's shard),
   * keeping any ids recorded already: the sweep then reads the customer when the claim lapses. Unsettles
   * it: a write filing it again holds entries of that claim, so the sweep is to read the customer.
   */
  const file = async (customerId: string, claimedAt: number, lapseAt: number): Promise<void> => {
    const { dueBucket } = dueIndexAttributes(customerId, lapseAt)!;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId: receiptKey(customerId, claimedAt) },
          UpdateExpression: "SET dueBucket = :bucket, dueAt = :at, expiresAt = :expiresAt REMOVE settled",
          ExpressionAttributeValues: {
            ":bucket": dueBucket,
            ":at": lapseAt,
            ":expiresAt": Math.floor((claimedAt + RECEIPT_TTL_MS) / 1000),
          },
        }),
      );
    } catch (error) {
      throw translateAwsError(error, "DynamoDB UpdateItem (claim backstop)");
    }
  };

  /**
   * Records the entries of the claim made at `claimedAt` as performed; `now` in epoch ms sets the
   * expiry. `settle`: they complete the claim, which needs no backstop any more (`settle` below).
   */
  const record = async (
    customerId: string,
    claimedAt: number,
    entryIds: readonly string[],
    now: number,
    settle = false,
  ): Promise<void> => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId: receiptKey(customerId, claimedAt) },
          UpdateExpression: `ADD ids :ids SET expiresAt = :expiresAt${settle ? ", settled = :settled" : ""}`,
          ExpressionAttributeValues: {
            ":ids": new Set(entryIds),
            ":expiresAt": Math.floor((now + RECEIPT_TTL_MS) / 1000),
            ...(settle ? { ":settled": true } : {}),
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

  /**
   * Marks the claim's filing settled when its entries are known to be performed or claimed anew (a
   * lease renewal): the sweep is not to read the customer for it. The filing stays in the index (taking
   * it out is an index delete, dearer than the sweep's one read of this small item). Nothing if not filed.
   */
  const settle = async (customerId: string, claimedAt: number): Promise<void> => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId: receiptKey(customerId, claimedAt) },
          UpdateExpression: "SET settled = :settled",
          ConditionExpression: "attribute_exists(dueAt)",
          ExpressionAttributeValues: { ":settled": true },
        }),
      );
    } catch (error) {
      if (isAwsError(error, "ConditionalCheckFailedException")) return;
      throw translateAwsError(error, "DynamoDB UpdateItem (claim backstop)");
    }
  };

  return { file, record, settle, performed };
}

export type EffectReceipts = ReturnType<typeof dynamoDbEffectReceipts>;
