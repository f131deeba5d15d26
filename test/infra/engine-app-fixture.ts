// Builds the engine app once per test file, on a small campaign directory of its own.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { addEngineStack, CONTEXT_KEYS } from "../../infra/engine-app.ts";
import type { EngineStack } from "../../infra/engine-stack.ts";

export const PROJECT_ROOT = resolve(import.meta.dirname, "../..");
const SCRATCH = join(PROJECT_ROOT, ".tmp");

/** A minimal campaign the validating loader accepts: one email, sent when the trigger fires. */
function campaign(id: string, triggers: unknown[]) {
  return {
    id,
    name: `Fixture ${id}`,
    kind: "marketing",
    triggers,
    steps: [{ id: "email", type: "send", channel: "email", template: "note" }],
    templates: { note: { subject: "Hello", body: "<p>Hello</p>" } },
  };
}

export const FIXTURE_CAMPAIGNS = {
  "welcome.json": campaign("welcome", [{ type: "event", event: "customer.signed_up" }]),
  "win-back.json": campaign("win-back", [{ type: "schedule", every: "day", at: "10:00" }]),
  "recommendations.json": campaign("recommendations", [
    { type: "schedule", every: "week", weekday: "monday", at: "10:00" },
  ]),
  "milestones.json": campaign("milestones", [
    { type: "event", event: "order.placed" },
    { id: "anniversary", type: "schedule", every: "day", at: "09:00" },
  ]),
  // The engine-wide policies are not the subject here: the shipped file is a valid one.
  "engine.json": JSON.parse(readFileSync(join(PROJECT_ROOT, "campaigns", "engine.json"), "utf8")) as unknown,
};

export const FIXTURE_SETTINGS = {
  fromAddress: "news@shop.example",
  sesIdentity: "shop.example",
  alarmEmail: "ops@shop.example",
} as const;

export function scratchDir(prefix: string): string {
  mkdirSync(SCRATCH, { recursive: true });
  return mkdtempSync(join(SCRATCH, prefix));
}

export function writeCampaignDir(files: Record<string, unknown>): string {
  const dir = scratchDir("campaigns-");
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** cdk.json's context (feature flags, defaults) with the fixture's settings on top. */
export function engineContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
    context: Record<string, unknown>;
  };
  return {
    ...cdkJson.context,
    [CONTEXT_KEYS.fromAddress]: FIXTURE_SETTINGS.fromAddress,
    [CONTEXT_KEYS.sesIdentity]: FIXTURE_SETTINGS.sesIdentity,
    [CONTEXT_KEYS.alarmEmail]: FIXTURE_SETTINGS.alarmEmail,
    ...extra,
  };
}

export interface EngineFixture {
  app: App;
  stack: EngineStack;
  template: Template;
  outdir: string;
  campaignsDir: string;
  /** Removes the synthesized assembly and the campaign directory. */
  cleanUp: () => void;
}

export interface SynthesisOptions {
  /** false skips esbuild (CDK's bundling-stacks context), for tests that only read the template. */
  bundle: boolean;
  /** CDK's built-in CloudFormation validation of the template (about 2 s per synth). */
  validateTemplate: boolean;
}

export function synthesizeEngine({ bundle, validateTemplate }: SynthesisOptions): EngineFixture {
  const campaignsDir = writeCampaignDir(FIXTURE_CAMPAIGNS);
  const outdir = scratchDir("cdk.out-");
  const app = new App({
    outdir,
    context: engineContext(bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
    builtinCloudFormationValidation: validateTemplate,
  });
  const stack = addEngineStack(app, { projectRoot: PROJECT_ROOT, campaignsDir });
  const template = Template.fromStack(stack);
  const cleanUp = () => {
    for (const dir of [outdir, campaignsDir]) rmSync(dir, { recursive: true, force: true });
  };
  return { app, stack, template, outdir, campaignsDir, cleanUp };
}
