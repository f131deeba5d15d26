// The functions' DynamoDB client (functions/adapters/dynamodb-documents.ts), and the same GetItem.
import { DynamoDbDocuments, GetCommand } from "../../functions/adapters/dynamodb-documents.ts";

const client = new DynamoDbDocuments();

export async function handler(): Promise<unknown> {
  const { Item } = await client.send(
    new GetCommand({ TableName: "state", Key: { customerId: "c-1" }, ConsistentRead: true }),
  );
  return Item;
}
