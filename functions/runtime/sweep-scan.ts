import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from "@aws-sdk/lib-dynamodb";
import { translateAwsError } from "../adapters/errors.ts";
import { decodeStateAttribute } from "../adapters/state-item-codec.ts";

/** One stored customer item as a scan returns it: the state's JSON, decoded as the store wrote it. */
export type ScannedCustomer = { customerId: string; state: string };

/** Pages of one segment of a parallel scan of the CustomerState table. */
export type StateScan = (segment: number, totalSegments: number) => AsyncIterable<ScannedCustomer[]>;

/**
 * A (parallel) Scan of the CustomerState table, items `{ customerId, version, state }` as
 * DynamoDbCustomerStateStore writes them. Eventually consistent: the sweep reads it to find who is due,
 * then decides again on each due customer's state read consistently.
 */
export function dynamoDbStateScan(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { pageSize?: number } = {},
): StateScan {
  return async function* scan(segment, totalSegments) {
    let startKey: Record<string, unknown> | undefined;
    do {
      let output: ScanCommandOutput;
      try {
        output = await client.send(
          new ScanCommand({
            TableName: tableName,
            ProjectionExpression: "customerId, #state",
            ExpressionAttributeNames: { "#state": "state" },
            ExclusiveStartKey: startKey,
            Limit: options.pageSize,
            ...(totalSegments > 1 ? { Segment: segment, TotalSegments: totalSegments } : {}),
          }),
        );
      } catch (error) {
        throw translateAwsError(error, "DynamoDB Scan (customer state)");
      }
      const page: ScannedCustomer[] = [];
      for (const item of output.Items ?? []) {
        const state = decodeStateAttribute(item.state);
        if (typeof item.customerId === "string" && state !== undefined)
          page.push({ customerId: item.customerId, state });
      }
      if (page.length > 0) yield page;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  };
}
