import type { CustomerState } from "../core/state/customer-state.ts";
import { type DynamoDbDocuments, ScanCommand, type ScanCommandOutput } from "./dynamodb-documents.ts";
import { parseStoredItem } from "./dynamodb-state-store.ts";
import { translateAwsError } from "./errors.ts";

/** One stored customer item as a scan returns it: its state, or none if the item is not a valid one. */
export type ScannedCustomer = {
  customerId: string;
  state: CustomerState | undefined;
  /** As the due-time index reads it: the item's version and the due time it is filed under. */
  version?: number;
  dueAt?: number;
  /** Found under these claims' receipts, filed at each claim's lapse: the claim may wait in its outbox. */
  claimsFiled?: number[];
};

/** Pages of one segment of a parallel scan of the CustomerState table. */
export type StateScan = (segment: number, totalSegments: number) => AsyncIterable<ScannedCustomer[]>;

/**
 * A (parallel) Scan of the CustomerState table, items `{ customerId, version, state }` as
 * DynamoDbCustomerStateStore writes them. Eventually consistent: the sweep reads it to find who is due,
 * then decides again on each due customer's state read consistently.
 */
export function dynamoDbStateScan(
  client: DynamoDbDocuments,
  tableName: string,
  options: { pageSize?: number; filter?: ScanFilter } = {},
): StateScan {
  const { filter } = options;
  return async function* scan(segment, totalSegments) {
    let startKey: Record<string, unknown> | undefined;
    do {
      let output: ScanCommandOutput;
      try {
        output = await client.send(
          new ScanCommand({
            TableName: tableName,
            ProjectionExpression: "customerId, #version, #state, dueAt",
            ExpressionAttributeNames: { "#version": "version", "#state": "state" },
            ...(filter
              ? { FilterExpression: filter.expression, ExpressionAttributeValues: filter.values }
              : {}),
            ExclusiveStartKey: startKey,
            Limit: options.pageSize,
            ...(totalSegments > 1 ? { Segment: segment, TotalSegments: totalSegments } : {}),
          }),
        );
      } catch (error) {
        throw translateAwsError(error, `DynamoDB Scan (${filter?.purpose ?? "customer state"})`);
      }
      const page: ScannedCustomer[] = [];
      for (const item of output.Items ?? [])
        if (typeof item.customerId === "string" && item.state !== undefined)
          page.push(scannedCustomer(item.customerId, item));
      if (page.length > 0) yield page;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  };
}

/** A Scan that returns only some items (e.g. the due-time backfill's); `purpose` names it in errors. */
export type ScanFilter = { expression: string; values: Record<string, unknown>; purpose: string };

/** A stored item as the sweep reads it: its state, version and due time, or no state if it is not valid. */
export function scannedCustomer(customerId: string, item: Record<string, unknown>): ScannedCustomer {
  try {
    const { state, version } = parseStoredItem(customerId, item);
    return { customerId, state, version, ...(typeof item.dueAt === "number" ? { dueAt: item.dueAt } : {}) };
  } catch {
    return { customerId, state: undefined };
  }
}
