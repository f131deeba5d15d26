// What the state items the bench's AWS run writes are made of, faster than the whole bench: the run of
// bench/aws-costs.ts (one customer in `every` of examples/shop.jsonl, 40 as BENCH_QUICK, 4 as the full
// bench), with every state put captured: write units per put, a histogram of item sizes, the bytes by
// attribute, the state's JSON size, how each put moved the due-time index entry, units by phase.
// `node --import tsx bench/state-items.ts [every] [states.jsonl]`: the second argument gets each
// state's JSON, one a line, to try encodings on.
import "../test/setup.ts";
import { writeFileSync } from "node:fs";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDbDocuments,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "../functions/adapters/dynamodb-documents.ts";
import { SWEPT_MARKER_PREFIX } from "../functions/adapters/dynamodb-due-index.ts";
import { RECEIPT_PREFIX } from "../functions/adapters/dynamodb-effect-receipts.ts";
import { parseStoredItem } from "../functions/adapters/dynamodb-state-store.ts";
import { decodeStateAttribute } from "../functions/adapters/state-item-codec.ts";
import { DUE_HORIZON, nextDueAt } from "../functions/core/engine/due.ts";
import type { CustomerState } from "../functions/core/state/customer-state.ts";
import { bundledCampaigns } from "../functions/runtime/bundled-campaigns.ts";
import { sweepDueAt } from "../functions/use-cases/sweep.ts";
import { returnedItemSize } from "./capacity-counter.ts";

process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED = "true";
process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";

const written: Record<string, unknown>[] = [];
/** The phase (aws-costs.ts) each captured put, receipt and refile was made in. */
const putPhases: string[] = [];
let phaseNow: () => string | undefined = () => undefined;
const receiptsByPhase: Record<string, number> = {};
const refilesByPhase: Record<string, number> = {};
const tally = (into: Record<string, number>, key: string) => {
  into[key] = (into[key] ?? 0) + 1;
};
let receiptWrites = 0;
let timeNow: () => number | undefined = () => undefined;
const HOUR_MS = 3_600_000;
/**
 * Why a customer is filed under its due time: "keptEarly" (dueAtToFile kept an earlier filed time), the
 * outbox backstop ("outbox"), the campaign whose trigger's first possible occurrence it is, or "horizon".
 */
function filingCause(state: CustomerState, dueAt: number | undefined, now: number): string {
  const compiled = bundledCampaigns();
  const fresh = sweepDueAt(compiled, state, now);
  if (dueAt === undefined || fresh === undefined) return "none";
  if (dueAt < fresh) return "keptEarly";
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  if (compiled.scheduleTriggers.length === 0 || dueAt < nextDueAt(compiled, state, hour)) return "outbox";
  for (const bound of compiled.scheduleTriggers)
    if (nextDueAt({ ...compiled, scheduleTriggers: [bound] }, state, hour) === dueAt)
      return dueAt === hour + DUE_HORIZON ? "horizon" : bound.campaign.id;
  return "other";
}
/** Each customer's filing: its due time, why, and the state it was filed with (for a refile's cause). */
const filings = new Map<string, { dueAt: number | undefined; cause: string; state: CustomerState }>();
/** Refiles by the cause of the filing they replace; the gap between filing and refile in hours. */
const refilesByCause: Record<string, number> = {};
const refileHoursAfterFiled: Record<string, number> = {};
/** Outbox-backstop filings (a claim) by how far the customer's next trigger due time was, in hours. */
const claimFilingsByGap: Record<string, number> = {};
/** Claims filed under their receipt's key at their lapse, and filings settled, by phase. */
const claimFilings: Record<string, number> = {};
/**
 * What each sweep put was for: the campaign swept, the cause of the filing the customer was found under,
 * what the run decided (the audit events it published: a send, a suppression and its reason, a workflow
 * start), and how many days on the customer was filed.
 */
type SweepPut = { filedFor: string; did: string[]; daysToNext: number };
const sweepPuts = new Map<string, SweepPut>();
const sweepPutRecords: SweepPut[] = [];
/** The sweep's reads of customers, by kind (the index's Queries and the marker are its fixed cost). */
const sweepReadCalls: Record<string, number> = {};
const interestPuts: { productId: string; customerId: string; expiresAt: number }[] = [];
const send = DynamoDbDocuments.prototype.send;
DynamoDbDocuments.prototype.send = function (this: DynamoDbDocuments, command: unknown, ...rest: never[]) {
  if (command instanceof PutCommand && command.input.TableName === "customer-state" && command.input.Item) {
    written.push(command.input.Item);
    putPhases.push(phaseNow() ?? "none");
    const item = command.input.Item;
    const id = String(item.customerId);
    const { state } = parseStoredItem(id, item);
    const now = timeNow() ?? 0;
    const dueAt = typeof item.dueAt === "number" ? item.dueAt : undefined;
    const cause = filingCause(state, dueAt, now);
    if (cause === "outbox" && dueAt !== undefined) {
      const compiled = bundledCampaigns();
      const hours = (nextDueAt(compiled, state, Math.floor(now / HOUR_MS) * HOUR_MS) - dueAt) / HOUR_MS;
      tally(claimFilingsByGap, hours < 2 ? "<2h" : hours < 24 ? "<24h" : hours < 168 ? "<7d" : ">=7d");
    }
    if (phaseNow() === "sweep") {
      const before = filings.get(id);
      const campaign = state.appliedEvents.findLast((e) => e.startsWith("sweep:"))?.split(":")[1] ?? "none";
      sweepPuts.set(id, {
        filedFor: `${campaign} filed for ${before?.cause ?? "unknown"}`,
        did: state.outbox.some((e) => e.kind === "start" && e.claimedAt !== 0) ? ["workflow"] : [],
        daysToNext: dueAt === undefined ? -1 : Math.round((dueAt - now) / 86_400_000),
      });
      sweepPutRecords.push(sweepPuts.get(id)!);
    }
    filings.set(id, { dueAt, cause, state });
  }
  const key = String((command as { input?: { Key?: { customerId?: unknown } } }).input?.Key?.customerId);
  if (
    command instanceof UpdateCommand &&
    command.input.TableName === "customer-state" &&
    command.input.UpdateExpression?.includes("dueBucket") &&
    !key.startsWith(RECEIPT_PREFIX)
  ) {
    tally(refilesByPhase, phaseNow() ?? "none");
    const id = String(command.input.Key?.customerId);
    const filing = filings.get(id);
    const newDueAt = command.input.ExpressionAttributeValues?.[":at"] as number;
    if (filing) {
      tally(refilesByCause, filing.cause);
      const hours = filing.dueAt === undefined ? -1 : Math.round(((timeNow() ?? 0) - filing.dueAt) / HOUR_MS);
      tally(refileHoursAfterFiled, String(hours));
      filings.set(id, {
        dueAt: newDueAt,
        cause: `refile:${filingCause(filing.state, newDueAt, timeNow() ?? 0)}`,
        state: filing.state,
      });
    } else tally(refilesByCause, "unknown");
  }
  // A receipt: performed outbox entries recorded in an item of their own, not by a write of the state.
  // The same item filed for a claim's lapse, or settled without a record: a claim filing.
  if (command instanceof UpdateCommand && key.startsWith(RECEIPT_PREFIX)) {
    const expression = command.input.UpdateExpression ?? "";
    if (expression.includes("ADD ids")) {
      receiptWrites++;
      tally(receiptsByPhase, phaseNow() ?? "none");
    }
    if (expression.includes("SET dueBucket")) tally(claimFilings, `filed:${phaseNow() ?? "none"}`);
    else if (expression.includes("settled"))
      tally(
        claimFilings,
        `${expression.includes("ADD ids") ? "settledByReceipt" : "settled"}:${phaseNow() ?? "none"}`,
      );
  }
  // The sweep's reads of customers: states found in the index (eventually consistent), each run's first
  // read of the state, the receipts read before a write. Its marker's reads are its fixed cost.
  if (phaseNow() === "sweep" && command instanceof BatchGetCommand)
    sweepReadCalls.batchGetKeys =
      (sweepReadCalls.batchGetKeys ?? 0) +
      (command.input.RequestItems?.["customer-state"]?.Keys?.length ?? 0);
  if (phaseNow() === "sweep" && command instanceof GetCommand && !key.startsWith(SWEPT_MARKER_PREFIX))
    tally(
      sweepReadCalls,
      `get${key.startsWith(RECEIPT_PREFIX) ? "Receipt" : "State"}:${command.input.ConsistentRead ? "consistent" : "eventual"}`,
    );
  if (command instanceof BatchWriteCommand)
    for (const request of command.input.RequestItems?.["interest-index"] ?? [])
      if (request.PutRequest?.Item)
        interestPuts.push(request.PutRequest.Item as (typeof interestPuts)[number]);
  return (send as (...args: unknown[]) => unknown).call(this, command, ...rest);
} as typeof send;

const { measureAwsCosts, currentPhase, currentTime, onAuditEvent } = await import("./aws-costs.ts");
phaseNow = currentPhase;
timeNow = currentTime;
// A run publishes its audit events after its put: they belong to the customer's last sweep put.
onAuditEvent((entry) => {
  if (phaseNow() !== "sweep" || entry.DetailType?.startsWith("journey.")) return;
  const detail = JSON.parse(entry.Detail ?? "{}") as { customerId?: string; reason?: string };
  const put = sweepPuts.get(String(detail.customerId));
  if (!put) return;
  put.did.push(detail.reason ? `suppressed:${detail.reason}` : String(entry.DetailType));
});
const every = Number(process.argv[2] ?? 40);
const counts = await measureAwsCosts({
  customerEvery: every,
  // The hourly sweeps run through the stream and the 30 days after it, as deployed, the hours whose window
  // holds no one skipped; SWEEP_ALL_HOURS=1 sweeps those too (slow: to check the skip changes nothing).
  sweepAllHours: process.env.SWEEP_ALL_HOURS === "1",
});

// The hook above must see the adapters' client: a run that captured no put measured nothing.
if (written.length === 0)
  throw new Error("no state put was captured: does the hook patch the adapters' client?");
const sizes = written.map(returnedItemSize);
const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const histogram = new Map<number, number>();
for (const size of sizes)
  histogram.set(Math.floor(size / 256) * 256, (histogram.get(Math.floor(size / 256) * 256) ?? 0) + 1);
const byAttribute = new Map<string, number>();
for (const item of written)
  for (const [name, value] of Object.entries(item))
    byAttribute.set(name, (byAttribute.get(name) ?? 0) + returnedItemSize({ [name]: value }));
const jsons = written.map((item) => decodeStateAttribute(item.state)!);
if (process.argv[3]) writeFileSync(process.argv[3], `${jsons.join("\n")}\n`);
// How each put moved the customer's entry in the due-time index (a move is a delete and a put there).
const filed = new Map<string, unknown>();
const indexMoves: Record<string, number> = { first: 0, kept: 0, earlier: 0, later: 0, removed: 0 };
// By phase and cause: "claim" files the outbox backstop (an entry's claim + 15 min decides dueAt),
// "fromClaim" leaves a time a claim filed.
const STALE_CLAIM_MS = 15 * 60_000;
const filedByClaim = new Map<string, boolean>();
const movesByPhase: Record<string, Record<string, number>> = {};
const putUnitsByPhase: Record<string, number> = {};
for (const [index, item] of written.entries()) {
  const id = String(item.customerId);
  const [before, after] = [filed.get(id), item.dueAt];
  filed.set(id, after);
  const state = JSON.parse(jsons[index]!) as { outbox: { claimedAt: number }[] };
  const byClaim =
    typeof after === "number" &&
    state.outbox.some((entry) => entry.claimedAt !== 0 && after <= entry.claimedAt + STALE_CLAIM_MS);
  const wasByClaim = filedByClaim.get(id) === true;
  filedByClaim.set(id, after === before ? wasByClaim : byClaim);
  const phaseOfPut = putPhases[index]!;
  putUnitsByPhase[phaseOfPut] = (putUnitsByPhase[phaseOfPut] ?? 0) + units(sizes[index]!);
  const cause =
    before === undefined
      ? `first${byClaim ? ":claim" : ""}`
      : after === before
        ? "kept"
        : `${after === undefined ? "removed" : (after as number) < (before as number) ? "earlier" : "later"}${
            byClaim ? ":claim" : wasByClaim ? ":fromClaim" : ""
          }`;
  movesByPhase[phaseOfPut] ??= {};
  tally(movesByPhase[phaseOfPut], cause);
  const move =
    before === undefined
      ? "first"
      : after === undefined
        ? "removed"
        : after === before
          ? "kept"
          : (after as number) < (before as number)
            ? "earlier"
            : "later";
  indexMoves[move]!++;
}
// Interest-index puts that only move the expiry of an entry written less than a day before.
const lastExpiry = new Map<string, number>();
let interestRefreshedWithinADay = 0;
for (const { productId, customerId, expiresAt } of interestPuts) {
  const key = `${customerId} ${productId}`;
  const last = lastExpiry.get(key);
  if (last !== undefined && expiresAt - last < 86_400) interestRefreshedWithinADay++;
  lastExpiry.set(key, expiresAt);
}
function tallied(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) tally(counts, key);
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sorted = [...sizes].sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      puts: written.length,
      writeUnitsOfPuts: sizes.reduce((sum, size) => sum + units(size), 0),
      unitsPerPut: mean(sizes.map(units)),
      itemBytes: {
        p50: sorted[Math.floor(sorted.length / 2)],
        p90: sorted[Math.floor(sorted.length * 0.9)],
        mean: mean(sizes),
      },
      histogram256: Object.fromEntries([...histogram].sort((a, b) => a[0] - b[0])),
      meanBytesByAttribute: Object.fromEntries(
        [...byAttribute].map(([n, b]) => [n, Math.round(b / written.length)]),
      ),
      indexMoves,
      movesByPhase,
      putsByPhase: Object.fromEntries(
        [...new Set(putPhases)].map((p) => [p, putPhases.filter((q) => q === p).length]),
      ),
      putUnitsByPhase,
      receiptsByPhase,
      refilesByPhase,
      refilesByCause,
      refileHoursAfterFiled,
      claimFilingsByGap,
      receiptWrites,
      sweepReadCalls,
      sweepPutsByCause: tallied(
        sweepPutRecords.map(
          (put) => `${put.filedFor}: ${put.did.sort().join("+") || "journey only, no message"}`,
        ),
      ),
      sweepPutsDaysToNextDue: tallied(sweepPutRecords.map((put) => String(put.daysToNext))),
      claimFilings,
      interestPuts: interestPuts.length,
      interestRefreshedWithinADay,
      meanStateJsonBytes: mean(jsons.map((j) => Buffer.byteLength(j))),
      customerEventWriteUnits: counts.dynamodb.customerEvent.writeUnits / counts.events.customer,
      byPhase: counts.dynamodb,
      events: counts.events,
      lambda: counts.lambda,
      journeys: counts.stepFunctions,
      sweep: counts.sweep,
      seconds: counts.seconds,
    },
    null,
    1,
  ),
);
process.exit(0);
