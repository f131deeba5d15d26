// `engage dev` (the live runtime until Ctrl-C) and `engage start` (npm start: the runtime with a fast
// clock, the sample shop replayed through its PutEvents endpoint, the per-campaign summary).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { CliError } from "../cli-error.ts";
import { describeMessage } from "../message-line.ts";
import { handlePageRequest } from "./page/handler.ts";

const DEFAULT_PORT = 4010;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** npm start's clock once the replay is over: an hour of runtime time per real second. */
const START_SPEED = 3600;
/** As engage simulate: the replay runs on this long after the last event, so journeys and sweeps finish. */
const RUN_ON = 30 * DAY;
/**
 * The replay sends at most this many entries ahead of the bus's deliveries: the sender shares the
 * process with the runtime, and 1,000 PutEvents calls sent at once would hold up the first deliveries.
 */
const SEND_AHEAD = 100;
/** How often npm start says how far the replay is. */
const PROGRESS_MS = 10_000;
export async function devMain(command: "dev" | "start", args: string[]): Promise<number> {
  // Before the handlers' modules load: Powertools reads these once.
  process.env.POWERTOOLS_METRICS_NAMESPACE ??= "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const code = await (command === "dev" ? dev(args) : start(args));
  // Stopped: what a stand-in left open (a leveldb handle, a keep-alive socket) must not keep the CLI up.
  process.exit(code);
}

async function dev(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      speed: { type: "string" },
      data: { type: "string" },
      campaigns: { type: "string" },
    },
  });
  const { startDevRuntime } = await import("./runtime.ts");
  const runtime = await startDevRuntime({
    port: portOf(values.port),
    speed: speedOf(values.speed),
    ...(values.data ? { dataDir: values.data } : {}),
    ...(values.campaigns ? { campaignsDir: values.campaigns } : {}),
    page: handlePageRequest,
  });
  runtime.goLive(speedOf(values.speed));
  const out = (text: string) => process.stdout.write(`${text}\n`);
  out(`engage dev on ${runtime.url} (runtime clock ${runtime.view.now()}, ${speedOf(values.speed)}x)`);
  if (runtime.resumed > 0) out(`resumed ${runtime.resumed} journey workflow(s) from ${values.data}`);
  out(`  EventBridge: aws events put-events --endpoint-url ${runtime.url} --entries file://events.json`);
  out(`  SDK: new EventBridgeClient({ endpoint: "${runtime.url}" })`);
  out("Ctrl-C to stop");
  await untilInterrupted();
  await runtime.stop();
  return 0;
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      once: { type: "boolean", default: false },
      port: { type: "string" },
      speed: { type: "string" },
      events: { type: "string", default: "examples/shop.jsonl" },
      hours: { type: "string" },
    },
  });
  const hours = values.hours === undefined ? undefined : Number(values.hours);
  if (hours !== undefined && (!Number.isFinite(hours) || hours <= 0))
    throw new CliError(`--hours: expected a number of hours, got "${values.hours}"`);
  const all = readFileSync(resolve(values.events), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => ({ line, at: Date.parse((JSON.parse(line) as { time: string }).time) }))
    .sort((a, b) => a.at - b.at);
  if (all.length === 0) throw new CliError(`${values.events}: no events`);
  const first = all[0]!.at;
  // The whole stream, run on as engage simulate runs it; --hours replays its first hours only.
  const end = hours === undefined ? all.at(-1)!.at + RUN_ON : first + hours * HOUR;
  const lines = all.filter(({ at }) => at < end).map(({ line }) => line);

  const { startDevRuntime } = await import("./runtime.ts");
  const { localEventBridgeClient, replayLines } = await import("./replay.ts");
  const runtime = await startDevRuntime({
    port: portOf(values.port),
    replay: true,
    start: Math.floor(first / DAY) * DAY,
    page: handlePageRequest,
  });
  const err = (text: string) => process.stderr.write(`${text}\n`);
  // Since this process started (performance's time origin), module loading included.
  const seconds = () => (performance.now() / 1000).toFixed(1);
  err(
    `engage dev on ${runtime.url}: replaying ${lines.length} of ${all.length} events (${hours === undefined ? "all" : `the first ${hours} hours`} of ${values.events}) through PutEvents; the page is up meanwhile`,
  );
  // The replay streams: the first message shows as soon as it is sent, progress every few seconds.
  const stopWatching = runtime.view.onChange(() => {
    const firstSent = runtime.recorder.sent[0];
    if (!firstSent) return;
    stopWatching();
    err(
      `first message after ${seconds()} s: ${firstSent.sentAt.slice(0, 16)} ${firstSent.campaignId} ${firstSent.channel} ${firstSent.to}`,
    );
  });
  const progress = setInterval(() => {
    const { delivered } = runtime.stats();
    err(
      `  ${seconds()} s: ${delivered} of ${lines.length} events delivered, runtime clock ${runtime.view.now().slice(0, 16)}, ${runtime.recorder.sent.length} messages sent`,
    );
  }, PROGRESS_MS);
  const replayStarted = performance.now();
  await replayLines(localEventBridgeClient(runtime.url), lines, async () => {
    while (runtime.stats().queued > SEND_AHEAD) await new Promise((resolve) => setTimeout(resolve, 5));
  });
  await runtime.advanceTo(end);
  clearInterval(progress);
  stopWatching();
  const replaySeconds = (performance.now() - replayStarted) / 1000;
  err(runtime.summary.format());
  err("\nthe first message each campaign sent (addresses masked):");
  const firsts = new Map<string, DevMessageLine>();
  for (const line of runtime.messageLines())
    if (line.status === "sent" && !firsts.has(line.campaign)) firsts.set(line.campaign, line);
  for (const line of [...firsts.values()].sort((a, b) => a.campaign.localeCompare(b.campaign)))
    err(describeMessage(line));
  const sent = runtime.recorder.sent.length;
  const { dynamodbCalls } = runtime.stats();
  err(
    `${lines.length} events in ${replaySeconds.toFixed(1)} s (${(lines.length / replaySeconds).toFixed(1)} events/s through PutEvents, ` +
      `${(dynamodbCalls / lines.length).toFixed(1)} DynamoDB calls per event), ${sent} messages sent, ` +
      `runtime clock at ${runtime.view.now()}; ${seconds()} s since the process started`,
  );
  // Nobody can press Ctrl-C in a pipe or CI: there the summary is the end, as with --once.
  if (values.once || !process.stdout.isTTY) {
    if (!values.once)
      err("(output is not a terminal: exiting after the summary; run it in a terminal to keep the page up)");
    await runtime.stop();
    return 0;
  }
  const speed = speedOf(values.speed ?? String(START_SPEED));
  runtime.goLive(speed);
  err(
    `\nthe page: ${runtime.url}/  (the runtime clock now runs ${speed}x; send events to ${runtime.url}; Ctrl-C to stop)`,
  );
  await untilInterrupted();
  await runtime.stop();
  return 0;
}

type DevMessageLine = { at: string; campaign: string; channel: string; to?: string; template?: string };

function portOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port: expected a port number (0 for any free port), got "${text}"`);
  return port;
}

function speedOf(text: string | undefined): number {
  if (text === undefined) return 1;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed <= 0)
    throw new CliError(`--speed: expected a positive number, got "${text}"`);
  return speed;
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
