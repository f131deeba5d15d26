import {
  type CustomerState,
  CustomerStateSchema,
  emptyCustomerState,
  type OutboxEntry,
} from "../core/state/customer-state.ts";
import { describeIssues } from "../core/validation/describe-issue.ts";
import type { FirstRead } from "./customer-state-store.ts";
import {
  CorruptStateError,
  type CustomerStateStore,
  type LoadedState,
  type SavedState,
  StateTooLargeError,
  type UpdateOutcome,
  VersionConflictError,
} from "./customer-state-store.ts";
import { type DynamoDbDocuments, GetCommand, PutCommand } from "./dynamodb-documents.ts";
import { dueIndexAttributes } from "./dynamodb-due-index.ts";
import { dynamoDbEffectReceipts, type EffectReceipts } from "./dynamodb-effect-receipts.ts";
import { isAwsError, translateAwsError } from "./errors.ts";
import { decodeStateAttribute, encodeStateJson } from "./state-item-codec.ts";

/** DynamoDB's item limit (400 KB, names included). */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

export type DynamoDbStateStoreOptions = {
  /** Tries of update() before a conflict is handed back as retryable (default 5). */
  maxAttempts?: number;
  /** Refuse to write a larger item (default the DynamoDB limit). */
  maxItemBytes?: number;
  /**
   * When the sweep should next read this customer (undefined: never): written with the state, in the
   * same conditional put, as the due-time index's attributes (dynamodb-due-index.ts). `filedDueAt` is
   * the due time the item was filed under when `state` was loaded (undefined for a state not loaded).
   */
  dueAt?: (state: CustomerState, filedDueAt: number | undefined) => number | undefined;
  /**
   * With `dueAt`: how long after its claim an outbox entry's claimant is taken to have stopped. A write
   * that leaves a claim in the outbox whose lapse is before the customer's due time files the claim's
   * receipt in the due-time index at its lapse first (dynamodb-effect-receipts.ts, `file`): the sweep's
   * backstop for it, without filing the state item early (a move of its index entry, and another when
   * the next write files it back).
   */
  claimLapseMs?: number;
};

/**
 * CustomerStateStore on one table keyed by `customerId`: the item is `{ customerId, version, state }`,
 * `state` the CustomerState as compressed JSON (state-item-codec.ts). Why JSON rather than a map, and
 * compressed: docs/architecture.md, "The stored item". Performed outbox entries are recorded in
 * receipts in the same table (dynamodb-effect-receipts.ts) and left out of the states it loads.
 */
export class DynamoDbCustomerStateStore implements CustomerStateStore {
  private readonly maxAttempts: number;
  private readonly maxItemBytes: number;
  private readonly dueAt: DynamoDbStateStoreOptions["dueAt"];
  private readonly claimLapseMs: number | undefined;
  /** The due time each loaded state's item was filed under, for the save that writes it back. */
  private readonly filedDueAt = new WeakMap<CustomerState, number>();
  private readonly receipts: EffectReceipts;

  constructor(
    private readonly client: DynamoDbDocuments,
    private readonly tableName: string,
    options: DynamoDbStateStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxItemBytes = options.maxItemBytes ?? DYNAMODB_MAX_ITEM_BYTES;
    this.dueAt = options.dueAt;
    this.claimLapseMs = options.claimLapseMs;
    this.receipts = dynamoDbEffectReceipts(client, tableName);
  }

  /**
   * The state without its performed entries (their receipts read): what the engine would act on.
   * `readReceipts: false`: the item as stored, its outbox perhaps still holding performed entries
   * (update() reads their receipts only before a write).
   */
  async load(customerId: string, { readReceipts = true, consistent = true } = {}): Promise<LoadedState> {
    const loaded = await this.loadItem(customerId, consistent);
    if (!readReceipts) return loaded;
    const performed = await this.performedOf(customerId, loaded.state.outbox);
    if (performed.size === 0) return loaded;
    loaded.state.outbox = loaded.state.outbox.filter((entry) => !performed.has(entry.id));
    return { ...loaded, performed: [...performed] };
  }

  /**
   * The item as stored: its outbox may still hold performed entries. `consistent: false`, an eventually
   * consistent read (half the read units), may miss the latest write.
   */
  private async loadItem(customerId: string, consistent: boolean): Promise<LoadedState> {
    let item: Record<string, unknown> | undefined;
    try {
      const output = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { customerId }, ConsistentRead: consistent }),
      );
      item = output.Item;
    } catch (error) {
      throw translateAwsError(error, "DynamoDB GetItem (customer state)");
    }
    if (!item) return { state: emptyCustomerState(customerId), version: 0, itemBytes: 0 };
    const loaded = parseStoredItem(customerId, item);
    if (typeof item.dueAt === "number") this.filedDueAt.set(loaded.state, item.dueAt);
    return loaded;
  }

  /** Which of these entries have a receipt. Claim time 0 (released, or never claimed): not performed. */
  private performedOf(customerId: string, entries: readonly OutboxEntry[]): Promise<Set<string>> {
    const claimed = entries.filter((entry) => entry.claimedAt !== 0);
    return claimed.length === 0 ? Promise.resolve(new Set()) : this.receipts.performed(customerId, claimed);
  }

  async recordPerformed(
    customerId: string,
    claimedAt: number,
    entryIds: readonly string[],
    now: number,
    options: { completesClaim?: boolean } = {},
  ): Promise<void> {
    await this.receipts.record(customerId, claimedAt, entryIds, now, options.completesClaim === true);
  }

  async settleClaim(customerId: string, claimedAt: number): Promise<void> {
    await this.receipts.settle(customerId, claimedAt);
  }

  async save(state: CustomerState, expectedVersion: number): Promise<SavedState> {
    const version = expectedVersion + 1;
    const encoded = encodeStateJson(JSON.stringify({ ...state, version }));
    const itemBytes = stateItemBytes(state.customerId, version, encoded);
    if (itemBytes > this.maxItemBytes)
      throw new StateTooLargeError(state.customerId, itemBytes, this.maxItemBytes);
    const dueAt = this.dueAt?.(state, this.filedDueAt.get(state));
    await this.fileClaims(state, dueAt);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            customerId: state.customerId,
            version,
            state: encoded,
            ...(this.dueAt && dueIndexAttributes(state.customerId, dueAt)),
          },
          ...(expectedVersion === 0
            ? { ConditionExpression: "attribute_not_exists(customerId)" }
            : {
                ConditionExpression: "#v = :expected",
                ExpressionAttributeNames: { "#v": "version" },
                ExpressionAttributeValues: { ":expected": expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (isAwsError(error, "ConditionalCheckFailedException"))
        throw new VersionConflictError(state.customerId, expectedVersion);
      throw translateAwsError(error, "DynamoDB PutItem (customer state)");
    }
    state.version = version;
    return { version, itemBytes };
  }

  /**
   * Before a write: every claim the state will hold whose lapse comes before the customer's due time
   * (`dueAt`) gets its backstop, the claim's receipt filed at the lapse. Before the write, so that no
   * stored claim is without one; a claim whose write then fails leaves a filing the sweep reads for
   * nothing. Claims held by another run are filed again (idempotent): this write may file the customer
   * later than the write that claimed them did.
   */
  private async fileClaims(state: CustomerState, dueAt: number | undefined): Promise<void> {
    if (this.dueAt === undefined || this.claimLapseMs === undefined) return;
    for (const claimedAt of new Set(state.outbox.map((entry) => entry.claimedAt))) {
      if (claimedAt === 0) continue;
      const lapseAt = claimedAt + this.claimLapseMs;
      if (dueAt === undefined || dueAt > lapseAt)
        await this.receipts.file(state.customerId, claimedAt, lapseAt);
    }
  }

  async update<T>(
    customerId: string,
    fn: (state: CustomerState) => T,
    beforeWrite?: () => Promise<void>,
    options: { firstRead?: FirstRead } = {},
  ): Promise<UpdateOutcome<T>> {
    // An eventually consistent first read (half the read units) may miss the latest write: a write from
    // it fails its version check, and "nothing to write" from it is read again, consistently, before it
    // is believed (unless "lagging"). After a conflict the reads are consistent.
    const firstRead = options.firstRead ?? "consistent";
    let consistent = firstRead === "consistent";
    for (let attempt = 1; ; ) {
      const loaded = await this.load(customerId, { readReceipts: false, consistent });
      const unconfirmed = !consistent && firstRead !== "lagging";
      const before = JSON.stringify(loaded.state);
      // The entries the item holds with their claims as loaded (fn may take some over).
      const held = loaded.state.outbox.map(({ id, claimedAt }) => ({ id, claimedAt })) as OutboxEntry[];
      const result = fn(loaded.state);
      if (!(await this.leftToWrite(customerId, loaded.state, before, held))) {
        if (unconfirmed) {
          consistent = true;
          continue;
        }
        return { result, ...loaded, saved: false, attempts: attempt };
      }
      await beforeWrite?.();
      try {
        const saved = await this.save(loaded.state, loaded.version);
        return { result, state: loaded.state, ...saved, saved: true, attempts: attempt };
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= this.maxAttempts) throw error;
        attempt++;
        consistent = true;
      }
    }
  }

  /**
   * Whether what `fn` did to `state` (loaded as `before`) is worth a write. Before a write, the entries
   * performed since their claim (receipts) leave the state: a run that took one over does not perform
   * it again, and the write removes them from the item.
   */
  private async leftToWrite(
    customerId: string,
    state: CustomerState,
    before: string,
    held: OutboxEntry[],
  ): Promise<boolean> {
    // Compared after fn: a call that changed nothing (a stale wake-up, a duplicate) writes nothing,
    // and reads no receipt.
    if (JSON.stringify(state) === before) return false;
    const performed = await this.performedOf(customerId, held);
    state.outbox = state.outbox.filter((entry) => !performed.has(entry.id));
    const unchanged = JSON.parse(before) as CustomerState;
    unchanged.outbox = unchanged.outbox.filter((entry) => !performed.has(entry.id));
    // Only performed entries taken over, or none changed: nothing to write.
    return JSON.stringify(state) !== JSON.stringify(unchanged);
  }
}

/** A stored item `{ customerId, version, state }` read back; throws CorruptStateError if it is not one. */
export function parseStoredItem(customerId: string, item: Record<string, unknown>): LoadedState {
  const { version, state: stored } = item;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1)
    throw new CorruptStateError(customerId, [{ path: "version", expected: "a positive integer" }]);
  const json = decodeStateAttribute(stored);
  if (json === undefined)
    throw new CorruptStateError(customerId, [
      { path: "state", expected: "compressed JSON or a JSON string" },
    ]);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CorruptStateError(customerId, [{ path: "state", expected: "valid JSON" }]);
  }
  const parsed = CustomerStateSchema.safeParse(raw);
  if (!parsed.success) throw new CorruptStateError(customerId, describeIssues(parsed.error, ["state"]));
  if (parsed.data.customerId !== customerId)
    throw new CorruptStateError(customerId, [
      { path: "state.customerId", expected: "the item's customerId" },
    ]);
  // The `version` attribute is what the conditional write checks: it wins over the copy in the JSON.
  parsed.data.version = version;
  return {
    state: parsed.data,
    version,
    itemBytes: stateItemBytes(customerId, version, stored as string | Uint8Array),
  };
}

/**
 * The item's size as DynamoDB counts it: UTF-8 bytes of names and strings, a number as one byte per
 * two significant digits plus one.
 */
export function stateItemBytes(customerId: string, version: number, state: string | Uint8Array): number {
  const numberBytes = Math.ceil(String(version).length / 2) + 1;
  return (
    "customerId".length +
    Buffer.byteLength(customerId) +
    "version".length +
    numberBytes +
    "state".length +
    (typeof state === "string" ? Buffer.byteLength(state) : state.byteLength)
  );
}
