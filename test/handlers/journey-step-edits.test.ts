import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { describe, expect, it } from "vitest";
import type { Campaign, CampaignInput } from "../../functions/core/config/campaign.ts";
import type { CampaignCount } from "../../functions/core/engine/campaign-counts.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { CustomerState } from "../../functions/core/state/customer-state.ts";
import { journeyStep } from "../../functions/use-cases/journey-step.ts";
import { customerSignedUp } from "../support/events.ts";
import { CAMPAIGNS_DIR, defineCampaign } from "../support/scenario.ts";
import { useHandlerRuntime } from "./handler-runtime.ts";

const SIGNUP = "2026-03-01T08:00:00Z";
const WAKE = Date.parse("2026-03-03T08:00:00Z");

/**
 * On AWS a journey waits in a Step Functions execution; a deploy replaces the campaigns the Step task
 * reads. The task resolves the journey's step by id against the campaigns deployed at its wake-up.
 */
describe("journey step after a campaign deploy (AWS use case, state on dynalite)", () => {
  const runtime = useHandlerRuntime(SIGNUP);
  const welcome = JSON.parse(readFileSync(join(CAMPAIGNS_DIR, "welcome.json"), "utf8")) as CampaignInput;
  const edit = (changes: Partial<CampaignInput>): Campaign => defineCampaign({ ...welcome, ...changes });

  async function wakeAfterDeploy(customerId: string, deployed: Campaign[]) {
    await runtime.ingest({
      ...customerSignedUp(customerId, SIGNUP, { email: `${customerId}@example.com` }),
      id: `s-${customerId}`,
    });
    runtime.resetMocks();
    runtime.clock.now = WAKE;
    const counts: CampaignCount[] = [];
    const deps = {
      ...runtime.deps,
      compiled: compileCampaigns(deployed, runtime.deps.compiled.settings),
      count: (c: CampaignCount[]) => counts.push(...c),
    };
    const result = await journeyStep(deps, { customerId, instanceId: `welcome:${customerId}:main:` });
    const subjects = runtime.mocks.ses
      .commandCalls(SendEmailCommand)
      .map((call) => call.args[0].input.Content?.Simple?.Subject?.Data);
    return { result, subjects, counts: counts.filter((c) => c.name === "Stopped") };
  }

  it("two steps inserted before the waiting one: it sends its own step, not the welcome again", async () => {
    const steps = [
      { id: "intro-email", type: "send" as const, channel: "email" as const, template: "welcome" },
      { id: "wait-1d", type: "wait" as const, duration: "P1D" },
      ...welcome.steps,
    ];
    const { result, subjects } = await wakeAfterDeploy("a1", [edit({ steps })]);
    expect(subjects).toEqual(["Our bestsellers, picked for you"]);
    // The step it runs on waking, in the answer (the execution's history and the dev page show it).
    expect(result).toMatchObject({
      done: false,
      wakeAt: "2026-03-06T08:00:00.000Z",
      step: "first-order-offer-email",
    });
  });

  it("the waiting step removed: the execution ends, the stop is counted", async () => {
    const steps = welcome.steps.filter((s) => s.id !== "bestsellers-email");
    const { result, subjects, counts } = await wakeAfterDeploy("a2", [edit({ steps })]);
    expect(subjects).toEqual([]);
    expect(result).toEqual({ customerId: "a2", instanceId: "welcome:a2:main:", done: true });
    expect(counts).toEqual([{ name: "Stopped", campaign: "welcome", reason: "campaign_changed" }]);
  });

  it("the campaign deleted: the execution ends, counted as campaign_deleted", async () => {
    const { result, subjects, counts } = await wakeAfterDeploy("a3", []);
    expect(subjects).toEqual([]);
    expect(result.done).toBe(true);
    expect(counts).toEqual([{ name: "Stopped", campaign: "welcome", reason: "campaign_deleted" }]);
  });

  it("an item stored before step ids (step index, no version) is read and written back with the step id", async () => {
    const { state: fresh } = await runtime.store.load("a4");
    const old = {
      ...fresh,
      // 09:00 in Paris at the wake-up: inside the email send window.
      profile: { email: "a4@example.com", timezone: "Europe/Paris" },
      consent: { email: "opted_in", topics: {} },
      journeys: [
        {
          id: "welcome:a4:main:",
          campaign: "welcome",
          trigger: "main",
          key: "",
          startedAt: Date.parse(SIGNUP),
          lastTriggerAt: Date.parse(SIGNUP),
          step: 2,
          wakeAt: WAKE,
          reachedSend: true,
          context: {},
          sends: 1,
        },
      ],
    };
    await runtime.store.save(old as unknown as CustomerState, 0);
    runtime.clock.now = WAKE;
    const result = await journeyStep(runtime.deps, { customerId: "a4", instanceId: "welcome:a4:main:" });
    expect(result).toMatchObject({ done: false, wakeAt: "2026-03-06T08:00:00.000Z" });
    const { state } = await runtime.store.load("a4");
    expect(state.journeys[0]).toMatchObject({
      step: "first-order-offer-email",
      sentSteps: ["bestsellers-email"],
    });
    expect(state.journeys[0]!.version).toEqual(runtime.deps.compiled.versions.get("welcome"));
  });
});
