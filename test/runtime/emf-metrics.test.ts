import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { emfMetrics, MetricUnit } from "../../functions/runtime/emf-metrics.ts";

const ENV = { POWERTOOLS_METRICS_NAMESPACE: "Engage", POWERTOOLS_SERVICE_NAME: "engage" };
const NOW = 1_772_409_600_000;

function captured(env: NodeJS.ProcessEnv = ENV) {
  const lines: string[] = [];
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { metrics: emfMetrics(env, { stdout }, () => NOW), lines };
}

type Emf = {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
} & Record<string, unknown>;

/** The EMF specification's requirements on a line (CloudWatch drops a line that misses one). */
function validEmf(line: string): Emf {
  expect(line.endsWith("\n") && line.indexOf("\n") === line.length - 1).toBe(true);
  const emf = JSON.parse(line) as Emf;
  expect(Number.isInteger(emf._aws.Timestamp)).toBe(true);
  expect(emf._aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of emf._aws.CloudWatchMetrics) {
    expect(directive.Namespace.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(30);
      for (const dimension of set) expect(typeof emf[dimension]).toBe("string");
    }
    for (const { Name } of directive.Metrics) {
      const value = emf[Name];
      const values = Array.isArray(value) ? value : [value];
      expect(values.length).toBeLessThanOrEqual(100);
      for (const v of values) expect(typeof v).toBe("number");
    }
  }
  return emf;
}

describe("the functions' EMF metrics", () => {
  it("publishes stored metrics in one line, with the service dimension, a metric added twice as its values", () => {
    const { metrics, lines } = captured();
    metrics.addMetric("IgnoredEvents", MetricUnit.Count, 1);
    metrics.addMetric("RejectedEvents", MetricUnit.Count, 1);
    metrics.addMetric("IgnoredEvents", MetricUnit.Count, 1);
    expect(lines).toEqual([]);
    expect(metrics.hasStoredMetrics()).toBe(true);
    metrics.publishStoredMetrics();
    expect(metrics.hasStoredMetrics()).toBe(false);
    expect(lines.map(validEmf)).toEqual([
      {
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: "Engage",
              Dimensions: [["service"]],
              Metrics: [
                { Name: "IgnoredEvents", Unit: "Count" },
                { Name: "RejectedEvents", Unit: "Count" },
              ],
            },
          ],
        },
        service: "engage",
        IgnoredEvents: [1, 1],
        RejectedEvents: 1,
      },
    ]);
    metrics.publishStoredMetrics();
    expect(lines).toHaveLength(1);
  });

  it("publishes a single metric at once, with its own dimensions after the service's", () => {
    const { metrics, lines } = captured();
    const metric = metrics.singleMetric();
    metric.addDimension("campaign", "welcome");
    metric.addDimension("reason", "capped");
    metric.addMetric("Suppressed", MetricUnit.Count, 1);
    metrics.singleMetric().addMetric("FanoutMessages", MetricUnit.Count, 3);
    expect(metrics.hasStoredMetrics()).toBe(false);
    const [first, second] = lines.map(validEmf);
    expect(first).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: "Engage",
            Dimensions: [["service", "campaign", "reason"]],
            Metrics: [{ Name: "Suppressed", Unit: "Count" }],
          },
        ],
      },
      service: "engage",
      campaign: "welcome",
      reason: "capped",
      Suppressed: 1,
    });
    expect(second!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["service"]]);
  });

  it("keeps each line within CloudWatch's limits of 100 metrics and 100 values", () => {
    const { metrics, lines } = captured();
    for (let i = 0; i < 150; i++) metrics.addMetric(`M${i}`, MetricUnit.Count, i);
    for (let i = 0; i < 150; i++) metrics.addMetric("Many", MetricUnit.Count, i);
    metrics.publishStoredMetrics();
    const published = lines.map(validEmf);
    const values = (name: string) =>
      published.flatMap((emf) => (name in emf ? [emf[name]].flat() : [])) as number[];
    expect(values("M149")).toEqual([149]);
    expect(values("Many")).toEqual([...Array(150).keys()]);
  });

  it("prints nothing when POWERTOOLS_METRICS_DISABLED is true", () => {
    const { metrics, lines } = captured({ ...ENV, POWERTOOLS_METRICS_DISABLED: "true" });
    metrics.addMetric("IgnoredEvents", MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    metrics.singleMetric().addMetric("Sent", MetricUnit.Count, 1);
    expect(lines).toEqual([]);
  });
});
