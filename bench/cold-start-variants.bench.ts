// `npx tsx bench/cold-start-variants.bench.ts`: what a DynamoDB client or a zod flavour costs a cold start,
// alone. Each file of bench/cold-start-variants/ is bundled as the stack bundles a function (esbuildOptions),
// then imported and called once in a fresh `node` against dynalite (one consistent GetItem of a small
// binary item), the variants alternated, CPU time (process.cpuUsage), medians of RUNS (default 11).
// VARIANTS=a,b picks some. docs/performance.md, the seventh cold-start round, has the figures.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { build } from "esbuild";
import { esbuildOptions } from "../infra/constructs/lambda-bundle.ts";

const root = join(import.meta.dirname, "..");
const sources = join(import.meta.dirname, "cold-start-variants");
const variants =
  process.env.VARIANTS?.split(",") ??
  readdirSync(sources)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => file.replace(/\.ts$/, ""));
const RUNS = Number(process.env.RUNS ?? 11);

const server = dynalite({ createTableMs: 0 });
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
const setup = new DynamoDBClient({ endpoint, region: "us-east-1", credentials });
await setup.send(
  new CreateTableCommand({
    TableName: "state",
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "customerId", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "customerId", KeyType: "HASH" }],
  }),
);
await setup.send(
  new PutItemCommand({
    TableName: "state",
    Item: { customerId: { S: "c-1" }, version: { N: "3" }, state: { B: new Uint8Array(300).fill(7) } },
  }),
);

const input = {
  id: "bench-1",
  source: "shop.web",
  "detail-type": "customer.signed_up",
  time: "2026-03-02T00:01:19Z",
  detail: { customerId: "c-1", timezone: "America/New_York", locale: "en-US", email: "a@example.com" },
};
const bundles = new Map<string, string>();
for (const variant of variants) {
  const dir = join(root, ".tmp", "cold-start-variants", variant);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build(esbuildOptions(join(sources, `${variant}.ts`), dir));
  bundles.set(variant, join(dir, "index.mjs"));
  const bytes = readdirSync(dir)
    .filter((file) => file.endsWith(".mjs"))
    .reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
  console.log(`${variant}: ${(bytes / 1024).toFixed(1)} KiB`);
}

const script = (bundle: string) =>
  [
    "const c=process.cpuUsage();",
    `const m=await import(${JSON.stringify(bundle)});`,
    "const ic=process.cpuUsage(c);",
    `const r=await m.handler(${JSON.stringify(input)});`,
    "const fc=process.cpuUsage(c);",
    'console.log("TIMING", (ic.user+ic.system)/1e3, (fc.user+fc.system)/1e3, JSON.stringify(r) === undefined)',
  ].join(" ");
const env = {
  PATH: process.env.PATH,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_SESSION_TOKEN: "bench",
  AWS_ENDPOINT_URL: endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};
const timings = new Map<string, number[][]>(variants.map((variant) => [variant, []]));
for (let run = 0; run < RUNS; run++)
  for (const variant of variants) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script(bundles.get(variant)!)],
      { env },
    );
    const [importCpu, firstCallCpu] = stdout.split("TIMING ")[1]!.split(" ").map(Number);
    timings.get(variant)!.push([importCpu!, firstCallCpu!]);
  }
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const [variant, runs] of timings)
  console.log(
    `${variant.padEnd(20)} import CPU ${median(runs.map((r) => r[0]!)).toFixed(0)} ms, ` +
      `import + first call CPU ${median(runs.map((r) => r[1]!)).toFixed(0)} ms (medians of ${RUNS})`,
  );
setup.destroy();
server.close();
