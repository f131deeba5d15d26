import {
  BatchGetCommand,
  type DynamoDbDocuments,
  GetCommand,
} from "../../functions/adapters/dynamodb-documents.ts";
import { receiptKey } from "../../functions/adapters/dynamodb-effect-receipts.ts";
import { type ScannedCustomer, scannedCustomer } from "../../functions/adapters/dynamodb-state-scan.ts";
import type { CompiledCampaigns } from "../../functions/core/engine/compile.ts";
import { type Occurrence, scheduleOccurrences } from "../../functions/core/engine/schedule.ts";
import type { CustomerState } from "../../functions/core/state/customer-state.ts";
import { MAX_INVOCATION_MS } from "../../functions/use-cases/sweep.ts";

const DAY_MS = 24 * 3_600_000;
const BATCH_GET_KEYS = 100;

type Known = {
  /** Undefined when the sweep could not parse the item either. */
  state: CustomerState | undefined;
  /** The due time the item is filed under. */
  dueAt?: number;
  /** The customer's scheduled occurrences of one virtual day (the day starting at `day`). */
  day?: number;
  occurrences?: readonly Occurrence[];
};

/**
 * The customers an hour's sweep of a campaign can act on, as the due-time index of issue 9 will give
 * them: those with an occurrence of the campaign in the hour (the core's own `scheduleOccurrences`,
 * which the sweep decides on), those with a released outbox entry, and those with a lapsed claim still
 * filed (claimFiled: the backstop). The sweep skips
 * every other customer without writing it (`sweepCustomer`: nothing due, no leftovers), so sweeping
 * only these is the same run; reading the whole table every hour for every campaign is what made a
 * 50,000-event run quadratic (1,944 hours x 7 campaigns x every customer). States are read back from
 * the table (BatchGet) for the customers written since the last sweep, never taken from a write's input.
 */
export class DueCustomers {
  private readonly known = new Map<string, Known>();
  private readonly written = new Set<string>();

  constructor(
    private readonly compiled: CompiledCampaigns,
    private readonly documents: DynamoDbDocuments,
    private readonly table: string,
  ) {}

  /** A write of the customer's item was attempted: read it again before the next sweep. */
  wrote(customerId: string): void {
    this.written.add(customerId);
  }

  /** The stored items of the customers the campaign's sweep of [from, from + 1 h) may act on, by id. */
  async due(campaignId: string, from: number, to: number): Promise<ScannedCustomer[]> {
    await this.refresh();
    const due: ScannedCustomer[] = [];
    for (const [customerId, known] of this.known)
      if (this.mayAct(known, campaignId, from, to) || (await this.claimFiled(customerId, known, to)))
        due.push({ customerId, state: known.state });
    return due.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  }

  private mayAct(known: Known, campaignId: string, from: number, to: number): boolean {
    const state = known.state;
    if (state === undefined || state.outbox.some((entry) => entry.claimedAt === 0)) return true;
    const day = Math.floor(from / DAY_MS) * DAY_MS;
    if (known.day !== day || !known.occurrences) {
      // A whole day at once (as the simulator sweeps), then the hour's part of it.
      known.occurrences = scheduleOccurrences(this.compiled, structuredClone(state), day, day + DAY_MS);
      known.day = day;
    }
    return known.occurrences.some((o) => o.campaignId === campaignId && o.at >= from && o.at < to);
  }

  /**
   * A claim is the sweep's once it lapses, while filed as the index files it: its receipt at the lapse
   * (settled when the claim completes: the filing stays, the sweep passes it over), or the customer
   * itself at the lapse or before. Performed entries stay in the item until its next write: not read
   * every hour. Listed for every campaign (the index lists it for the claims' sweep only): a superset.
   */
  private async claimFiled(customerId: string, known: Known, to: number): Promise<boolean> {
    for (const claimedAt of new Set(known.state?.outbox.map((entry) => entry.claimedAt) ?? [])) {
      const lapseAt = claimedAt + MAX_INVOCATION_MS;
      if (claimedAt === 0 || lapseAt >= to) continue;
      if (known.dueAt !== undefined && known.dueAt <= lapseAt) return true;
      const { Item } = await this.documents.send(
        new GetCommand({
          TableName: this.table,
          Key: { customerId: receiptKey(customerId, claimedAt) },
          ConsistentRead: true,
        }),
      );
      if (typeof Item?.dueAt === "number" && Item.settled !== true) return true;
    }
    return false;
  }

  private async refresh(): Promise<void> {
    const ids = [...this.written].sort();
    this.written.clear();
    for (let i = 0; i < ids.length; i += BATCH_GET_KEYS) {
      let keys: Record<string, unknown>[] | undefined = ids
        .slice(i, i + BATCH_GET_KEYS)
        .map((customerId) => ({ customerId }));
      while (keys && keys.length > 0) {
        const output = await this.documents.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of output.Responses?.[this.table] ?? [])
          if (typeof item.customerId === "string") {
            const { state, dueAt } = scannedCustomer(item.customerId, item);
            this.known.set(item.customerId, { state, ...(dueAt !== undefined ? { dueAt } : {}) });
          }
        keys = output.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
  }
}
