// `npm run bench:simulate [-- --customers N --days N --seed N]`: engage simulate's throughput on a
// generated stream (default ~1M events), one core, measured from parsing the lines to the last wake-up.
import { parseArgs } from "node:util";
import { generateShopStream } from "../examples/shop-stream.ts";
import { compileEngine } from "../functions/core/engine/compile.ts";
import { loadCampaignDirectory } from "../local/campaign-files.ts";
import { simulate } from "../local/simulator.ts";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "22000" },
    days: { type: "string", default: "90" },
    seed: { type: "string", default: "7" },
  },
});
const customers = Number(values.customers);
const days = Number(values.days);

let started = performance.now();
const lines = generateShopStream({ seed: Number(values.seed), customers, days, anomalies: false }).map(
  (envelope) => JSON.stringify(envelope),
);
const generatedIn = (performance.now() - started) / 1000;
const { campaigns, engine: config } = loadCampaignDirectory("campaigns");
const engine = compileEngine(campaigns, config);

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
started = performance.now();
let sent = 0;
const report = simulate(engine, lines, {
  onMessage: (line) => {
    if (line.status === "sent") sent++;
  },
});
const seconds = (performance.now() - started) / 1000;
const heapAfter = process.memoryUsage().heapUsed;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
console.log(
  `stream: ${lines.length} lines, ${customers} customers, ${days} days (generated in ${generatedIn.toFixed(1)} s)`,
);
console.log(`simulate: ${seconds.toFixed(2)} s, ${Math.round(report.events / seconds)} events/s`);
console.log(`decisions: ${report.messages} messages (${sent} sent), ${report.customers} customers`);
console.log(`heap: ${mb(heapBefore)} before, ${mb(heapAfter)} after (includes the input lines)`);
