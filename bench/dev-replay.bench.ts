// The live runtime's replay throughput: the first N events of a stream (default the sample shop's
// first 24 hours) sent through PutEvents with the real EventBridge client, then the clock advanced to
// the end. Prints one JSON line: events/s, DynamoDB calls per event, messages sent. Never part of npm test.
// --all replays the whole stream and runs on 30 days, as engage simulate does; --compare then sets the
// runtime's message lines against simulate's for the same stream (the differences by campaign);
// --delay-seed N delays the runtime's SDK calls as a loaded machine would (test/dev/load-like-delays.ts).
// Usage: npx tsx bench/dev-replay.bench.ts [--hours 24 | --all] [--compare] [--delay-seed N] [--events examples/shop.jsonl]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { MessageLine } from "../functions/core/engine/decisions.ts";

process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values } = parseArgs({
  options: {
    hours: { type: "string", default: "24" },
    events: { type: "string", default: "examples/shop.jsonl" },
    all: { type: "boolean", default: false },
    compare: { type: "boolean", default: false },
    "delay-seed": { type: "string" },
  },
});
const HOUR = 3_600_000;
const DAY = 86_400_000;
const timeOf = (line: string) => Date.parse((JSON.parse(line) as { time: string }).time);
const all = readFileSync(values.events, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "");
const first = Math.min(...all.map(timeOf));
// As engage simulate: the whole stream, then 30 days on.
const end = values.all ? Math.max(...all.map(timeOf)) + 30 * DAY : first + Number(values.hours) * HOUR;
const lines = all.filter((l) => timeOf(l) < end).sort((a, b) => timeOf(a) - timeOf(b));

const { startDevRuntime } = await import("../local/dev/runtime.ts");
const { localEventBridgeClient, replayLines } = await import("../local/dev/replay.ts");
const { loadLikeDelays } = await import("../test/dev/load-like-delays.ts");
const delaySeed = values["delay-seed"];
const runtime = await startDevRuntime({
  port: 0,
  replay: true,
  start: Math.floor(first / DAY) * DAY,
  ...(delaySeed !== undefined ? { callDelay: loadLikeDelays(Number(delaySeed)) } : {}),
});
const sdkCalls: Record<string, number> = {};
for (const [name, client] of Object.entries(runtime.clients))
  if (name !== "dynamodb")
    (client as { middlewareStack: { add(m: unknown, o: unknown): void } }).middlewareStack.add(
      (next: (a: unknown) => unknown, context: { commandName?: string }) => (args: unknown) => {
        const key = `${name}.${context.commandName}`;
        sdkCalls[key] = (sdkCalls[key] ?? 0) + 1;
        return next(args);
      },
      { step: "initialize", name: "benchCount" },
    );
const started = performance.now();
const cpuBefore = process.cpuUsage();
await replayLines(localEventBridgeClient(runtime.url), lines);
await runtime.advanceTo(end);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const { dynamodbCalls, dynamodbCallsByOperation } = runtime.stats();
const messages = runtime.messageLines();
console.log(
  JSON.stringify({
    events: lines.length,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Number((lines.length / seconds).toFixed(1)),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    eventsPerCpuSecond: Number((lines.length / cpuSeconds).toFixed(1)),
    dynamodbCallsPerEvent: Number((dynamodbCalls / lines.length).toFixed(2)),
    sent: runtime.recorder.sent.length,
    messageLines: messages.length,
    dynamodbCallsByOperation,
    sdkCalls,
    ...(values.compare ? { simulate: await againstSimulate(messages, lines, end) } : {}),
  }),
);
await runtime.stop();
process.exit(0);

/** The runtime's lines against engage simulate's for the same stream: counts, and each line by campaign. */
async function againstSimulate(messages: MessageLine[], stream: string[], until: number) {
  const { formatMessageLine } = await import("../local/message-line.ts");
  const { compareWithSimulate, simulatedLines } = await import("../test/dev/shop-subset.ts");
  const started = performance.now();
  const expected = simulatedLines(stream, new Date(until).toISOString());
  const simulateSeconds = (performance.now() - started) / 1000;
  const { missing, unexplained } = compareWithSimulate(messages.map(formatMessageLine).sort(), expected);
  const byCampaign: Record<string, { missing: number; unexplained: number }> = {};
  const tally = (line: string, side: "missing" | "unexplained") => {
    const { campaign } = JSON.parse(line) as { campaign: string };
    byCampaign[campaign] ??= { missing: 0, unexplained: 0 };
    byCampaign[campaign][side]++;
  };
  for (const line of missing) tally(line, "missing");
  for (const line of unexplained) tally(line, "unexplained");
  return {
    lines: expected.length,
    simulateSeconds: Number(simulateSeconds.toFixed(2)),
    missing: missing.length,
    unexplained: unexplained.length,
    byCampaign,
    missingLines: missing,
    unexplainedLines: unexplained,
  };
}
