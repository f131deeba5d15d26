import { describe, expect, it } from "vitest";
import { campaignCounts } from "../../functions/core/engine/campaign-counts.ts";
import { compileCampaigns } from "../../functions/core/engine/compile.ts";
import { decide } from "../../functions/core/engine/decide.ts";
import type { Decision } from "../../functions/core/engine/decisions.ts";
import { failJourney } from "../../functions/core/engine/fail-journey.ts";
import { type CustomerEvent, parseEnvelope } from "../../functions/core/events/envelope.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { CampaignSummary } from "../../local/summary.ts";
import { cartUpdated, customerSignedUp, orderPlaced } from "../support/events.ts";
import { shippedCampaign, shippedEngineSettings, type TestEvent, toJsonLines } from "../support/scenario.ts";

const CAMPAIGNS = ["welcome", "cart-abandonment", "order-confirmation"];
const compiled = compileCampaigns(CAMPAIGNS.map(shippedCampaign), shippedEngineSettings());
const cart = [{ productId: "p1", price: 20 }];

function parsed(event: TestEvent, id: string): CustomerEvent {
  const outcome = parseEnvelope(JSON.parse(toJsonLines([{ ...event, id }])[0]!));
  if (outcome.kind !== "event") throw new Error(`test event not accepted: ${JSON.stringify(outcome)}`);
  return outcome.event as CustomerEvent;
}

/**
 * c1 signs up and orders (welcome exits, a conversion); c2 fills then empties a cart (cart
 * abandonment exits, no conversion); c3's welcome journey fails in its workflow.
 */
function decisionsWithEveryEnding(): Decision[] {
  const decisions: Decision[] = [];
  const c1 = emptyCustomerState("c1");
  decisions.push(
    ...decide(compiled, c1, parsed(customerSignedUp("c1", "2026-03-01T08:00:00Z"), "c1-signup")),
  );
  decisions.push(
    ...decide(compiled, c1, parsed(orderPlaced("c1", "2026-03-01T09:00:00Z", { items: cart }), "c1-order")),
  );
  const c2 = emptyCustomerState("c2");
  decisions.push(
    ...decide(compiled, c2, parsed(customerSignedUp("c2", "2026-03-01T08:00:00Z"), "c2-signup")),
  );
  decisions.push(
    ...decide(compiled, c2, parsed(cartUpdated("c2", "2026-03-01T08:10:00Z", { items: cart }), "c2-cart")),
  );
  decisions.push(
    ...decide(compiled, c2, parsed(cartUpdated("c2", "2026-03-01T08:20:00Z", { items: [] }), "c2-empty")),
  );
  const c3 = emptyCustomerState("c3");
  decisions.push(
    ...decide(compiled, c3, parsed(customerSignedUp("c3", "2026-03-01T08:00:00Z"), "c3-signup")),
  );
  const welcome = c3.journeys.find((journey) => journey.campaign === "welcome")!;
  decisions.push(...failJourney(compiled, c3, welcome.id, Date.parse("2026-03-02T08:00:00Z")));
  return decisions;
}

const tally = (decisions: readonly Decision[], name: string, campaign: string) =>
  campaignCounts(decisions).filter((count) => count.name === name && count.campaign === campaign).length;

describe("campaignCounts (the simulator's summary and the CloudWatch metrics)", () => {
  const decisions = decisionsWithEveryEnding();

  it("counts every exit, a conversion also as Converted, and a workflow failure as Failed", () => {
    expect(tally(decisions, "Exited", "welcome")).toBe(1);
    expect(tally(decisions, "Converted", "welcome")).toBe(1);
    expect(tally(decisions, "Exited", "cart-abandonment")).toBe(1);
    expect(tally(decisions, "Converted", "cart-abandonment")).toBe(0);
    expect(tally(decisions, "Failed", "welcome")).toBe(1);
    expect(tally(decisions, "Triggered", "welcome")).toBe(3);
  });

  it("are the numbers the simulator's summary table prints", () => {
    const summary = new CampaignSummary(CAMPAIGNS);
    for (const decision of decisions) summary.record(decision);
    for (const campaign of CAMPAIGNS) {
      const row = summary.byCampaign.get(campaign)!;
      expect(
        {
          triggered: row.triggered,
          sent: row.sent,
          suppressed: Object.values(row.suppressed).reduce((a, b) => a + b, 0),
          exited: row.exited,
          conversions: row.conversions,
        },
        campaign,
      ).toEqual({
        triggered: tally(decisions, "Triggered", campaign),
        sent: tally(decisions, "Sent", campaign),
        suppressed: tally(decisions, "Suppressed", campaign),
        exited: tally(decisions, "Exited", campaign),
        conversions: tally(decisions, "Converted", campaign),
      });
    }
  });
});
