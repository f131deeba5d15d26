// The engine's DynamoDB tables created on dynalite exactly as the stack defines them (keys and global
// secondary indexes read from EngineTables synthesized alone), for engage dev, the bench and the e2e tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import { App, Stack } from "aws-cdk-lib";
import { EngineTables } from "../../infra/constructs/engine-tables.ts";
import { CliError } from "../cli-error.ts";

export type TableProperties = Pick<CreateTableCommandInput, "KeySchema" | "AttributeDefinitions"> & {
  GlobalSecondaryIndexes?: CreateTableCommandInput["GlobalSecondaryIndexes"];
};

/** The stack's table definitions, by the construct id of each table ("CustomerState", "InterestIndex"). */
export function engineTableDefinitions(): Map<string, TableProperties> {
  const outdir = mkdtempSync(join(tmpdir(), "engine-tables-"));
  try {
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, "LocalTables");
    const tables = new EngineTables(stack, "Tables");
    const template = app.synth().getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: TableProperties }>;
    };
    const definitions = new Map<string, TableProperties>();
    for (const construct of [tables.customerState, tables.interestIndex]) {
      const logicalId = stack.getLogicalId(construct.node.defaultChild as never);
      definitions.set(construct.node.id, template.Resources[logicalId]!.Properties);
    }
    return definitions;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Creates the tables. A table that already exists, as in a persisted --data directory, is kept if it has
 * every index the stack defines; one made by an earlier engage without one is refused in one line
 * (dynalite cannot add an index to a table, and the engine would fail on its first query of it).
 */
export async function createEngineTables(
  client: DynamoDBClient,
  names: { CustomerState: string; InterestIndex: string },
  definitions: Map<string, TableProperties> = engineTableDefinitions(),
): Promise<void> {
  const { TableNames: existing = [] } = await client.send(new ListTablesCommand({}));
  for (const [id, properties] of definitions) {
    const name = names[id as keyof typeof names];
    if (!name) continue;
    if (existing.includes(name)) {
      await checkIndexes(client, name, properties);
      continue;
    }
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: properties.KeySchema,
        AttributeDefinitions: properties.AttributeDefinitions,
        ...(properties.GlobalSecondaryIndexes?.length
          ? {
              GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes.map((index) => ({
                IndexName: index.IndexName,
                KeySchema: index.KeySchema,
                Projection: index.Projection,
              })),
            }
          : {}),
      }),
    );
  }
}

/** Throws a CliError naming the indexes the stack defines that the existing table lacks. */
async function checkIndexes(client: DynamoDBClient, name: string, properties: TableProperties) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = (properties.GlobalSecondaryIndexes ?? [])
    .map((index) => index.IndexName)
    .filter((indexName) => !present.has(indexName));
  if (missing.length > 0)
    throw new CliError(
      `the table ${name} in the data directory lacks the index ${missing.join(", ")} (made by an earlier engage): delete the directory or use a new --data directory`,
    );
}
