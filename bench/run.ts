// `npm run bench` (BENCH_QUICK=1 for a smoke run): issue 9's figures in one run, side by side, written to
// bench/results/latest.json and latest.md. Timings are medians of repeats; each simulate size and the AWS
// usage run in a fresh process. Never part of npm test.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import type { AwsCostCounts } from "./aws-costs.ts";
import { measureRules, type RulesResult } from "./rules.bench.ts";

const root = join(import.meta.dirname, "..");
const quick = process.env.BENCH_QUICK === "1";
const started = Date.now();
const log = (text: string) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${text}\n`);

type Row = { measure: string; value: string; target: string };
const rows: Row[] = [];
const row = (measure: string, value: string, target = "") => rows.push({ measure, value, target });
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const lastJsonLine = (output: string) =>
  JSON.parse(
    output
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .at(-1)!,
  );

// 1. Trigger evaluation, core vs json-rules-engine.
log("trigger evaluation: core vs json-rules-engine");
const rules: RulesResult = await measureRules(quick ? { lines: 2000, repeats: 3 } : { repeats: 5 });
row(
  "trigger evaluation, core (event × its state, all triggers of its type)",
  `${fmt(rules.coreEvaluationsPerSecond)} /s`,
);
if (rules.jsonRulesEngine) {
  row(
    "json-rules-engine 7.3.1, one engine of all rules",
    `${fmt(rules.jsonRulesEngine.allRulesPerSecond)} /s (core ${fmt(rules.ratioAllRules!)}x faster)`,
    "keep the ratio in the report",
  );
  row(
    "json-rules-engine 7.3.1, one engine per event type",
    `${fmt(rules.jsonRulesEngine.perTypeEnginePerSecond)} /s (core ${fmt(rules.ratioPerType!)}x faster)`,
  );
  row(
    "same matches on both sides",
    `${rules.matches.agree ? "yes" : "NO"} (${fmt(rules.matches.core)} matches)`,
  );
} else row("json-rules-engine", `skipped: ${rules.skipped}`);

// 2. Simulate at three sizes, each in a fresh process: shops of 5k, 10k and 20k customers over the same
// days, each stream generated first by another process. The customers' density is the same, so the
// sizes differ in how many customers there are, not in how old their histories are (a prefix of one
// stream would be its first days: younger, smaller states, faster per event).
const days = quick ? 20 : 99;
const shops = quick ? [250, 500, 1000] : [5_000, 10_000, 20_000];
const simulate: Record<string, unknown>[] = [];
const node = [
  process.execPath,
  "--expose-gc",
  "--max-old-space-size=8192",
  "--import",
  "tsx",
  "bench/simulate.bench.ts",
];
for (const customers of shops) {
  const streamArgs = ["--customers", String(customers), "--days", String(days)];
  log(`simulate: ${customers} customers, ${days} days`);
  execFileSync(node[0]!, [...node.slice(1), ...streamArgs, "--generate-only"], {
    cwd: root,
    stdio: "inherit",
  });
  const result = lastJsonLine(
    execFileSync(node[0]!, [...node.slice(1), ...streamArgs, "--json"], {
      cwd: root,
      maxBuffer: 1 << 26,
    }).toString(),
  ) as { events: number; customers: number; eventsPerSecond: number; peakRssBytes: number; seconds: number };
  simulate.push({ customersGenerated: customers, days, ...result });
  row(
    `engage simulate, ${fmt(result.events)} events / ${fmt(result.customers)} customers`,
    `${fmt(result.eventsPerSecond)} events/s, peak RSS ${fmt(result.peakRssBytes / 2 ** 20)} MB`,
    customers === shops.at(-1) ? ">= 50,000 events/s, <= 1 GB, linear in events" : "linear in events",
  );
}
const rate = (index: number) => (simulate.at(index) as { eventsPerSecond: number }).eventsPerSecond;
row(
  "engage simulate, events/s of the largest shop against the smallest",
  `${(rate(-1) / rate(0)).toFixed(2)}x (linear in events: 1.00x; lower is slower per event)`,
  "linear in events",
);

// 3. AWS usage of the sample stream through the deployed handlers (DynamoDB counted on the client).
const customerEvery = quick ? 40 : 4;
log(`AWS usage: examples/shop.jsonl, one customer in ${customerEvery}, through the handlers on dynalite`);
const aws = lastJsonLine(
  execFileSync(
    process.execPath,
    ["--import", "tsx", "bench/aws-costs.child.ts", JSON.stringify({ customerEvery })],
    { cwd: root, maxBuffer: 1 << 26 },
  ).toString(),
) as AwsCostCounts;

// The sample keeps one customer in `customerEvery` and every catalog event: scale what the kept customers
// cost to the whole stream (customers' events, their fan-out copies, journeys, sweeps), catalog events as counted.
const full = (() => {
  const lines = readFileSync(join(root, "examples", "shop.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean);
  const catalog = lines.filter((l) => /"detail-type":"product\.(inventory|price)_changed"/.test(l)).length;
  return { events: lines.length, catalog, customer: lines.length - catalog };
})();
const scale = full.customer / aws.events.customer;
const d = aws.dynamodb;
// Two kinds of cost. Per event: what the events and their customers cost (ingest, fan-out, journeys, and
// the sweeps' reads and writes of customers found due), scaled to the whole stream and quoted per 1M
// events; the sweeps run hourly through the stream and the 30 days after it (as the journeys do), so their
// customers' units are counted as they happen and scaled as the events are. Fixed: what the hourly sweeps cost whatever the events (their index Queries and markers, their
// invocations), per swept campaign per hour, quoted per month.
const wcu = {
  customerEvent: d.customerEvent.writeUnits * scale,
  fanoutCandidate: d.fanoutCandidate.writeUnits * scale,
  catalogFanout: d.catalogFanout.writeUnits,
  journeyStep: d.journeyStep.writeUnits * scale,
  sweep: d.sweep.writeUnits * scale,
};
const rcu = {
  customerEvent: d.customerEvent.readUnits * scale,
  fanoutCandidate: d.fanoutCandidate.readUnits * scale,
  catalogFanout: d.catalogFanout.readUnits,
  journeyStep: d.journeyStep.readUnits * scale,
  sweep: d.sweep.readUnits * scale,
};
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
const candidates = aws.events.fanoutCandidates * scale;
const lambdaInvocations = {
  ingest: full.customer + Math.ceil(candidates / 10),
  catalogFanout: full.catalog,
  journeyStep: aws.lambda.journeyStep * scale,
};
const memoryGb = { ingest: 0.5, catalogFanout: 0.5, journeyStep: 0.5, sweep: 1 };
const msPerCall = {
  ingest: (aws.handlerMs.customerEvent + aws.handlerMs.fanoutCandidate) / aws.lambda.ingest,
  catalogFanout: aws.handlerMs.catalogFanout / Math.max(1, aws.lambda.catalogFanout),
  journeyStep: aws.handlerMs.journeyStep / Math.max(1, aws.lambda.journeyStep),
  sweep: aws.handlerMs.sweep / Math.max(1, aws.lambda.sweep),
};
const gbSeconds = (Object.keys(lambdaInvocations) as (keyof typeof lambdaInvocations)[]).reduce(
  (total, fn) => total + (lambdaInvocations[fn] * memoryGb[fn] * msPerCall[fn]) / 1000,
  0,
);
const transitions = aws.stepFunctions.transitions * scale;
const busEvents = full.events + aws.eventBridge.putEventsEntries * scale;
const sqsRequests = Math.ceil(candidates / 10) * 3; // send, receive and delete, 10 messages a request

const { prices } = JSON.parse(readFileSync(join(import.meta.dirname, "prices.json"), "utf8")) as {
  prices: Record<string, { usd: number }>;
};
const perMillion = 1_000_000 / full.events;
const dollars = {
  dynamodbWrites: sum(wcu) * prices.dynamodbWriteRequestUnit!.usd * perMillion,
  dynamodbReads: sum(rcu) * prices.dynamodbReadRequestUnit!.usd * perMillion,
  eventBridge: busEvents * prices.eventBridgeEvent!.usd * perMillion,
  lambdaRequests: sum(lambdaInvocations) * prices.lambdaRequest!.usd * perMillion,
  lambdaDuration: gbSeconds * prices.lambdaArmGbSecond!.usd * perMillion,
  stepFunctions: transitions * prices.stepFunctionsStandardTransition!.usd * perMillion,
  ses: aws.ses.emails * scale * prices.sesEmail!.usd * perMillion,
  sqs: sqsRequests * prices.sqsRequest!.usd * perMillion,
};

// Fixed: the steady state is an hour swept after a swept hour (the first has no marker yet and reads its
// whole catch-up window, once per deployment); the median of those hours.
const HOURS_PER_MONTH = 730;
const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const steadyHour = (hours: AwsCostCounts["sweepFixedByHour"]) => {
  const steady = hours.slice(1).filter((h) => h.afterSweptHour);
  return {
    readUnits: medianOf(steady.map((h) => h.readUnits)),
    writeUnits: medianOf(steady.map((h) => h.writeUnits)),
    firstHourReadUnits: hours[0]?.readUnits ?? 0,
  };
};
// The campaigns' sweeps and the claims' sweep (one more invocation an hour, whatever campaigns are swept).
const fixedPerHour = steadyHour(aws.sweepFixedByHour);
const claimsFixedPerHour = steadyHour(aws.claimsFixedByHour);
const fixedPerMonth = {
  dynamodb:
    ((fixedPerHour.readUnits + claimsFixedPerHour.readUnits) * prices.dynamodbReadRequestUnit!.usd +
      (fixedPerHour.writeUnits + claimsFixedPerHour.writeUnits) * prices.dynamodbWriteRequestUnit!.usd) *
    HOURS_PER_MONTH,
  lambda:
    (aws.sweep.campaigns + 1) *
    HOURS_PER_MONTH *
    (prices.lambdaRequest!.usd + memoryGb.sweep * (msPerCall.sweep / 1000) * prices.lambdaArmGbSecond!.usd),
};

row(
  "DynamoDB write units per customer event (ingest, hot path)",
  `${fmt(d.customerEvent.writeUnits / aws.events.customer, 1)} (of which the due-time index ${fmt(d.customerEvent.indexWriteUnits / aws.events.customer, 1)})`,
  "<= 4",
);
row(
  "DynamoDB read units per customer event (ingest)",
  fmt(d.customerEvent.readUnits / aws.events.customer, 1),
);
row(
  "DynamoDB write units per catalog fan-out candidate",
  fmt(d.fanoutCandidate.writeUnits / Math.max(1, aws.events.fanoutCandidates), 1),
  "0 for a candidate that decides nothing",
);
row(
  "DynamoDB write / read units per event, everything but the sweeps' fixed cost (ingest, fan-out, journey steps, sweeps' customers)",
  `${fmt(sum(wcu) / full.events, 1)} / ${fmt(sum(rcu) / full.events, 1)}`,
);
row(
  "write units by phase, per event of the stream",
  Object.entries(wcu)
    .map(([phase, units]) => `${phase} ${fmt(units / full.events, 1)}`)
    .join(", "),
);
row(
  "state item size written, p50 / p99 / max",
  `${fmt(aws.itemBytesWritten.p50 / 1024, 1)} / ${fmt(aws.itemBytesWritten.p99 / 1024, 1)} / ${fmt(aws.itemBytesWritten.max / 1024, 1)} KB`,
);
const sweepHours = aws.sweep.hoursSwept + aws.sweep.hoursSkipped;
row(
  "hourly sweeps, through the stream and the 30 days after it",
  `${fmt(sweepHours)} hours: ${fmt(aws.sweep.hoursSwept)} swept, ${fmt(aws.sweep.hoursSkipped)} skipped; the claims' sweep ran at ${fmt(aws.sweep.claimsHoursSwept)}, skipped ${fmt(aws.sweep.claimsHoursSkipped)} (no one filed in their window: the same customer units as sweeping them, checked with bench/state-items.ts SWEEP_ALL_HOURS=1); write / read units of customers per event of the stream ${fmt(wcu.sweep / full.events, 1)} / ${fmt(rcu.sweep / full.events, 1)}`,
);
row(
  "hourly sweep, read units of customers per swept campaign per 1,000 customers",
  fmt((d.sweep.readUnits / (sweepHours * aws.sweep.campaigns) / aws.events.customers) * 1000, 1),
  "reads only the customers due that hour",
);
row(
  "hourly sweep, fixed units per swept campaign per hour (index Queries, marker)",
  `${fmt(fixedPerHour.readUnits / aws.sweep.campaigns, 1)} read / ${fmt(fixedPerHour.writeUnits / aws.sweep.campaigns, 1)} write (first hour, no marker yet: ${fmt(fixedPerHour.firstHourReadUnits / aws.sweep.campaigns, 1)} read)`,
);
row(
  "hourly claims' sweep, fixed units per hour (index Queries of the lapses since its last run, marker)",
  `${fmt(claimsFixedPerHour.readUnits, 1)} read / ${fmt(claimsFixedPerHour.writeUnits, 1)} write (first run, no marker yet: ${fmt(claimsFixedPerHour.firstHourReadUnits, 1)} read)`,
);
row(
  "Step Functions transitions per journey",
  `${fmt(aws.stepFunctions.transitionsPerJourney, 1)} (${fmt(aws.stepFunctions.executions)} journeys, ${fmt(aws.stepFunctions.finished)} finished, ${fmt(aws.stepFunctions.stopped)} stopped when their journey ended while they waited)`,
);
row("Lambda invocations per event (event-driven functions)", fmt(sum(lambdaInvocations) / full.events, 2));
row(
  "DynamoDB $ per 1M events (on-demand, us-east-1)",
  `$${fmt(dollars.dynamodbWrites + dollars.dynamodbReads, 2)}`,
  "<= $3",
);
row(
  "all services $ per 1M events",
  `$${fmt(sum(dollars), 2)} (${Object.entries(dollars)
    .map(([k, v]) => `${k} $${fmt(v, 2)}`)
    .join(", ")})`,
);
row(
  `fixed $ per month, whatever the events (${fmt(aws.sweep.campaigns)} swept campaigns and the claims × ${HOURS_PER_MONTH} hourly sweeps)`,
  `$${fmt(fixedPerMonth.dynamodb + fixedPerMonth.lambda, 2)} (DynamoDB $${fmt(fixedPerMonth.dynamodb, 2)}, Lambda $${fmt(fixedPerMonth.lambda, 2)})`,
);

// 5. Bundles, as the stack deploys them: bench/bundles.bench.ts's measureBundles when it has one.
type Bundle = { name: string; bytes: number; importMs: number; firstCallMs: number };
let bundles: Bundle[] | string;
const bundleFile = join(import.meta.dirname, "bundles.bench.ts");
if (
  existsSync(bundleFile) &&
  /export\s+async\s+function\s+measureBundles/.test(readFileSync(bundleFile, "utf8"))
) {
  log("bundles");
  try {
    const module = (await import("./bundles.bench.ts")) as { measureBundles?: () => Promise<Bundle[]> };
    bundles = module.measureBundles
      ? await module.measureBundles()
      : "not available (no measureBundles export)";
  } catch (error) {
    bundles = `not available (${(error as Error).message})`;
  }
} else bundles = "not available (bench/bundles.bench.ts has no measureBundles export yet)";
if (typeof bundles === "string") row("Lambda bundles as deployed", bundles, "import + first call <= 100 ms");
else
  for (const bundle of bundles)
    row(
      `bundle ${bundle.name}: size, import + first call`,
      `${fmt(bundle.bytes / 1024)} KiB, ${fmt(bundle.firstCallMs)} ms (import ${fmt(bundle.importMs)} ms)`,
      "<= 100 ms",
    );

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
  quick,
  seconds: Math.round((Date.now() - started) / 1000),
};
const out = join(import.meta.dirname, "results");
mkdirSync(out, { recursive: true });
const name = quick ? "quick" : "latest";
writeFileSync(
  join(out, `${name}.json`),
  `${JSON.stringify({ machine, rows, rules, simulate, aws, scaled: { scale, wcu, rcu, lambdaInvocations, msPerCall, transitions, busEvents, sqsRequests, full }, dollars, fixedPerHour, claimsFixedPerHour, fixedPerMonth, bundles }, null, 2)}\n`,
);
const md = [
  `Measured ${machine.date.slice(0, 10)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}${quick ? " (BENCH_QUICK: smoke run, small sizes)" : ""}; the bench took ${machine.seconds} s.`,
  "",
  "| measure | value | target |",
  "|---|---|---|",
  ...rows.map((r) => `| ${r.measure} | ${r.value} | ${r.target} |`),
  "",
].join("\n");
writeFileSync(join(out, `${name}.md`), md);
process.stdout.write(md);
