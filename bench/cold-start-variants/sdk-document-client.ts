// The SDK's DocumentClient as the functions made it before DynamoDbDocuments, and one GetItem.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamoDbClientSettings } from "../../functions/adapters/sdk-client-settings.ts";

const client = DynamoDBDocumentClient.from(new DynamoDBClient(dynamoDbClientSettings()), {
  marshallOptions: { removeUndefinedValues: true },
});

export async function handler(): Promise<unknown> {
  const { Item } = await client.send(
    new GetCommand({ TableName: "state", Key: { customerId: "c-1" }, ConsistentRead: true }),
  );
  return Item;
}
