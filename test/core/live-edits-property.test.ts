import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CampaignInput } from "../../functions/core/config/campaign.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import type { CustomerState } from "../../functions/core/state/customer-state.ts";
import { simulate } from "../../local/simulator.ts";
import { customerSignedUp } from "../support/events.ts";
import { defineCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-02T09:00:00Z");
const SEND_IDS = ["s1", "s2", "s3", "s4", "s5", "s6"];
const WAITS = ["PT6H", "P1D", "P2D"];

type StepInput = CampaignInput["steps"][number];

/** Sends (from a shared pool of ids, so edits can re-use them) with waits between. */
const stepsArb = fc.uniqueArray(fc.constantFrom(...SEND_IDS), { minLength: 1, maxLength: 5 }).chain((ids) =>
  fc.array(fc.constantFrom(...WAITS), { minLength: ids.length, maxLength: ids.length }).map((waits) =>
    ids.flatMap((id, i): StepInput[] => [
      { id, type: "send", channel: "email", template: id },
      { id: `w${i}-${id}`, type: "wait", duration: waits[i]! },
    ]),
  ),
);

const campaign = (
  id: string,
  steps: StepInput[],
  extra: Partial<CampaignInput> = {},
  subject = "v1",
): CampaignInput => ({
  id,
  name: id,
  kind: "transactional",
  triggers: [{ type: "event", event: "customer.signed_up" }],
  steps,
  templates: Object.fromEntries(SEND_IDS.map((t) => [t, { subject: `${subject} ${t}`, body: t }])),
  ...extra,
});

/** An edit of one campaign: what a marketer might deploy while journeys run. */
const editArb = fc.oneof(
  stepsArb.map((steps) => ({ kind: "replace steps" as const, steps })),
  fc.constant({ kind: "reverse" as const }),
  fc.constant({ kind: "template" as const }),
  fc.constantFrom("finish" as const, "stop" as const).map((when) => ({ kind: "disable" as const, when })),
  fc.constant({ kind: "delete" as const }),
  fc.nat(8).map((at) => ({ kind: "remove one" as const, at })),
);
type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(input: CampaignInput, edit: Edit): CampaignInput | undefined {
  switch (edit.kind) {
    case "replace steps":
      return { ...input, steps: edit.steps };
    case "reverse":
      return { ...input, steps: [...input.steps].reverse() };
    case "template":
      return campaign(input.id, input.steps, {}, "v2");
    case "disable":
      return { ...input, enabled: false, whenDisabled: edit.when };
    case "delete":
      return undefined;
    case "remove one":
      return input.steps.length > 1
        ? { ...input, steps: input.steps.filter((_, i) => i !== edit.at % input.steps.length) }
        : input;
  }
}

describe("live edits, property", () => {
  it("for random streams and random edits to random campaigns, no (campaign, customer, step, journey) is sent twice", () => {
    const settings = shippedEngineSettings();
    fc.assert(
      fc.property(
        fc.array(stepsArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(2), editArb), { maxLength: 3 }),
        fc.array(fc.tuple(fc.constantFrom("c1", "c2", "c3"), fc.integer({ min: 0, max: 10 * 24 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 0, max: 10 * 24 }),
        (campaignSteps, edits, signups, editHour) => {
          const before = campaignSteps.map((steps, i) => campaign(`k${i}`, steps));
          const after: (CampaignInput | undefined)[] = [...before];
          for (const [target, edit] of edits) {
            const index = target % after.length;
            const current = after[index];
            if (current) after[index] = applyEdit(current, edit);
          }
          const editAt = T0 + editHour * 3_600_000;
          const events: TestEvent[] = signups
            .map(([customerId, hour]) =>
              customerSignedUp(customerId, new Date(T0 + hour * 3_600_000).toISOString()),
            )
            .sort((a, b) => a.at.localeCompare(b.at))
            .map((event, i) => ({ ...event, id: `e${i}` }));
          const sends = new Map<string, number>();
          const record = (
            line: { campaign: string; customerId: string; step: string },
            journeyId: string,
          ) => {
            const key = `${line.campaign}|${line.customerId}|${line.step}|${journeyId}`;
            sends.set(key, (sends.get(key) ?? 0) + 1);
          };
          const states = new Map<string, CustomerState>();
          const lines = (list: TestEvent[]) => (list.length > 0 ? toJsonLines(list) : []);
          simulate(
            compileCampaigns(
              before.map((c) => defineCampaign(c)),
              settings,
            ),
            lines(events.filter((e) => Date.parse(e.at) < editAt)),
            { until: editAt - 1, states, onMessage: (line, d) => record(line, d.journeyId) },
          );
          simulate(
            compileCampaigns(
              after.flatMap((c) => (c ? [defineCampaign(c)] : [])),
              settings,
            ),
            lines(events.filter((e) => Date.parse(e.at) >= editAt)),
            { until: T0 + 40 * DAY, states, onMessage: (line, d) => record(line, d.journeyId) },
          );
          const twice = [...sends].filter(([, n]) => n > 1);
          expect(twice).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
