import { describe, expect, it } from "vitest";
import type { Campaign, CampaignInput } from "../../functions/core/config/campaign.ts";
import { campaignVersion } from "../../functions/core/engine/campaign-version.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { advance } from "../../functions/core/engine/decide.ts";
import type { MessageLine } from "../../functions/core/engine/decisions.ts";
import { CustomerStateSchema, emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { simulate } from "../../local/simulator.ts";
import { customerSignedUp } from "../support/events.ts";
import { defineCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-02T09:00:00Z");
const day = (n: number) => new Date(T0 + n * DAY).toISOString();

const send = (id: string, template = id) => ({
  id,
  type: "send" as const,
  channel: "email" as const,
  template,
});
const wait = (id: string, duration: string) => ({ id, type: "wait" as const, duration });
const templates = (...ids: string[]) =>
  Object.fromEntries(ids.map((id) => [id, { subject: `Subject of ${id}`, body: `<p>${id}</p>` }]));

/** A welcome series as shipped: welcome now, bestsellers at +2 d, the offer at +5 d. */
const v1Input: CampaignInput = {
  id: "welcome",
  name: "Welcome",
  kind: "marketing",
  triggers: [{ type: "event", event: "customer.signed_up" }],
  steps: [
    send("welcome-email"),
    wait("wait-2d", "P2D"),
    send("bestsellers-email"),
    wait("wait-3d", "P3D"),
    send("offer-email"),
  ],
  templates: templates("welcome-email", "bestsellers-email", "offer-email", "survey-email", "intro-email"),
};
const v1 = defineCampaign(v1Input);
const edited = (changes: Partial<CampaignInput>) => defineCampaign({ ...v1Input, ...changes });
const steps = v1Input.steps;

type Sent = { at: string; customerId: string; step: string; subject?: string };
type Outcome = { sent: Sent[]; stopped: Record<string, number> };

/**
 * c1 signs up at T0 and has had the welcome email when the edit is deployed at T0 + 1 d (its journey
 * waits for bestsellers-email at T0 + 2 d); c2 signs up after the edit. What goes after the edit.
 */
function afterEdit(next: Campaign | undefined, later: TestEvent[] = []): Outcome {
  // No cap: what the edit does, not what the cap then allows.
  const settings = {
    ...shippedEngineSettings(),
    frequencyCap: { ...shippedEngineSettings().frequencyCap, max: 100 },
  };
  const states = new Map();
  simulate(compileCampaigns([v1], settings), toJsonLines([customerSignedUp("c1", day(0))]), {
    until: T0 + DAY,
    states,
  });
  const sent: Sent[] = [];
  const report = simulate(compileCampaigns(next ? [next] : [], settings), toJsonLines(later), {
    until: T0 + 30 * DAY,
    states,
    onMessage: (line: MessageLine) => {
      if (line.status === "sent")
        sent.push({ at: line.at, customerId: line.customerId, step: line.step, subject: line.subject! });
    },
  });
  const stopped: Record<string, number> = {};
  for (const counts of report.summary.byCampaign.values())
    for (const [reason, n] of Object.entries(counts.stopped)) stopped[reason] = (stopped[reason] ?? 0) + n;
  return { sent, stopped };
}

const at = (n: number, step: string, customerId = "c1"): Sent => ({
  at: new Date(T0 + n * DAY).toISOString(),
  customerId,
  step,
  subject: `Subject of ${step}`,
});
const signupAfterEdit = customerSignedUp("c2", day(1.5));

describe("editing a live campaign (a journey mid-way when the edit is deployed)", () => {
  const cases: { name: string; next: Campaign | undefined; later?: TestEvent[]; expected: Outcome }[] = [
    {
      name: "unchanged: the journey goes on as it would have",
      next: v1,
      expected: { sent: [at(2, "bestsellers-email"), at(5, "offer-email")], stopped: {} },
    },
    {
      name: "two steps inserted before the current one: it continues from its step, nothing is re-sent",
      next: edited({ steps: [send("intro-email"), wait("wait-1d", "P1D"), ...steps] }),
      expected: { sent: [at(2, "bestsellers-email"), at(5, "offer-email")], stopped: {} },
    },
    {
      name: "a step inserted after the current one: the journey takes it",
      next: edited({
        steps: [...steps.slice(0, 3), wait("wait-1d", "P1D"), send("survey-email"), ...steps.slice(3)],
      }),
      expected: {
        sent: [at(2, "bestsellers-email"), at(3, "survey-email"), at(6, "offer-email")],
        stopped: {},
      },
    },
    {
      name: "the current step removed: the journey stops, counted as campaign_changed",
      next: edited({ steps: [...steps.slice(0, 2), ...steps.slice(3)] }),
      expected: { sent: [], stopped: { campaign_changed: 1 } },
    },
    {
      name: "the current step removed with onEdit.removedSteps: the journey continues where the file says",
      next: edited({
        steps: [...steps.slice(0, 2), ...steps.slice(3)],
        onEdit: { removedSteps: { "bestsellers-email": "offer-email" } },
      }),
      expected: { sent: [at(2, "offer-email")], stopped: {} },
    },
    {
      name: "a step behind the journey removed: it goes on",
      next: edited({ steps: steps.slice(1) }),
      expected: { sent: [at(2, "bestsellers-email"), at(5, "offer-email")], stopped: {} },
    },
    {
      name: "steps reordered: the step already sent is not sent again",
      next: edited({ steps: [steps[2]!, steps[1]!, steps[0]!, ...steps.slice(3)] }),
      expected: { sent: [at(2, "bestsellers-email"), at(7, "offer-email")], stopped: {} },
    },
    {
      name: "a template changed: the journey continues and sends the new text",
      next: edited({
        templates: {
          ...templates("welcome-email", "offer-email"),
          "bestsellers-email": { subject: "New", body: "x" },
        },
      }),
      expected: {
        sent: [{ ...at(2, "bestsellers-email"), subject: "New" }, at(5, "offer-email")],
        stopped: {},
      },
    },
    {
      name: "disabled, whenDisabled finish: running journeys finish, a new sign-up starts nothing",
      next: edited({ enabled: false, whenDisabled: "finish" }),
      later: [signupAfterEdit],
      expected: { sent: [at(2, "bestsellers-email"), at(5, "offer-email")], stopped: {} },
    },
    {
      name: "disabled, whenDisabled stop: running journeys stop at their next step, a new sign-up starts nothing",
      next: edited({ enabled: false, whenDisabled: "stop" }),
      later: [signupAfterEdit],
      expected: { sent: [], stopped: { campaign_disabled: 1 } },
    },
    {
      name: "deleted: running journeys stop, counted as campaign_deleted",
      next: undefined,
      expected: { sent: [], stopped: { campaign_deleted: 1 } },
    },
  ];
  it.each(cases)("$name", ({ next, later, expected }) => {
    expect(afterEdit(next, later)).toEqual(expected);
  });

  it("a sign-up after a non-breaking edit runs the new version in full", () => {
    const next = edited({ steps: [send("intro-email"), wait("wait-1d", "P1D"), ...steps] });
    const { sent } = afterEdit(next, [signupAfterEdit]);
    expect(sent.filter((line) => line.customerId === "c2").map((line) => line.step)).toEqual([
      "intro-email",
      "welcome-email",
      "bestsellers-email",
      "offer-email",
    ]);
  });
});

describe("campaign version", () => {
  it("is the same whatever the file's key order and whitespace", () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(v1Input).reverse())));
    expect(campaignVersion(defineCampaign(reordered))).toBe(campaignVersion(v1));
  });

  it("changes with a step, a template or a rule, not with the name", () => {
    const version = campaignVersion(v1);
    expect(campaignVersion(edited({ name: "Renamed" }))).toBe(version);
    expect(campaignVersion(edited({ steps: steps.slice(1) }))).not.toBe(version);
    expect(
      campaignVersion(edited({ templates: templates("welcome-email", "bestsellers-email", "offer-email") })),
    ).not.toBe(version);
    expect(campaignVersion(edited({ whenDisabled: "finish" }))).not.toBe(version);
  });
});

describe("a state item written before step ids (the step as an index, no version)", () => {
  // Stored by the engine before this change: c1 had the welcome email and waits for bestsellers-email.
  const stored = {
    ...emptyCustomerState("c1"),
    // 09:00 in Paris at the wake-up: inside the email send window.
    profile: { email: "c1@example.com", timezone: "Europe/Paris" },
    journeys: [
      {
        id: "welcome:c1:main:",
        campaign: "welcome",
        trigger: "main",
        key: "",
        startedAt: 1772352000000,
        lastTriggerAt: 1772352000000,
        step: 2,
        wakeAt: 1772524800000,
        reachedSend: true,
        context: {},
        sends: 1,
      },
    ],
  };

  it("loads, runs the step at that index, and is written back with the step's id and the version", () => {
    const state = CustomerStateSchema.parse(JSON.parse(JSON.stringify(stored)));
    const compiled = compileCampaigns([v1], shippedEngineSettings());
    const decisions = advance(compiled, state, "welcome:c1:main:", 1772524800000);
    const lines = decisions.flatMap((d) => (d.type === "message" ? [d.line.step] : []));
    expect(lines).toEqual(["bestsellers-email"]);
    expect(state.journeys[0]).toMatchObject({
      step: "offer-email",
      version: campaignVersion(v1),
      sentSteps: ["bestsellers-email"],
    });
    expect(CustomerStateSchema.parse(JSON.parse(JSON.stringify(state))).journeys[0]!.step).toBe(
      "offer-email",
    );
  });

  it("past the last step: completes, as it did", () => {
    const state = CustomerStateSchema.parse(
      JSON.parse(JSON.stringify({ ...stored, journeys: [{ ...stored.journeys[0], step: 5 }] })),
    );
    const compiled = compileCampaigns([v1], shippedEngineSettings());
    const decisions = advance(compiled, state, "welcome:c1:main:", 1772524800000);
    expect(decisions).toMatchObject([{ type: "journey", change: "completed" }]);
  });
});
