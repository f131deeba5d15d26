import type { DynamoDbDocuments } from "../../functions/adapters/dynamodb-documents.ts";

/** Capacity units one table consumed, as DynamoDB reports them, and the writes it counted. */
export type TableCapacity = {
  writeUnits: number;
  readUnits: number;
  /** Units of each write call, in order. */
  writes: number[];
};

export type CapacityCounter = {
  byTable: Map<string, TableCapacity>;
  /** Write units over every table. */
  writeUnits(): number;
  reset(): void;
  remove(): void;
};

type ConsumedCapacity = { TableName?: string; CapacityUnits?: number };

const WRITES = new Set(["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand", "BatchWriteItemCommand"]);

/**
 * Counts the capacity units of every call on the client by asking DynamoDB (here dynalite) for them
 * (`ReturnConsumedCapacity: TOTAL`): a write costs 1 unit per started KB of the larger of the item
 * before and after, as billed on demand.
 */
export function countCapacity(client: DynamoDbDocuments): CapacityCounter {
  const byTable = new Map<string, TableCapacity>();
  const name = "capacity-counter";
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "TOTAL";
      const output = await next(args);
      const consumed = (output.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      const write = WRITES.has(context.commandName ?? "");
      for (const each of consumed === undefined ? [] : [consumed].flat()) {
        const table = each.TableName ?? "?";
        const tally = byTable.get(table) ?? { writeUnits: 0, readUnits: 0, writes: [] };
        if (write) {
          tally.writeUnits += each.CapacityUnits ?? 0;
          tally.writes.push(each.CapacityUnits ?? 0);
        } else tally.readUnits += each.CapacityUnits ?? 0;
        byTable.set(table, tally);
      }
      return output;
    },
    { step: "initialize", name, override: true },
  );
  return {
    byTable,
    writeUnits: () => [...byTable.values()].reduce((sum, t) => sum + t.writeUnits, 0),
    reset: () => byTable.clear(),
    remove: () => client.middlewareStack.remove(name),
  };
}
