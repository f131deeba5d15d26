// DynamoDB capacity units counted by middleware on the functions' DynamoDB client (DynamoDbDocuments), from the item sizes actually
// read and written, by DynamoDB's published rules (on-demand billing):
// - item size: UTF-8 attribute names + values; a number 1 byte per 2 significant digits + 1; null and
//   boolean 1 byte; a list or map 3 bytes + 1 byte per element + its elements;
// - a write is 1 unit per started KB of the larger of the item before and after (also when its
//   condition fails); each global secondary index the item is in (before or after) costs one more
//   write of its projected entry, two when the index key changes, none when the entry stays as it was;
// - a read is 1 unit per started 4 KB, half when eventually consistent; a Query or Scan rounds the sum
//   of the items it examined.
// The item before and after a write is read through a second client that is not counted.
import {
  type AttributeValue,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDbDocuments } from "../functions/adapters/dynamodb-documents.ts";

type Item = Record<string, AttributeValue>;

export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, "utf8");
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s, "utf8"), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + attributeValueSize(v), 0);
  if (value.M !== undefined) return 3 + Object.keys(value.M).length + itemSize(value.M);
  return 0;
}

function numberSize(text: string): number {
  const digits = text.replace(/^-/, "").replace(/e.*$/i, "").replace(".", "").replace(/^0+/, "");
  const significant = digits.replace(/0+$/, "").length;
  return significant === 0 ? 1 : Math.ceil(significant / 2) + 1;
}

const attributeTypes = new Set(["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"]);

/**
 * The size of an item a read returned: a DocumentClient's call hands the middleware its output
 * unmarshalled already (plain values), a DynamoDBClient's as attribute values.
 */
export function returnedItemSize(item: Record<string, unknown>): number {
  const marshalled = Object.values(item).every((value) => {
    if (typeof value !== "object" || value === null || value instanceof Uint8Array) return false;
    const types = Object.keys(value);
    return types.length === 1 && attributeTypes.has(types[0]!);
  });
  if (marshalled) return itemSize(item as Item);
  let size = 0;
  for (const [name, value] of Object.entries(item))
    if (value !== undefined) size += Buffer.byteLength(name, "utf8") + plainValueSize(value);
  return size;
}

/** attributeValueSize of a value as the DocumentClient unmarshalls it. */
function plainValueSize(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (typeof value === "number" || typeof value === "bigint") return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value === null || typeof value === "boolean") return 1;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + plainValueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + plainValueSize(v), 0);
  const entries = Object.entries(value as object).filter(([, v]) => v !== undefined);
  return (
    3 + entries.reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name, "utf8") + plainValueSize(v), 0)
  );
}

/** An item's size in bytes as DynamoDB bills it. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name, "utf8") + attributeValueSize(value);
  return size;
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

export type CapacityTotals = {
  readUnits: number;
  writeUnits: number;
  /** Of writeUnits, those spent on global secondary indexes. */
  indexWriteUnits: number;
  reads: number;
  writes: number;
  /** Size in bytes of each customer state item after each successful write (deletes excluded). */
  writtenItemBytes: number[];
};

export const emptyTotals = (): CapacityTotals => ({
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  reads: 0,
  writes: 0,
  writtenItemBytes: [],
});

export type Input = Record<string, unknown> & { TableName?: string; ConsistentRead?: boolean };

/**
 * Adds the counting middleware to `client` (and so to every DocumentClient made from it), a client of
 * a local endpoint (dynalite); a second client on that endpoint reads item sizes around each write.
 * `alsoInto` picks more totals to add a call to (e.g. those of the phase of a run it is made in).
 */
export async function countCapacity(
  client: DynamoDbDocuments,
  alsoInto?: (command: string, input: Input) => CapacityTotals | undefined,
) {
  const inspect = new DynamoDBClient({
    endpoint: client.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const totals = emptyTotals();
  const tables = new Map<string, Promise<TableDescription>>();
  const describe = (name: string) => {
    let table = tables.get(name);
    if (!table) {
      table = inspect.send(new DescribeTableCommand({ TableName: name })).then((out) => out.Table!);
      tables.set(name, table);
    }
    return table;
  };
  const keyOf = async (tableName: string, item: Item): Promise<Item> => {
    const table = await describe(tableName);
    return Object.fromEntries(
      (table.KeySchema ?? []).map((k) => [k.AttributeName!, item[k.AttributeName!]!]),
    );
  };
  const current = async (tableName: string, key: Item) =>
    (await inspect.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  /** Adds to the totals, and to those `alsoInto` picked for the call (`extra`). */
  const record = (
    extra: CapacityTotals | undefined,
    delta: {
      reads?: number;
      readUnits?: number;
      writeUnits?: number;
      indexWriteUnits?: number;
      bytes?: number;
    },
  ) => {
    for (const into of extra ? [totals, extra] : [totals]) {
      into.reads += delta.reads ?? 0;
      into.readUnits += delta.readUnits ?? 0;
      if (delta.writeUnits !== undefined) into.writes++;
      into.writeUnits += (delta.writeUnits ?? 0) + (delta.indexWriteUnits ?? 0);
      into.indexWriteUnits += delta.indexWriteUnits ?? 0;
      if (delta.bytes !== undefined) into.writtenItemBytes.push(delta.bytes);
    }
  };
  const recordWrite = async (
    extra: CapacityTotals | undefined,
    tableName: string,
    before: Item | undefined,
    after: Item | undefined,
    failed: boolean,
  ) =>
    record(extra, {
      writeUnits: writeUnits(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0)),
      // A write whose condition fails changes no index.
      indexWriteUnits: failed ? 0 : indexWriteUnits(await describe(tableName), before, after),
      // Sizes of customer state items only: receipts, index entries and markers are small and many.
      ...(after && !failed && after.state !== undefined ? { bytes: itemSize(after) } : {}),
    });

  const countWrite = async (
    extra: CapacityTotals | undefined,
    tableName: string,
    key: Item,
    write: () => Promise<unknown>,
  ) => {
    const before = await current(tableName, key);
    let failed = true;
    try {
      const output = await write();
      failed = false;
      return output;
    } finally {
      await recordWrite(extra, tableName, before, await current(tableName, key), failed);
    }
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Input;
      const command = context.commandName ?? "";
      const tableName = input.TableName ?? "";
      const extra = alsoInto?.(command, input);
      switch (command) {
        case "PutItemCommand": {
          const key = await keyOf(tableName, input.Item as Item);
          return (await countWrite(extra, tableName, key, () => next(args))) as Awaited<
            ReturnType<typeof next>
          >;
        }
        case "UpdateItemCommand":
        case "DeleteItemCommand":
          return (await countWrite(extra, tableName, input.Key as Item, () => next(args))) as Awaited<
            ReturnType<typeof next>
          >;
        case "BatchWriteItemCommand": {
          const requests = input.RequestItems as Record<
            string,
            { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]
          >;
          const befores = await Promise.all(
            Object.entries(requests).flatMap(([name, entries]) =>
              entries.map(async (entry) => {
                const key = entry.PutRequest
                  ? await keyOf(name, entry.PutRequest.Item)
                  : entry.DeleteRequest!.Key;
                return { name, key, before: await current(name, key) };
              }),
            ),
          );
          const output = await next(args);
          const unprocessed = (output.output as { UnprocessedItems?: Record<string, unknown[]> })
            .UnprocessedItems;
          if (unprocessed && Object.values(unprocessed).some((list) => list.length > 0))
            throw new Error("capacity counter: unprocessed batch items are not counted");
          for (const { name, key, before } of befores)
            await recordWrite(extra, name, before, await current(name, key), false);
          return output;
        }
        case "GetItemCommand": {
          const output = await next(args);
          const item = (output.output as { Item?: Item }).Item;
          record(extra, {
            reads: 1,
            readUnits: readUnits(item ? returnedItemSize(item) : 0, input.ConsistentRead === true),
          });
          return output;
        }
        case "BatchGetItemCommand": {
          // Each item is a read of its own, rounded up on its own.
          const output = await next(args);
          const requests = input.RequestItems as Record<string, { ConsistentRead?: boolean }>;
          const responses = (output.output as { Responses?: Record<string, Item[]> }).Responses ?? {};
          let units = 0;
          for (const [name, items] of Object.entries(responses))
            for (const item of items)
              units += readUnits(returnedItemSize(item), requests[name]?.ConsistentRead === true);
          record(extra, { reads: 1, readUnits: units });
          return output;
        }
        case "QueryCommand":
        case "ScanCommand": {
          const output = await next(args);
          // Every item the call examined is billed whole, also those its filter drops and the attributes
          // its projection leaves out: the counter sees only what is returned, so it may count a
          // filtered or projected Query or Scan cheaper than it is.
          const items = (output.output as { Items?: Item[] }).Items ?? [];
          const bytes = items.reduce((sum, item) => sum + returnedItemSize(item), 0);
          record(extra, { reads: 1, readUnits: readUnits(bytes, input.ConsistentRead === true) });
          return output;
        }
        case "DescribeTableCommand":
        case "CreateTableCommand":
          return next(args);
        default:
          throw new Error(`capacity counter: ${command} is not counted`);
      }
    },
    { step: "build", name: "benchCapacityCounter" },
  );
  return {
    totals,
    stop: () => {
      client.middlewareStack.remove("benchCapacityCounter");
      inspect.destroy();
    },
  };
}

/** Write units a write spends on the table's global secondary indexes. */
function indexWriteUnits(table: TableDescription, before: Item | undefined, after: Item | undefined): number {
  let units = 0;
  for (const index of table.GlobalSecondaryIndexes ?? []) {
    const keys = (index.KeySchema ?? []).map((k) => k.AttributeName!);
    const entry = (item: Item | undefined) => {
      if (!item || keys.some((k) => item[k] === undefined)) return undefined;
      const projection = index.Projection ?? { ProjectionType: "ALL" };
      if (projection.ProjectionType === "ALL") return item;
      const kept = new Set([
        ...keys,
        ...(table.KeySchema ?? []).map((k) => k.AttributeName!),
        ...(projection.ProjectionType === "INCLUDE" ? (projection.NonKeyAttributes ?? []) : []),
      ]);
      return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
    };
    const old = entry(before);
    const now = entry(after);
    if (!old && !now) continue;
    const same = (names: string[]) =>
      old && now && names.every((k) => JSON.stringify(old[k]) === JSON.stringify(now[k]));
    // An entry the write leaves as it was (keys and projected attributes) is not written.
    if (old && now && same([...new Set([...Object.keys(old), ...Object.keys(now)])])) continue;
    if (old && now && same(keys)) units += writeUnits(Math.max(itemSize(old), itemSize(now)));
    else units += (old ? writeUnits(itemSize(old)) : 0) + (now ? writeUnits(itemSize(now)) : 0);
  }
  return units;
}

/** The p-th percentile (0..100) of the values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
