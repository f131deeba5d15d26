import { join } from "node:path";
import type { App } from "aws-cdk-lib";
import { loadCampaignSummaries } from "./campaign-config.ts";
import { EngineStack } from "./engine-stack.ts";

export const ENGINE_STACK_ID = "Engage";

/** Context keys (defaults in cdk.json; override with `cdk synth -c engage:fromAddress=...`). */
export const CONTEXT_KEYS = {
  fromAddress: "engage:fromAddress",
  sesIdentity: "engage:sesIdentity",
  alarmEmail: "engage:alarmEmail",
} as const;

export interface EngineAppOptions {
  readonly projectRoot: string;
  /** Defaults to <projectRoot>/campaigns. */
  readonly campaignsDir?: string;
}

/** Validates the campaign files (throws CampaignFilesError), then adds the engine stack to the app. */
export function addEngineStack(app: App, options: EngineAppOptions): EngineStack {
  const campaignsDir = options.campaignsDir ?? join(options.projectRoot, "campaigns");
  const campaigns = loadCampaignSummaries(campaignsDir);
  return new EngineStack(app, ENGINE_STACK_ID, {
    description: "engage: serverless trigger-campaign engine (EventBridge, Lambda, Step Functions, SES, SNS)",
    fromAddress: requiredContext(app, CONTEXT_KEYS.fromAddress),
    sesIdentity: requiredContext(app, CONTEXT_KEYS.sesIdentity),
    alarmEmail: optionalContext(app, CONTEXT_KEYS.alarmEmail),
    campaigns,
    sources: { projectRoot: options.projectRoot, campaignsDir },
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
