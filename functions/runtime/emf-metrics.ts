// The functions' CloudWatch metrics: Embedded Metric Format lines on stdout, as Powertools' Metrics wrote
// them (the namespace and service dimension from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME,
// stored metrics published per invocation, single metrics at once), without compiling Powertools at
// every cold start (docs/performance.md, the tenth round).

export const MetricUnit = { Count: "Count" } as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** CloudWatch takes at most 100 metrics per EMF line, and 100 values per metric. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;

/** One metric with dimensions of its own, published as soon as it is added. */
export type SingleMetric = {
  addDimension(name: string, value: string): void;
  addMetric(name: string, unit: MetricUnit, value: number): void;
};

export type EmfMetrics = {
  /** Stored until publishStoredMetrics (the handler shell calls it after each invocation). */
  addMetric(name: string, unit: MetricUnit, value: number): void;
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): void;
  singleMetric(): SingleMetric;
};

const TRUE_VALUES = new Set(["1", "true", "yes", "on"]);

export function emfMetrics(
  env: NodeJS.ProcessEnv = process.env,
  // process, not process.stdout: the stream is made on first access, so an invocation that publishes
  // nothing does not make it.
  out: { stdout: NodeJS.WritableStream } = process,
  now: () => number = Date.now,
): EmfMetrics {
  const disabled = TRUE_VALUES.has((env.POWERTOOLS_METRICS_DISABLED ?? "").trim().toLowerCase());
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE || "default_namespace";
  const service = env.POWERTOOLS_SERVICE_NAME || "service_undefined";
  const stored = new Map<string, { unit: MetricUnit; values: number[] }>();

  const publish = (
    dimensions: Record<string, string>,
    metrics: Map<string, { unit: MetricUnit; values: number[] }>,
  ) => {
    if (disabled || metrics.size === 0) return;
    const line: Record<string, unknown> = {
      _aws: {
        Timestamp: now(),
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: [Object.keys(dimensions)],
            Metrics: [...metrics].map(([name, { unit }]) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      ...dimensions,
    };
    for (const [name, { values }] of metrics) line[name] = values.length === 1 ? values[0] : values;
    out.stdout.write(`${JSON.stringify(line)}\n`);
  };

  const publishStoredMetrics = () => {
    publish({ service }, stored);
    stored.clear();
  };

  return {
    addMetric(name, unit, value) {
      const metric = stored.get(name);
      if (!metric && stored.size >= MAX_METRICS) publishStoredMetrics();
      const values = stored.get(name)?.values ?? [];
      values.push(value);
      stored.set(name, { unit, values });
      if (values.length >= MAX_VALUES) publishStoredMetrics();
    },
    hasStoredMetrics: () => stored.size > 0,
    publishStoredMetrics,
    singleMetric() {
      const dimensions: Record<string, string> = { service };
      return {
        addDimension(name, value) {
          dimensions[name] = value;
        },
        addMetric(name, unit, value) {
          publish(dimensions, new Map([[name, { unit, values: [value] }]]));
        },
      };
    },
  };
}
