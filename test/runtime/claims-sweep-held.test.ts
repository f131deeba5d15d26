import { PublishCommand } from "@aws-sdk/client-sns";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { GetCommand } from "../../functions/adapters/dynamodb-documents.ts";
import { dynamoDbDueIndex } from "../../functions/adapters/dynamodb-due-index.ts";
import { dynamoDbStateScan } from "../../functions/adapters/dynamodb-state-scan.ts";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { type CompiledCampaigns, compileCampaigns } from "../../functions/core/engine/compile.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import type { RuntimeDeps } from "../../functions/runtime/customer-runner.ts";
import { MAX_INVOCATION_MS, sweepCampaign, sweepDueAt } from "../../functions/use-cases/sweep.ts";
import { sweepClaims } from "../../functions/use-cases/sweep-claims.ts";
import { ENV, useHandlerRuntime } from "../handlers/handler-runtime.ts";
import { heldSmsState } from "../support/held-sms.ts";

const rt = useHandlerRuntime();

/** The runtime's deps on other campaigns, its store filing customers as deployed with them. */
function depsFor(compiled: CompiledCampaigns): RuntimeDeps {
  return {
    ...rt.deps,
    compiled,
    store: new DynamoDbCustomerStateStore(rt.clients.dynamodb, ENV.STATE_TABLE, {
      dueAt: (state, filedDueAt) => sweepDueAt(compiled, state, rt.clock.now, filedDueAt),
      claimLapseMs: MAX_INVOCATION_MS,
    }),
  };
}

/** The sample's campaigns without those swept: every campaign event-triggered. */
function eventOnly(): CompiledCampaigns {
  const { compiled } = rt.deps;
  const swept = new Set(compiled.scheduleTriggers.map((bound) => bound.campaign.id));
  return compileCampaigns(
    [...compiled.campaigns.values()].filter((campaign) => !swept.has(campaign.id)),
    compiled.settings,
  );
}

/**
 * The claims' sweep of the hour of the clock on the due-time index (at most `catchUpHours` back), from
 * its recorded mark; `indexed: false`: scanning the table.
 */
function sweepOfClaims(deps: RuntimeDeps, { catchUpHours = 2, indexed = true } = {}) {
  const dueIndex = dynamoDbDueIndex(rt.clients.dynamodb, ENV.STATE_TABLE);
  return sweepClaims(
    {
      deps,
      scan: dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE),
      options: indexed ? { dueIndex, catchUpHours } : {},
    },
    { sweep: "claims" },
  );
}

/** The customer's item as stored: version and due time. */
async function filing(customerId: string) {
  const { Item } = await rt.clients.dynamodb.send(
    new GetCommand({ TableName: ENV.STATE_TABLE, Key: { customerId }, ConsistentRead: true }),
  );
  return { version: Item?.version as number, dueAt: Item?.dueAt as number | undefined };
}

/** Query calls to the table while `fn` runs. */
async function queriesDuring(fn: () => Promise<unknown>): Promise<number> {
  let queries = 0;
  const name = "countQueries";
  rt.clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "QueryCommand") queries++;
      return next(args);
    },
    { step: "initialize", name },
  );
  try {
    await fn();
  } finally {
    rt.clients.dynamodb.middlewareStack.remove(name);
  }
  return queries;
}

const smsSent = () => rt.mocks.sns.commandCalls(PublishCommand).length;

/**
 * A customer in Paris with a cart reminder SMS released to the outbox at 20:00 local on `day` and
 * deferred by quiet hours, saved at 22:00 local: it waits until 08:00 local the next day (07:00Z).
 */
async function heldSms(deps: RuntimeDeps, customerId: string, day: string) {
  const decided = Date.parse(`${day}T19:00:00Z`);
  rt.clock.now = Date.parse(`${day}T21:00:00Z`);
  const notBefore = decided + 12 * 3_600_000;
  await deps.store.save(heldSmsState(customerId, decided, notBefore), 0);
  return notBefore;
}

describe("outbox entries held without a claim, read by the claims' sweep", () => {
  it("with no swept campaign, an SMS deferred by quiet hours is sent once by the first hourly sweep after they end", async () => {
    const compiled = eventOnly();
    expect(compiled.scheduleTriggers).toEqual([]);
    expect(compiled.campaigns.has("cart-abandonment")).toBe(true);
    const deps = depsFor(compiled);
    rt.mocks.sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
    const notBefore = await heldSms(deps, "held1", "2026-03-02");
    for (let hour = Date.parse("2026-03-02T21:00:00Z"); hour < notBefore; hour += 3_600_000) {
      rt.clock.now = hour;
      expect(await sweepOfClaims(deps)).toMatchObject({ outcome: "claims swept", finished: 0, failed: 0 });
      expect(smsSent()).toBe(0);
    }
    // 07:00Z, 08:00 in Paris: quiet hours are over.
    rt.clock.now = notBefore;
    expect(await sweepOfClaims(deps)).toMatchObject({ filed: 1, finished: 1, failed: 0 });
    expect(smsSent()).toBe(1);
    // The hour's sweep again (a retried invocation), and the next hours' (the claim's lapse included).
    for (const at of [
      notBefore,
      notBefore + 3_600_000,
      notBefore + 2 * 3_600_000,
      notBefore + 3 * 3_600_000,
    ]) {
      rt.clock.now = at;
      expect(await sweepOfClaims(deps)).toMatchObject({ finished: 0, failed: 0 });
    }
    expect(smsSent()).toBe(1);
    const { state } = await deps.store.load("held1");
    expect(state.outbox).toEqual([]);
  }, 60_000);

  it("with no swept campaign, a held SMS whose time came while the claims' sweep was down is sent by its next run, read on from its mark", async () => {
    const deps = depsFor(eventOnly());
    rt.mocks.sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
    const notBefore = await heldSms(deps, "held3", "2026-03-06");
    await sweepOfClaims(deps, { catchUpHours: 48 });
    // Down from 22:00Z to 10:00Z: the hour it is filed under (07:00Z) is 3 hours back at 10:00Z.
    rt.clock.now = notBefore + 3 * 3_600_000;
    expect(await sweepOfClaims(deps, { catchUpHours: 48 })).toMatchObject({ filed: 1, finished: 1 });
    expect(smsSent()).toBe(1);
  }, 60_000);

  it("with no swept campaign, a customer filed earlier than its held SMS is due is filed again, and one with nothing held is left", async () => {
    const deps = depsFor(eventOnly());
    rt.mocks.sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
    const notBefore = await heldSms(deps, "held4", "2026-03-08");
    await deps.store.save(emptyCustomerState("idle4"), 0);
    // Filed early (as a write keeps an earlier filing), both under 21:00Z.
    const { refile } = dynamoDbDueIndex(rt.clients.dynamodb, ENV.STATE_TABLE);
    const filedAt = Date.parse("2026-03-08T21:00:00Z");
    for (const customerId of ["held4", "idle4"])
      await refile(customerId, (await filing(customerId)).version, filedAt);
    rt.clock.now = filedAt;
    expect(await sweepOfClaims(deps)).toMatchObject({ filed: 2, finished: 0, refiled: 0 });
    rt.clock.now = filedAt + 2 * 3_600_000;
    expect(await sweepOfClaims(deps)).toMatchObject({ filed: 2, finished: 0, refiled: 1 });
    expect(await filing("held4")).toMatchObject({ dueAt: notBefore });
    expect(await filing("idle4")).toMatchObject({ dueAt: filedAt });
    // Out of the window from then on: read no more.
    rt.clock.now = filedAt + 3 * 3_600_000;
    expect(await sweepOfClaims(deps)).toMatchObject({ filed: 0, refiled: 0 });
    expect(smsSent()).toBe(0);
    rt.clock.now = notBefore;
    expect(await sweepOfClaims(deps)).toMatchObject({ filed: 1, finished: 1 });
    expect(smsSent()).toBe(1);
  }, 60_000);

  it("with no swept campaign and no index, the scan finds a held SMS once its time has come", async () => {
    const deps = depsFor(eventOnly());
    rt.mocks.sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
    const notBefore = await heldSms(deps, "held5", "2026-03-10");
    rt.clock.now = notBefore - 3_600_000;
    expect(await sweepOfClaims(deps, { indexed: false })).toMatchObject({ finished: 0 });
    expect(smsSent()).toBe(0);
    rt.clock.now = notBefore;
    expect(await sweepOfClaims(deps, { indexed: false })).toMatchObject({ finished: 1 });
    expect(smsSent()).toBe(1);
  }, 60_000);

  it("with a swept campaign, the claims' sweep reads no customer's own filing: the campaign sweeps do", async () => {
    const deps = depsFor(rt.deps.compiled);
    const [campaignId] = rt.deps.compiled.scheduleTriggers.map((bound) => bound.campaign.id);
    expect(campaignId).toBeDefined();
    rt.mocks.sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
    const notBefore = await heldSms(deps, "held2", "2026-03-12");
    rt.clock.now = notBefore + 3_600_000;
    let outcome: unknown;
    // Its claims' window only: the 2 hours before its own, 8 shards each.
    expect(await queriesDuring(async () => (outcome = await sweepOfClaims(deps)))).toBe(16);
    expect(outcome).toMatchObject({ scanned: 0, filed: 0, finished: 0 });
    expect(smsSent()).toBe(0);
    const { dueIndex } = { dueIndex: dynamoDbDueIndex(rt.clients.dynamodb, ENV.STATE_TABLE) };
    expect(
      await sweepCampaign(
        deps,
        dynamoDbStateScan(rt.clients.dynamodb, ENV.STATE_TABLE),
        { campaignId },
        {
          dueIndex,
          catchUpHours: 2,
        },
      ),
    ).toMatchObject({ finished: 1 });
    expect(smsSent()).toBe(1);
  }, 60_000);
});
