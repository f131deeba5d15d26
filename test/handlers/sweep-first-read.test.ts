import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import type { FirstRead } from "../../functions/adapters/customer-state-store.ts";
import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import { sweepCampaign } from "../../functions/use-cases/sweep.ts";
import { customerSignedUp, orderPlaced } from "../support/events.ts";
import { ENV, useHandlerRuntime } from "./handler-runtime.ts";

const rt = useHandlerRuntime();

describe("the sweep's run for a customer something is due for", () => {
  it("reads the state eventually consistent first (it writes), and still sends once", async () => {
    rt.clock.now = Date.parse("2025-12-01T09:30:00Z");
    await rt.ingest({
      ...customerSignedUp("paris", "2025-11-01T12:00:00Z", { timezone: "Europe/Paris" }),
      id: "s",
    });
    // 90 local days after this order is win-back's day: 2026-03-01 at 10:00 in Paris, 09:00Z.
    await rt.ingest({
      ...orderPlaced("paris", "2025-12-01T09:30:00Z", { items: [{ productId: "p1", price: 30 }] }),
      id: "o",
    });

    const firstReads: (FirstRead | undefined)[] = [];
    const store = rt.deps.store;
    const deps: RuntimeDeps = {
      ...rt.deps,
      store: Object.assign(Object.create(Object.getPrototypeOf(store)), store, {
        update: ((customerId, fn, beforeWrite, options) => {
          firstReads.push(options?.firstRead);
          return store.update(customerId, fn, beforeWrite, options);
        }) as typeof store.update,
      }),
    };
    const scan = dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE);
    const sweep = (time: string) => {
      rt.clock.now = Date.parse(time);
      return sweepCampaign(deps, scan, { campaignId: "win-back" });
    };

    expect(await sweep("2026-03-01T08:00:02Z")).toMatchObject({ due: 0, messages: 0 });
    // The backstop's run for the order's performed email (nothing due) is left consistent: it mostly writes nothing.
    expect(firstReads).not.toContain("eventual");
    firstReads.length = 0;
    expect(await sweep("2026-03-01T09:00:02Z")).toMatchObject({ due: 1, applied: 1, messages: 1 });
    expect(firstReads).toEqual(["eventual"]);
    const winBack = () => rt.sentEmails().filter((email) => email.campaign === "win-back");
    expect(winBack()).toEqual([{ campaign: "win-back", customerId: "paris", to: "paris@example.com" }]);
    // Retried: the stored state remembers the hour's sweep, so nothing is due or sent again.
    expect(await sweep("2026-03-01T09:30:00Z")).toMatchObject({ due: 0, alreadyApplied: 1, messages: 0 });
    expect(winBack()).toHaveLength(1);
  });
});
