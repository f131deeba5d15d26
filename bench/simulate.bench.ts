// `npm run bench:simulate [-- --customers N --days N --seed N --events N]`: engage simulate's throughput
// on a generated stream (default ~1M events; `--events` keeps its first N) written to a file and read
// back as the CLI reads it: one core, from the first line read to the last wake-up, with the heap
// measured before and after. `--generate-only` writes the file; a later run finds it and only
// simulates, so its peak RSS is the simulation's (`--json` prints the figures as one JSON line, for
// `npm run bench`, which runs each size in a fresh process).
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateShopStream } from "../examples/shop-stream.ts";
import { loadCampaignDirectory } from "../functions/campaign-files/load.ts";
import { compileCampaigns } from "../functions/core/engine/compile.ts";
import type { CustomerState } from "../functions/core/state/customer-state.ts";
import { CLI_NODE_FLAGS } from "../local/bin/node-flags.js";
import { streamFromFile } from "../local/event-source.ts";
import { simulate } from "../local/simulator.ts";

// Measured as `engage` runs: this process again with the CLI's node flags (placed last, they win).
if (!process.env.ENGAGE_BENCH_CHILD) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, ...CLI_NODE_FLAGS, process.argv[1]!, ...process.argv.slice(2)],
    { stdio: "inherit", env: { ...process.env, ENGAGE_BENCH_CHILD: "1" } },
  );
  process.exit(child.status ?? 1);
}

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "22000" },
    days: { type: "string", default: "90" },
    seed: { type: "string", default: "7" },
    events: { type: "string" },
    "generate-only": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const customers = Number(values.customers);
const days = Number(values.days);
const dir = join(import.meta.dirname, "..", ".tmp");
mkdirSync(dir, { recursive: true });
const limit = values.events === undefined ? undefined : Number(values.events);
const file = join(dir, `bench-${customers}-${days}-${values.seed}${limit ? `-${limit}` : ""}.jsonl`);

let started = performance.now();
let lineCount = 0;
if (!existsSync(file)) {
  const partial = `${file}.partial`;
  const fd = openSync(partial, "w");
  const envelopes = generateShopStream({
    seed: Number(values.seed),
    customers,
    days,
    anomalies: false,
  }).slice(0, limit);
  for (let i = 0; i < envelopes.length; i += 10_000)
    writeSync(
      fd,
      `${envelopes
        .slice(i, i + 10_000)
        .map((e) => JSON.stringify(e))
        .join("\n")}\n`,
    );
  lineCount = envelopes.length;
  closeSync(fd);
  renameSync(partial, file);
}
const generatedIn = (performance.now() - started) / 1000;
if (values["generate-only"]) process.exit(0);
const { campaigns, settings } = loadCampaignDirectory(join(import.meta.dirname, "..", "campaigns"));
const compiled = compileCampaigns(campaigns, settings);

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
started = performance.now();
const cpuBefore = process.cpuUsage();
let sent = 0;
// Held here so the live heap measured after the run counts them.
const states = new Map<string, CustomerState>();
const report = simulate(compiled, streamFromFile(file), {
  states,
  onMessage: (line) => {
    if (line.status === "sent") sent++;
  },
});
const seconds = (performance.now() - started) / 1000;
// CPU time beside wall: on a shared machine the wall clock counts the other processes' turns too.
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const memory = process.memoryUsage();
// What the run keeps (the customers' states) against what V8 let pile up.
global.gc?.();
const heapLiveBytes = global.gc ? process.memoryUsage().heapUsed : undefined;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
if (values.json) {
  console.log(
    JSON.stringify({
      events: report.events,
      customers: report.customers,
      seconds,
      eventsPerSecond: report.events / seconds,
      cpuSeconds,
      eventsPerCpuSecond: report.events / cpuSeconds,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      rssBytes: memory.rss,
      heapLiveBytes,
      messages: report.messages,
    }),
  );
  process.exit(0);
}
console.log(
  `stream: ${lineCount} lines, ${customers} customers, ${days} days (generated and written in ${generatedIn.toFixed(1)} s)`,
);
console.log(
  `simulate: ${seconds.toFixed(2)} s, ${Math.round(report.events / seconds)} events/s; CPU ${cpuSeconds.toFixed(2)} s, ${Math.round(report.events / cpuSeconds)} events per CPU second`,
);
console.log(`decisions: ${report.messages} messages (${sent} sent), ${report.customers} customers`);
console.log(
  `heap: ${mb(heapBefore)} before, ${mb(memory.heapUsed)} after (${heapLiveBytes === undefined ? "?" : mb(heapLiveBytes)} live after a full GC); rss ${mb(memory.rss)}, peak ${mb(process.resourceUsage().maxRSS * 1024)}`,
);
