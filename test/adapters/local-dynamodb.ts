import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { DynamoDbDocuments } from "../../functions/adapters/dynamodb-documents.ts";

export type LocalDynamoDb = {
  endpoint: string;
  client: DynamoDBClient;
  /** The adapters' client (what the functions use), on the same endpoint. */
  documents: DynamoDbDocuments;
  /** The SDK's own DocumentClient: tests compare the adapters' client with it. */
  sdkDocuments: DynamoDBDocumentClient;
  stop: () => Promise<void>;
};

/** dynalite in this process on a free port of 127.0.0.1, reached through the real SDK client. */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const server: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const documents = new DynamoDbDocuments({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    client,
    documents,
    sdkDocuments: DynamoDBDocumentClient.from(client),
    stop: async () => {
      client.destroy();
      documents.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

export async function createTable(
  client: DynamoDBClient,
  tableName: string,
  partitionKey: string,
  sortKey?: string,
  /** A keys-only global secondary index: a string partition key and a number sort key. */
  index?: { name: string; partitionKey: string; sortKey: string },
): Promise<void> {
  const keys = sortKey ? [partitionKey, sortKey] : [partitionKey];
  const keySchema = (names: string[]) =>
    names.map((name, i) => ({
      AttributeName: name,
      KeyType: i === 0 ? ("HASH" as const) : ("RANGE" as const),
    }));
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        ...keys.map((name) => ({ AttributeName: name, AttributeType: "S" as const })),
        ...(index
          ? [
              { AttributeName: index.partitionKey, AttributeType: "S" as const },
              { AttributeName: index.sortKey, AttributeType: "N" as const },
            ]
          : []),
      ],
      KeySchema: keySchema(keys),
      ...(index
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: index.name,
                KeySchema: keySchema([index.partitionKey, index.sortKey]),
                Projection: { ProjectionType: "KEYS_ONLY" as const },
              },
            ],
          }
        : {}),
    }),
  );
}

/** The CustomerState table's due-time index as the stack defines it (infra/constructs/engine-tables.ts). */
export const DUE_INDEX_TABLE_INDEX = { name: "DueIndex", partitionKey: "dueBucket", sortKey: "dueAt" };
