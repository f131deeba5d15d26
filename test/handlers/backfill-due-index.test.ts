import { describe, expect, it } from "vitest";
import type { ScannedCustomer } from "../../functions/adapters/dynamodb-state-scan.ts";
import { loadCampaignDirectory } from "../../functions/campaign-files/load.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { backfillDueIndex } from "../../functions/use-cases/backfill-due-index.ts";
import { sweepDueAt } from "../../functions/use-cases/sweep.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";

const { campaigns, settings } = loadCampaignDirectory(CAMPAIGNS_DIR);
const compiled = compileCampaigns(campaigns, settings);
const NOW = Date.parse("2026-03-01T08:20:00Z");
const HOUR = 3_600_000;

describe("backfillDueIndex", () => {
  it("files a customer whose outbox holds claimed entries under this hour (the claim index is not set by it)", async () => {
    const claimed = emptyCustomerState("claimed");
    claimed.outbox.push({ kind: "start", id: "start|j", journeyId: "j", claimedAt: NOW - 2 * HOUR });
    const idle = emptyCustomerState("idle");
    const page: ScannedCustomer[] = [
      { customerId: "claimed", state: claimed, version: 3 },
      { customerId: "idle", state: idle, version: 1 },
    ];
    const filed = new Map<string, number>();
    const counts = await backfillDueIndex(
      compiled,
      {
        filedBefore: () =>
          async function* (segment) {
            if (segment === 0) yield page;
          },
        refile: async (customerId, _version, dueAt) => {
          filed.set(customerId, dueAt);
          return true;
        },
      },
      NOW,
    );
    expect(counts).toEqual({ read: 2, refiled: 2, skipped: 0 });
    expect(filed.get("claimed")).toBe(Date.parse("2026-03-01T08:00:00Z"));
    expect(filed.get("idle")).toBe(sweepDueAt(compiled, idle, NOW));
  });
});
