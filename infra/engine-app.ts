import { join } from "node:path";
import type { App } from "aws-cdk-lib";
import { writeBundledCampaigns } from "./bundled-campaigns.ts";
import { loadCampaignSummaries } from "./campaign-config.ts";
import { EngineStack } from "./engine-stack.ts";

export const ENGINE_STACK_ID = "Engage";

/** Context keys (defaults in cdk.json; override with `cdk synth -c engage:fromAddress=...`). */
export const CONTEXT_KEYS = {
  fromAddress: "engage:fromAddress",
  sesIdentity: "engage:sesIdentity",
  alarmEmail: "engage:alarmEmail",
  unsubscribeConcurrency: "engage:unsubscribeConcurrency",
} as const;

/**
 * The public unsubscribe URL takes unauthenticated requests: a flood of them must not take the
 * account's whole Lambda concurrency (and with it ingest and the journeys). Mail providers post one
 * request per unsubscribe; a few concurrent executions serve a large list.
 */
export const DEFAULT_UNSUBSCRIBE_CONCURRENCY = 10;

export interface EngineAppOptions {
  readonly projectRoot: string;
  /** Defaults to <projectRoot>/campaigns. */
  readonly campaignsDir?: string;
}

/**
 * Validates the campaign files (throws CampaignFilesError) into the one file every function ships, then
 * adds the engine stack to the app.
 */
export function addEngineStack(app: App, options: EngineAppOptions): EngineStack {
  const campaignsDir = options.campaignsDir ?? join(options.projectRoot, "campaigns");
  const campaigns = loadCampaignSummaries(campaignsDir);
  return new EngineStack(app, ENGINE_STACK_ID, {
    description: "engage: serverless trigger-campaign engine (EventBridge, Lambda, Step Functions, SES, SNS)",
    fromAddress: requiredContext(app, CONTEXT_KEYS.fromAddress),
    sesIdentity: requiredContext(app, CONTEXT_KEYS.sesIdentity),
    alarmEmail: optionalContext(app, CONTEXT_KEYS.alarmEmail),
    unsubscribeConcurrency: concurrencyContext(app, CONTEXT_KEYS.unsubscribeConcurrency),
    campaigns,
    sources: {
      projectRoot: options.projectRoot,
      campaignsFile: writeBundledCampaigns(campaignsDir, app.outdir),
      // Source maps are an artifact of the cloud assembly, not part of any function's package.
      sourceMapsDir: join(app.outdir, "sourcemaps"),
    },
  });
}

function requiredContext(app: App, key: string): string {
  const value = optionalContext(app, key);
  if (!value) throw new Error(`Missing context value "${key}" (set it in cdk.json or with -c ${key}=...)`);
  return value;
}

function optionalContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`Context value "${key}" must be a string`);
  return value;
}

/** A whole number of executions, 1 to 1,000; `-c` passes it as a string, cdk.json as a number. */
function concurrencyContext(app: App, key: string): number {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === "") return DEFAULT_UNSUBSCRIBE_CONCURRENCY;
  const count = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 1000)
    throw new Error(
      `Context value "${key}" must be a whole number from 1 to 1000, not ${JSON.stringify(value)}`,
    );
  return count;
}
