import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MessageDecision, MessageLine } from "../../functions/core/engine/decisions.ts";
import { invalidLine, validStream } from "../support/random-stream.ts";
import { CAMPAIGNS_DIR, runScenario, type TestEvent, toJsonLines } from "../support/scenario.ts";

const allCampaigns = readdirSync(CAMPAIGNS_DIR)
  .filter((f) => f.endsWith(".json") && f !== "engine.json")
  .map((f) => f.replace(/\.json$/, ""));
const UNTIL = "2026-04-30T00:00:00Z";

function run(events: TestEvent[] | string[]) {
  return runScenario(allCampaigns, events, { until: UNTIL });
}

describe("at-least-once delivery and ordering", () => {
  const stream: TestEvent[] = [
    {
      id: "s1",
      type: "customer.signed_up",
      at: "2026-03-01T08:00:00Z",
      detail: { customerId: "c1", email: "c1@example.com" },
    },
    {
      id: "k1",
      type: "cart.updated",
      at: "2026-03-02T10:00:00Z",
      detail: { customerId: "c1", cartId: "k1", items: [{ productId: "p1" }], total: 10, currency: "USD" },
    },
    {
      id: "o1",
      type: "order.placed",
      at: "2026-03-04T10:00:00Z",
      detail: {
        customerId: "c1",
        orderId: "o1",
        items: [{ productId: "p1" }],
        total: 10,
        currency: "USD",
        fulfillment: "ship",
      },
    },
  ];

  it("the same event delivered twice (same id) yields the same output as once", () => {
    const once = run(stream);
    const twice = run([...stream, stream[1]!, stream[0]!, stream[2]!]);
    expect(once.lines.length).toBeGreaterThan(0);
    expect(twice.lines).toEqual(once.lines);
    expect(twice.report.duplicates).toBe(3);
  });

  it("events given out of order yield the same output as sorted", () => {
    expect(run([...stream].reverse()).lines).toEqual(run(stream).lines);
  });

  it("a bad event is rejected with its field and expectation, and the rest goes on", () => {
    const bad = JSON.stringify({
      id: "bad",
      source: "t",
      "detail-type": "cart.updated",
      time: "2026-03-02T09:00:00Z",
      detail: { customerId: "c1", cartId: "k2", items: "p1", total: 1, currency: "USD" },
    });
    const unknown = JSON.stringify({
      id: "u",
      source: "t",
      "detail-type": "page.scrolled",
      time: "2026-03-02T09:00:00Z",
      detail: {},
    });
    const { lines, report } = run([...toJsonLines(stream), bad, "{not json", unknown]);
    expect(lines).toEqual(run(stream).lines);
    expect(report.rejected.map((r) => [r.line, r.id, r.problems])).toEqual([
      [4, "bad", [{ path: "detail.items", expected: "array, got string" }]],
      [5, undefined, [{ path: "(line)", expected: expect.stringContaining("valid JSON") }]],
    ]);
    expect([...report.ignored]).toEqual([["page.scrolled", 1]]);
  });
});

describe("properties over random streams", () => {
  it("never two sent lines for the same (campaign, customer, step, journey)", () => {
    let sentSeen = 0;
    fc.assert(
      fc.property(validStream, (events) => {
        const seen = new Set<string>();
        collect(events, (line, decision) => {
          if (line.status !== "sent") return;
          const key = `${decision.journeyId}|${line.step}`;
          expect(seen.has(key), `${key} sent twice`).toBe(false);
          seen.add(key);
          sentSeen++;
        });
      }),
      { numRuns: 60 },
    );
    // The property must have been exercised, not passed vacuously.
    expect(sentSeen).toBeGreaterThan(100);
  });

  it("never a sent marketing message on a channel the customer opted out of (or never opted into, for SMS)", () => {
    let marketingSent = 0;
    fc.assert(
      fc.property(validStream, (events) => {
        collect(events, (line, decision) => {
          if (line.status !== "sent" || !decision.marketing) return;
          const consent = consentAt(events, line.customerId, line.channel, Date.parse(line.at));
          expect(consent, `${line.campaign} ${line.channel} to ${line.customerId} at ${line.at}`).not.toBe(
            "opted_out",
          );
          if (line.channel === "sms") expect(consent).toBe("opted_in");
          marketingSent++;
        });
      }),
      { numRuns: 60 },
    );
    expect(marketingSent).toBeGreaterThan(50);
  });

  it("duplicated and shuffled deliveries give the same output", () => {
    fc.assert(
      fc.property(validStream, fc.array(fc.nat(), { maxLength: 10 }), (events, picks) => {
        const lines = toJsonLines(events);
        const duplicates = picks.map((p) => lines[p % lines.length]!);
        const shuffled = [...lines, ...duplicates].reverse();
        expect(run(shuffled).lines).toEqual(run(lines).lines);
      }),
      { numRuns: 25 },
    );
  });

  it("random invalid events never crash the run nor change what valid events do", () => {
    fc.assert(
      fc.property(
        validStream,
        fc.array(
          invalidLine.filter((line) => line.trim() !== ""),
          { minLength: 1, maxLength: 15 },
        ),
        (events, garbage) => {
          const lines = toJsonLines(events);
          const mixed = [...lines];
          garbage.forEach((line, i) => {
            mixed.splice((i * 7) % (mixed.length + 1), 0, line);
          });
          const { report, lines: out } = run(mixed);
          expect(out).toEqual(run(lines).lines);
          expect(
            report.rejected.length + [...report.ignored.values()].reduce((a, b) => a + b, 0),
          ).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

function collect(events: TestEvent[], onSent: (line: MessageLine, decision: MessageDecision) => void) {
  runScenario(allCampaigns, events, { until: UNTIL, onMessage: onSent });
}

function consentAt(events: TestEvent[], customerId: string, channel: string, at: number): string | undefined {
  let status: string | undefined;
  for (const event of events) {
    if (Date.parse(event.at) > at || event.detail.customerId !== customerId) continue;
    const detail = event.detail;
    if (event.type === "consent.updated" && detail.channel === channel && !detail.topic)
      status = detail.status as string;
    if (channel === "sms" && (event.type === "customer.signed_up" || event.type === "customer.updated")) {
      if (detail.smsOptIn === true) status = "opted_in";
      if (detail.smsOptIn === false) status = "opted_out";
    }
  }
  return status;
}
