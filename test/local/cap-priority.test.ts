import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { EngineSettings } from "../../functions/core/config/engine.ts";
import type { CapClass } from "../../functions/core/config/policies.ts";
import type { MessageLine } from "../../functions/core/engine/decisions.ts";
import { capClassOf } from "../../functions/core/policies/cap.ts";
import { countsTowardCap } from "../../functions/core/policies/judge-send.ts";
import { validStream } from "../support/random-stream.ts";
import {
  CAMPAIGNS_DIR,
  runScenario,
  shippedCampaign,
  shippedEngineSettings,
  type TestEvent,
} from "../support/scenario.ts";

const SAMPLE = join(import.meta.dirname, "..", "..", "examples", "shop.jsonl");
const campaignIds = readdirSync(CAMPAIGNS_DIR)
  .filter((file) => file.endsWith(".json") && file !== "engine.json")
  .map((file) => file.replace(/\.json$/, ""));
const HIGH_INTENT = [
  "cart-abandonment",
  "browse-abandonment",
  "back-in-stock",
  "price-drop-alert",
  "low-in-stock",
  "wishlist-conversion",
];

type Counted = { customerId: string; at: number; capClass: CapClass };

/** The sent messages that count toward the cap, with their class. */
function runCounted(events: TestEvent[] | string[], engine?: Partial<EngineSettings>) {
  const counted: Counted[] = [];
  const { lines } = runScenario(campaignIds, events, {
    ...(engine ? { settings: engine } : {}),
    onMessage: (line: MessageLine) => {
      if (line.status !== "sent") return;
      const campaign = shippedCampaign(line.campaign);
      const step = campaign.steps.find((s) => s.id === line.step);
      if (step?.type === "send" && countsTowardCap(campaign, step))
        counted.push({
          customerId: line.customerId,
          at: Date.parse(line.at),
          capClass: capClassOf(campaign, step),
        });
    },
  });
  return { lines, counted };
}

/** Each (customer, time) where the sends in the window ending there break the cap or a class max. */
function capBreaches(counted: Counted[], settings: EngineSettings): string[] {
  const { max, window, classes } = settings.frequencyCap;
  const byCustomer = new Map<string, Counted[]>();
  for (const send of counted)
    byCustomer.set(send.customerId, [...(byCustomer.get(send.customerId) ?? []), send]);
  const breaches: string[] = [];
  for (const [customerId, sends] of byCustomer) {
    const sorted = sends.sort((a, b) => a.at - b.at);
    sorted.forEach((send, i) => {
      const inWindow = sorted.slice(0, i + 1).filter((s) => s.at > send.at - window);
      if (inWindow.length > max) breaches.push(`${customerId} ${inWindow.length} at ${send.at}`);
      const classMax = classes[send.capClass].max;
      const ofClass = inWindow.filter((s) => s.capClass === send.capClass).length;
      if (classMax !== undefined && ofClass > classMax)
        breaches.push(`${customerId} ${ofClass} ${send.capClass} at ${send.at}`);
    });
  }
  return breaches;
}

describe("priority under the cap, on the sample shop of npm start", () => {
  let lines: MessageLine[] = [];
  let counted: Counted[] = [];
  // The whole sample shop (about 10 000 events): slow on a loaded machine.
  beforeAll(() => {
    ({ lines, counted } = runCounted(readFileSync(SAMPLE, "utf8").trimEnd().split("\n")));
  }, 600_000);

  it("no customer ever gets more than the cap, or a class more than its max, in any 7-day window", () => {
    expect(counted.length).toBeGreaterThan(1000);
    expect(capBreaches(counted, shippedEngineSettings())).toEqual([]);
  });

  it("the high-intent triggered campaigns lose at most 10 % of their messages to the cap", () => {
    const share = (campaign: string) => {
      const decided = lines.filter((line) => line.campaign === campaign);
      return decided.filter((line) => line.reason === "frequency_cap").length / decided.length;
    };
    const over = HIGH_INTENT.map((id) => [id, share(id)] as const).filter(([, s]) => s > 0.1);
    expect(over).toEqual([]);
  });

  it("broadcasts yield first: they lose a larger share to the cap than any high-intent campaign", () => {
    const capped = (ids: string[]) => {
      const decided = lines.filter((line) => ids.includes(line.campaign));
      return decided.filter((line) => line.reason === "frequency_cap").length / decided.length;
    };
    expect(capped(["recommendations", "newsletters"])).toBeGreaterThan(capped(HIGH_INTENT));
  });
});

describe("property: for random streams and random cap rules, no customer exceeds the cap or a class max", () => {
  const rules = fc.record({
    max: fc.integer({ min: 1, max: 5 }),
    reserves: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
    classMax: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), {
      minLength: 4,
      maxLength: 4,
    }),
  });
  it("holds", () => {
    fc.assert(
      fc.property(validStream, rules, (events, { max, reserves, classMax }) => {
        const names = ["service", "trigger", "lifecycle", "broadcast"] as const;
        const classes = Object.fromEntries(
          names.map((name, i) => [
            name,
            { reserve: reserves[i]!, ...(classMax[i] ? { max: classMax[i] } : {}) },
          ]),
        ) as EngineSettings["frequencyCap"]["classes"];
        const frequencyCap = { max, window: 7 * 24 * 3_600_000, classes };
        const { counted } = runCounted(events, { frequencyCap });
        expect(capBreaches(counted, { ...shippedEngineSettings(), frequencyCap })).toEqual([]);
      }),
      { numRuns: 40 },
    );
  }, 600_000);
});
