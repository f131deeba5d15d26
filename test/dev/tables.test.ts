import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "../../local/cli-error.ts";
import { createEngineTables, engineTableDefinitions } from "../../local/dev/tables.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "../adapters/local-dynamodb.ts";

const names = { CustomerState: "state", InterestIndex: "interest" };
let db: LocalDynamoDb;
const definitions = engineTableDefinitions();

beforeAll(async () => {
  db = await startLocalDynamoDb();
}, 30_000);
afterAll(() => db.stop());

describe("createEngineTables on a --data directory's tables", () => {
  it("keeps tables that have every index, and refuses in one line a table made before an index", async () => {
    await createEngineTables(db.client, names, definitions);
    // Again: the tables exist with every index the stack defines.
    await expect(createEngineTables(db.client, names, definitions)).resolves.toBeUndefined();

    // An earlier engage's state table, made before the due-time index.
    await createTable(db.client, "old-state", "customerId");
    const old = createEngineTables(db.client, { ...names, CustomerState: "old-state" }, definitions);
    await expect(old).rejects.toBeInstanceOf(CliError);
    await expect(old).rejects.toThrow(/old-state .*lacks the index DueIndex.*--data/);
  }, 30_000);
});
