import { describe, expect, it } from "vitest";
import type { CampaignInput } from "../../functions/core/config/campaign.ts";
import type { CapClass } from "../../functions/core/config/policies.ts";
import { capAllows, capClassOf, capFor, countSend } from "../../functions/core/policies/cap.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { customer, defineCampaign, runCampaigns, shippedEngineSettings } from "../support/scenario.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const shipped = shippedEngineSettings();

/** The shipped cap with other numbers, for the reserve rows. */
function capWith(max: number, classes: Partial<Record<CapClass, { reserve?: number; max?: number }>>) {
  const all = { ...shipped.frequencyCap.classes };
  for (const name of ["service", "trigger", "lifecycle", "broadcast"] as const)
    all[name] = {
      reserve: classes[name]?.reserve ?? 0,
      ...(classes[name]?.max ? { max: classes[name].max } : {}),
    };
  return { ...shipped, frequencyCap: { max, window: 7 * DAY, classes: all } };
}

/** A state that sent these classes, one an hour before `now`. */
function stateAfter(sent: CapClass[], now: number) {
  const state = emptyCustomerState("c1");
  sent.forEach((capClass, i) => {
    countSend(state, capClass, now - (sent.length - i) * HOUR);
  });
  return state;
}

describe("classes: a send's class", () => {
  const campaign = (input: Partial<CampaignInput>) =>
    defineCampaign({
      id: "probe",
      name: "Probe",
      kind: "marketing",
      triggers: [{ type: "event", event: "app.opened" }],
      steps: [{ id: "send", type: "send", channel: "email", template: "t" }],
      templates: { t: { subject: "s", body: "b" } },
      ...input,
    });
  const step = (input: Record<string, unknown> = {}) =>
    ({
      id: "send",
      type: "send",
      channel: "email",
      template: "t",
      ...input,
    }) as CampaignInput["steps"][number];
  it.each([
    ["marketing campaign, no class", {}, "lifecycle"],
    ["transactional campaign, no class", { kind: "transactional" }, "service"],
    ["campaign class", { class: "broadcast" }, "broadcast"],
    [
      "marketing step of a transactional campaign",
      { kind: "transactional", steps: [step({ kind: "marketing" })] },
      "lifecycle",
    ],
    ["step class over campaign class", { class: "service", steps: [step({ class: "trigger" })] }, "trigger"],
  ] as const)("%s: %s", (_, input, expected) => {
    const probe = campaign(input as Partial<CampaignInput>);
    expect(capClassOf(probe, probe.steps[0])).toBe(expected);
  });
});

describe("reserve and class max: a message goes while sends < max - reserves above, and its class < its max", () => {
  const now = Date.parse("2026-03-10T12:00:00Z");
  it.each([
    // max, class settings, sent in the window, class judged, allowed
    [3, {}, ["lifecycle", "lifecycle"], "broadcast", true],
    [3, {}, ["lifecycle", "lifecycle", "lifecycle"], "trigger", false],
    [3, { trigger: { reserve: 1 } }, ["trigger", "lifecycle"], "lifecycle", false],
    [3, { trigger: { reserve: 1 } }, ["trigger", "lifecycle"], "trigger", true],
    [3, { trigger: { reserve: 1 }, lifecycle: { reserve: 1 } }, ["trigger"], "broadcast", false],
    [3, { trigger: { reserve: 1 }, lifecycle: { reserve: 1 } }, [], "broadcast", true],
    [3, { trigger: { reserve: 1 }, lifecycle: { reserve: 1 } }, ["trigger"], "lifecycle", true],
    [5, { broadcast: { max: 1 } }, ["broadcast"], "broadcast", false],
    [5, { broadcast: { max: 1 } }, ["broadcast"], "lifecycle", true],
    [5, { lifecycle: { max: 2 } }, ["lifecycle", "trigger", "lifecycle"], "lifecycle", false],
    // A reserve of a class below does not bind the classes above it.
    [3, { broadcast: { reserve: 2 } }, ["trigger", "trigger"], "trigger", true],
  ] as const)("max %i %j, sent %j: %s allowed %s", (max, classes, sent, judged, allowed) => {
    const config = capWith(max, classes);
    expect(capAllows(stateAfter([...sent], now), capFor(config, judged), judged, config, now)).toBe(allowed);
  });

  it("sends that left the window do not count", () => {
    const config = capWith(1, {});
    const state = emptyCustomerState("c1");
    countSend(state, "lifecycle", now - 7 * DAY);
    expect(capAllows(state, capFor(config, "lifecycle"), "lifecycle", config, now)).toBe(true);
    countSend(state, "lifecycle", now - 7 * DAY + 1);
    expect(capAllows(state, capFor(config, "lifecycle"), "lifecycle", config, now)).toBe(false);
  });

  it("the worked example of docs/campaign-program.md, with the shipped engine.json", () => {
    const at = (day: number, hour: number) => Date.parse("2026-03-02T00:00:00Z") + day * DAY + hour * HOUR;
    const rows: [number, CapClass, boolean][] = [
      [at(0, 10), "broadcast", true], // Mon recommendations
      [at(0, 12), "lifecycle", true], // Mon welcome bestsellers
      [at(1, 9), "lifecycle", true], // Tue propensity
      [at(3, 10), "broadcast", false], // Thu newsletters
      [at(3, 18), "lifecycle", false], // Thu review-request
      [at(4, 20), "trigger", true], // Fri cart-abandonment
      [at(5, 11), "trigger", true], // Sat price-drop-alert
      [at(7, 10), "broadcast", false], // next Mon recommendations
    ];
    const state = emptyCustomerState("c1");
    const verdicts = rows.map(([now, capClass]) => {
      const allowed = capAllows(state, capFor(shipped, capClass), capClass, shipped, now);
      if (allowed) countSend(state, capClass, now);
      return allowed;
    });
    expect(verdicts).toEqual(rows.map(([, , allowed]) => allowed));
  });
});

describe("same instant: judged by class, then campaign id, then step id", () => {
  const filler = defineCampaign({
    id: "filler",
    name: "Filler",
    kind: "marketing",
    class: "lifecycle",
    triggers: [{ type: "event", event: "app.opened", key: ["event.eventId"] }],
    steps: [{ id: "send", type: "send", channel: "email", template: "t" }],
    templates: { t: { subject: "s", body: "b" } },
  });
  const contender = (
    id: string,
    capClass: CapClass,
    wait?: string,
    event: "wishlist.added" | "checkout.started" = "wishlist.added",
  ) =>
    defineCampaign({
      id,
      name: id,
      kind: "marketing",
      class: capClass,
      triggers: [{ type: "event", event }],
      steps: [
        ...(wait ? [{ id: "wait", type: "wait" as const, duration: wait }] : []),
        { id: "send", type: "send", channel: "email", template: "t" },
      ],
      templates: { t: { subject: "s", body: "b" } },
    });
  const events = [
    { type: "customer.signed_up", at: "2026-03-01T08:00:00Z", detail: customer("c1") },
    { type: "app.opened", at: "2026-03-02T10:00:00Z", detail: { customerId: "c1" } },
    { type: "app.opened", at: "2026-03-02T11:00:00Z", detail: { customerId: "c1" } },
    {
      type: "wishlist.added",
      at: "2026-03-03T10:00:00Z",
      detail: { customerId: "c1", product: { productId: "p1", name: "Mug", price: 10 } },
    },
  ];
  /** 3 a week, no reserve: after the two filler sends, whichever is judged first takes the last slot. */
  const settings = capWith(3, {});
  const outcome = (campaigns: ReturnType<typeof contender>[]) =>
    runCampaigns([filler, ...campaigns], events, { settings })
      .lines.filter((line) => line.campaign !== "filler")
      .map((line) => `${line.campaign} ${line.reason ?? line.status}`)
      .sort();

  it.each([
    ["at the event: lifecycle before broadcast, whatever the file order", undefined],
    ["at a wake-up: lifecycle before broadcast, whatever the wake order", "PT1H"],
  ])("%s", (_, wait) => {
    const a = contender("a-broadcast", "broadcast", wait);
    const z = contender("z-lifecycle", "lifecycle", wait);
    const expected = ["a-broadcast frequency_cap", "z-lifecycle sent"];
    expect(outcome([a, z])).toEqual(expected);
    expect(outcome([z, a])).toEqual(expected);
  });

  it.each([
    ["at the event", undefined],
    ["at a wake-up", "PT1H"],
  ])("same class %s: the campaign id decides", (_, wait) => {
    const b = contender("b-lifecycle", "lifecycle", wait);
    const c = contender("c-lifecycle", "lifecycle", wait);
    const expected = ["b-lifecycle sent", "c-lifecycle frequency_cap"];
    expect(outcome([c, b])).toEqual(expected);
    expect(outcome([b, c])).toEqual(expected);
  });

  it("journeys started apart and due at the same instant: the wake-up that comes first runs both, by priority", () => {
    // The broadcast starts first (its wake-up is queued first); the lifecycle one an hour later, due at the same time.
    const early = contender("a-broadcast", "broadcast", "PT2H", "checkout.started");
    const late = contender("z-lifecycle", "lifecycle", "PT1H");
    const stream: { type: string; at: string; detail: Record<string, unknown> }[] = [...events];
    stream.splice(3, 0, {
      type: "checkout.started",
      at: "2026-03-03T09:00:00Z",
      detail: { customerId: "c1", cartId: "k1" },
    });
    const lines = runCampaigns([filler, early, late], stream, { settings }).lines.filter(
      (line) => line.campaign !== "filler",
    );
    expect(lines.map((line) => `${line.at} ${line.campaign} ${line.reason ?? line.status}`)).toEqual([
      "2026-03-03T11:00:00.000Z z-lifecycle sent",
      "2026-03-03T11:00:00.000Z a-broadcast frequency_cap",
    ]);
  });

  it("a service (transactional) message is neither counted nor capped", () => {
    const service = { ...contender("receipt", "service"), kind: "transactional" as const };
    const lifecycle = contender("z-lifecycle", "lifecycle");
    expect(outcome([service, lifecycle])).toEqual(["receipt sent", "z-lifecycle sent"]);
  });
});
