// `npx tsx bench/bundles.bench.ts`: each Lambda bundled exactly as the stack bundles it (the esbuild
// options come from infra/constructs/lambda-bundle.ts, as the stack's do), the package as deployed (the
// validated campaigns beside the code, no source map), its size, and its cold start measured locally:
// fresh `node` processes (median of RUNS) importing the bundle and making a first call. Each first call
// is a valid input that reaches the function's first AWS request; a local endpoint answers every request
// at once with an error, so the figure covers the clients' creation and first request, not AWS's time.
// Beside wall time, the process's CPU time (process.cpuUsage, all threads): the machine is shared, and
// the CPU figure moves less with the load. BUNDLE_PROFILE=<dir> also writes one `node --cpu-prof` profile
// per bundle (an extra run, not counted) into <dir>; BUNDLE_ANALYZE=1 prints each bundle's bytes by package
// or project folder (esbuild's metafile), largest first.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { writeBundledCampaigns } from "../infra/bundled-campaigns.ts";
import { esbuildOptions, writeFirstUseFiles } from "../infra/constructs/lambda-bundle.ts";

const root = join(import.meta.dirname, "..");
const RUNS = 7;

const customerEvent = {
  id: "bench-1",
  source: "shop.web",
  "detail-type": "customer.signed_up",
  time: "2026-03-02T00:01:19Z",
  detail: { customerId: "c-1", timezone: "America/New_York", locale: "en-US", newsletter: true },
};

/** A valid input per handler (file under functions/handlers/), one that reaches its first AWS call. */
const FIRST_CALLS: Record<string, unknown> = {
  ingest: customerEvent,
  "catalog-fanout": {
    id: "bench-2",
    source: "shop.catalog",
    "detail-type": "product.price_changed",
    time: "2026-03-06T05:58:00Z",
    detail: {
      product: { productId: "p-009", name: "Frother", price: 54.99 },
      price: 54.99,
      previousPrice: 79,
      currency: "USD",
    },
  },
  "journey-step": { customerId: "c-1", instanceId: "welcome:c-1:1" },
  sweep: { campaignId: "win-back", scheduledTime: "2026-03-02T09:00:00Z" },
  feedback: {
    version: "0",
    id: "bench-3",
    "detail-type": "Email Delivered",
    source: "aws.ses",
    account: "123456789012",
    time: "2026-03-01T08:00:05Z",
    region: "us-east-1",
    resources: [],
    detail: {
      eventType: "Delivery",
      mail: {
        timestamp: "2026-03-01T08:00:00.000Z",
        source: "news@shop.example",
        messageId: "0100018e-bench",
        destination: ["x@example.com"],
        tags: { campaign: ["welcome"], step: ["email"], customer: ["c-1"] },
      },
      delivery: { timestamp: "2026-03-01T08:00:01.000Z" },
    },
  },
  unsubscribe: {
    headers: { host: "abc.lambda-url.us-east-1.on.aws", "content-type": "application/x-www-form-urlencoded" },
    queryStringParameters: { token: "bench.token" },
    requestContext: { http: { method: "POST" } },
    body: "List-Unsubscribe=One-Click",
    isBase64Encoded: false,
  },
};

export type BundleMeasure = {
  name: string;
  /** What a cold start loads: index.mjs and the chunks it imports statically. */
  bytes: number;
  /** Every chunk of the package, those loaded on first use too (import(), and liquidjs.cjs by require()). */
  packageBytes: number;
  importMs: number;
  firstCallMs: number;
  /** CPU time of the same two spans (user + system, every thread of the process). */
  importCpuMs: number;
  firstCallCpuMs: number;
};

type ColdStart = Omit<BundleMeasure, "name" | "bytes" | "packageBytes">;

/** Every function's bundle as deployed: size, and medians of import and of import + first call. */
export async function measureBundles(): Promise<BundleMeasure[]> {
  const out = join(root, ".tmp", "bundles");
  rmSync(out, { recursive: true, force: true });
  const endpoint = await errorEndpoint();
  try {
    const results: BundleMeasure[] = [];
    for (const [name, input] of Object.entries(FIRST_CALLS)) {
      const dir = join(out, name);
      mkdirSync(dir, { recursive: true });
      const bundle = join(dir, "index.mjs");
      const { metafile } = await build({
        ...esbuildOptions(join(root, "functions", "handlers", `${name}.ts`), dir),
        metafile: true,
      });
      writeFirstUseFiles(metafile as Metafile, dir);
      if (process.env.BUNDLE_ANALYZE)
        console.log(`${name}, largest inputs:\n${largestInputs(metafile as Metafile)}`);
      // The stack moves the maps out of the package; so does the bench.
      for (const map of readdirSync(dir).filter((file) => file.endsWith(".map"))) rmSync(join(dir, map));
      writeBundledCampaigns(join(root, "campaigns"), dir);
      const profileDir = process.env.BUNDLE_PROFILE;
      if (profileDir)
        await coldStart(bundle, input, endpoint.url, [
          "--cpu-prof",
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-name=${name}.cpuprofile`,
        ]);
      const runs: ColdStart[] = [];
      for (let run = 0; run < RUNS; run++) {
        const requests = endpoint.requests();
        runs.push(await coldStart(bundle, input, endpoint.url));
        if (endpoint.requests() === requests)
          throw new Error(`${name}: the first call made no AWS request (its input was rejected?)`);
      }
      results.push({
        name,
        bytes: coldStartBytes(metafile as Metafile),
        packageBytes: readdirSync(dir)
          .filter((file) => file.endsWith(".mjs") || file.endsWith(".cjs"))
          .reduce((sum, file) => sum + statSync(join(dir, file)).size, 0),
        importMs: median(runs.map((r) => r.importMs)),
        firstCallMs: median(runs.map((r) => r.firstCallMs)),
        importCpuMs: median(runs.map((r) => r.importCpuMs)),
        firstCallCpuMs: median(runs.map((r) => r.firstCallCpuMs)),
      });
    }
    return results;
  } finally {
    endpoint.close();
  }
}

/** One fresh `node` process: the time to import the bundle, and to import it and make the first call. */
async function coldStart(
  bundle: string,
  input: unknown,
  endpointUrl: string,
  nodeFlags: string[] = [],
): Promise<ColdStart> {
  const script = [
    "const c=process.cpuUsage(), t=performance.now();",
    `const m=await import(${JSON.stringify(bundle)});`,
    "const i=performance.now(), ic=process.cpuUsage(c);",
    `try { await m.handler(${JSON.stringify(input)}); } catch {}`,
    "const f=performance.now(), fc=process.cpuUsage(c);",
    'console.log("TIMING", i-t, f-t, (ic.user+ic.system)/1e3, (fc.user+fc.system)/1e3)',
  ].join(" ");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeFlags, "--input-type=module", "-e", script],
    { env: functionEnvironment(endpointUrl) },
  );
  const [importMs, firstCallMs, importCpuMs, firstCallCpuMs] = stdout
    .split("\n")
    .find((line) => line.startsWith("TIMING"))!
    .split(" ")
    .slice(1)
    .map(Number);
  return {
    importMs: importMs!,
    firstCallMs: firstCallMs!,
    importCpuMs: importCpuMs!,
    firstCallCpuMs: firstCallCpuMs!,
  };
}

/** What the stack sets (infra/constructs/engine-functions.ts), the SDK pointed at the local endpoint. */
function functionEnvironment(endpointUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    POWERTOOLS_SERVICE_NAME: "engage",
    POWERTOOLS_METRICS_NAMESPACE: "Engage",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    STATE_TABLE: "state",
    INTEREST_TABLE: "interest",
    EVENT_BUS_NAME: "engage",
    JOURNEY_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:journey",
    FANOUT_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/fanout",
    SES_CONFIGURATION_SET: "engage",
    FROM_ADDRESS: "Shop <news@shop.example>",
    UNSUBSCRIBE_URL: "https://unsubscribe.shop.example/",
    UNSUBSCRIBE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_ENDPOINT_URL: endpointUrl,
    // Lambda runs Node.js 22; the SDK warns on older versions.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** An endpoint answering every AWS request at once with a client error (not retried). */
async function errorEndpoint() {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on("end", () => {
      response.writeHead(400, {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-errortype": "ValidationException",
      });
      response.end(JSON.stringify({ __type: "ValidationException", message: "bench endpoint" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => server.close() };
}

/** The chunks a cold start loads: the entry and, transitively, what it imports statically. */
function coldStartChunks(metafile: Metafile): string[] {
  const { outputs } = metafile;
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path) || !outputs[path]) return;
    loaded.add(path);
    for (const { path: next, kind } of outputs[path].imports) if (kind === "import-statement") visit(next);
  };
  visit(Object.keys(outputs).find((path) => outputs[path]!.entryPoint)!);
  return [...loaded];
}

function coldStartBytes(metafile: Metafile): number {
  return coldStartChunks(metafile).reduce((sum, path) => sum + metafile.outputs[path]!.bytes, 0);
}

/** The bytes a cold start loads by package (node_modules) or project folder, largest first. */
function largestInputs(metafile: Metafile, top = 15): string {
  const bytes = new Map<string, number>();
  const inputs = coldStartChunks(metafile).flatMap((path) => Object.entries(metafile.outputs[path]!.inputs));
  for (const [path, { bytesInOutput }] of inputs) {
    const key = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? path.replace(/\/[^/]*$/, "");
    bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, size]) => `${(size / 1024).toFixed(1).padStart(8)} KiB  ${key}`)
    .join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (process.argv[1] === import.meta.filename) {
  for (const {
    name,
    bytes,
    packageBytes,
    importMs,
    firstCallMs,
    importCpuMs,
    firstCallCpuMs,
  } of await measureBundles())
    console.log(
      `${name.padEnd(15)} ${(bytes / 1024).toFixed(0).padStart(5)} KiB (package ${(packageBytes / 1024).toFixed(0)})  import ${importMs.toFixed(0)} ms ` +
        `(CPU ${importCpuMs.toFixed(0)}), import + first call ${firstCallMs.toFixed(0)} ms ` +
        `(CPU ${firstCallCpuMs.toFixed(0)}) (medians of ${RUNS})`,
    );
}
