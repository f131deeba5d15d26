import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { pruneState } from "../../functions/core/engine/prune.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { dataRecord, setOwn } from "../../functions/core/state/data-record.ts";
import { countExceeds, foreverLock, setCounted } from "../../functions/core/state/key-bounds.ts";
import { shippedEngineSettings } from "../support/scenario.ts";

/** A record whose key listings (Object.keys, values, entries, for…in) are counted. */
function watched(entries: number): { record: Record<string, number>; listings: () => number } {
  const target = dataRecord<number>();
  for (let i = 0; i < entries; i++) setOwn(target, `campaign-${i}|trigger:key-${i}`, -(1_000 + i));
  let listings = 0;
  const record = new Proxy(target, {
    ownKeys(record) {
      listings++;
      return Reflect.ownKeys(record);
    },
  });
  return { record, listings: () => listings };
}

describe("capped records' counts", () => {
  it("pruning lists the finished ids and locks only when entries were added, not on every change", () => {
    const compiled = compileCampaigns([], shippedEngineSettings());
    const state = emptyCustomerState("c-1");
    const finished = watched(100);
    const locks = watched(100);
    state.finished = finished.record;
    state.reentryLocks = locks.record;
    // Versions off the 16-change scan and the size backstop's every-4th measure: only the cap checks list.
    for (const version of [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15]) {
      state.version = version;
      pruneState(compiled, state, 2_000);
    }
    // Once for the count, once for the size backstop's first measure.
    expect(finished.listings()).toBeLessThanOrEqual(2);
    expect(locks.listings()).toBeLessThanOrEqual(2);
    setCounted<number>(state.reentryLocks, "campaign-new|trigger:key", -3_000, foreverLock);
    state.version = 17;
    pruneState(compiled, state, 3_000);
    expect(locks.listings()).toBeLessThanOrEqual(2);
  });

  it("says a record is over its cap exactly when counting its entries would, whatever was added or removed", () => {
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant("set" as const),
        key: fc.nat(30),
        value: fc.integer({ min: -5, max: 5 }),
      }),
      fc.record({ kind: fc.constant("delete" as const), key: fc.nat(30) }),
      fc.record({ kind: fc.constant("check" as const), limit: fc.nat(20) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const record = dataRecord<number>();
        for (const op of operations) {
          if (op.kind === "set") setCounted(record, `k${op.key}`, op.value, foreverLock);
          else if (op.kind === "delete") delete record[`k${op.key}`];
          else {
            const count = Object.values(record).filter(foreverLock).length;
            expect(countExceeds(record, op.limit, foreverLock)).toBe(count > op.limit);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
