import { afterAll, beforeAll, beforeEach } from "vitest";
import { DynamoDbCustomerStateStore } from "../../functions/adapters/dynamodb-state-store.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { createTable, type LocalDynamoDb, startLocalDynamoDb } from "../adapters/local-dynamodb.ts";
import { shippedCampaign, shippedEngineSettings } from "../support/scenario.ts";

/** welcome (marketing) and order-confirmation (transactional) as shipped, with bodies rendered. */
export const runnerEngine = compileCampaigns(
  [shippedCampaign("welcome"), shippedCampaign("order-confirmation")],
  shippedEngineSettings(),
  { renderBodies: true },
);

const START = Date.parse("2026-03-01T08:00:05Z");

export type RunnerOnDynalite = { store: DynamoDbCustomerStateStore; readonly clock: { now: number } };

/**
 * The per-customer runner's CustomerState table on dynalite for a test file (its store is there once
 * beforeAll ran), and a clock set back to the same instant before each test.
 */
export function useRunnerOnDynalite(): RunnerOnDynalite {
  const runner = { clock: { now: START } } as RunnerOnDynalite;
  let db: LocalDynamoDb | undefined;
  beforeAll(async () => {
    db = await startLocalDynamoDb();
    await createTable(db.client, "customer-state", "customerId");
    runner.store = new DynamoDbCustomerStateStore(db.documents, "customer-state");
  });
  afterAll(async () => {
    await db?.stop();
  });
  beforeEach(() => {
    runner.clock.now = START;
  });
  return runner;
}
