import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Campaign } from "../../functions/core/config/campaign.ts";
import { esbuildOptions, writeFirstUseFiles } from "../../infra/constructs/lambda-bundle.ts";
import { PROJECT_ROOT, scratchDir } from "./engine-app-fixture.ts";

let outdir: string;
/** The files ingest's bundle holds code from (esbuild's metafile), in all its chunks. */
let bundled: string[];

/**
 * The files a handler's package holds code from (esbuild's metafile): in all its chunks, or with
 * `coldStart` only in those a cold start loads (index.mjs and what it imports statically).
 */
async function bundledFiles(
  handler: string,
  { coldStart = false, andChunkOf }: { coldStart?: boolean; andChunkOf?: string } = {},
): Promise<string[]> {
  const entry = join(PROJECT_ROOT, "functions", "handlers", `${handler}.ts`);
  const { metafile } = await build({ ...esbuildOptions(entry, join(outdir, handler)), metafile: true });
  const { outputs } = metafile as Metafile;
  const loaded = new Set(Object.keys(outputs).filter((path) => !path.endsWith(".map")));
  if (coldStart) {
    loaded.clear();
    const visit = (path: string) => {
      if (loaded.has(path)) return;
      loaded.add(path);
      for (const { path: next, kind } of outputs[path]!.imports)
        if (kind === "import-statement" && outputs[next]) visit(next);
    };
    visit(Object.keys(outputs).find((path) => outputs[path]!.entryPoint)!);
    // And what loading the chunk that holds this file loads (a first call's import()).
    if (andChunkOf)
      for (const path of Object.keys(outputs))
        if (Object.keys(outputs[path]!.inputs).some((input) => input.endsWith(andChunkOf))) visit(path);
  }
  return [...loaded].flatMap((path) =>
    Object.entries(outputs[path]!.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  );
}

const packageOf = (path: string) => path.match(/node_modules\/(@[^/]+\/[^/]+)/)?.[1];

beforeAll(async () => {
  outdir = scratchDir("lambda-bundle-");
  bundled = await bundledFiles("ingest");
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it("bundles zod without its ~40 locales (every import of zod is a namespace import esbuild can shake)", () => {
  const locales = bundled.filter((path) => /zod\/v4\/locales\//.test(path));
  // English only: zod's default error map, which the edge's messages use.
  expect(locales.map((path) => path.replace(/.*\//, ""))).toEqual(["en.js"]);
});

it("bundles no classic zod: every schema a function builds is zod/mini (functions/core/validation/zod.ts)", async () => {
  // Classic zod's module set-up and schema classes cost a cold start ~30 ms of CPU; mini's shake.
  for (const handler of ["ingest", "catalog-fanout", "journey-step", "sweep", "feedback", "unsubscribe"]) {
    const files = handler === "ingest" ? bundled : await bundledFiles(handler);
    expect(
      files.filter((path) => /node_modules\/zod\/v4\/classic\//.test(path)),
      handler,
    ).toEqual([]);
    expect(
      files.some((path) => /node_modules\/zod\/v4\/mini\//.test(path)),
      handler,
    ).toBe(true);
  }
}, 240_000);

it("words a bundled edge's problems from zod's English messages (zod/mini loads no locale of its own)", async () => {
  const dir = join(outdir, "envelope");
  const entry = join(PROJECT_ROOT, "functions", "core", "events", "envelope.ts");
  await build(esbuildOptions(entry, dir));
  const review = { source: "s", "detail-type": "review.submitted", time: "2026-03-02T00:00:00Z" };
  const inputs = [
    { ...review, time: "t", detail: {} },
    { ...review, detail: { customerId: "c", productId: 1, rating: 9 } },
  ];
  // A process of its own: zod keeps its configuration (the locale) on globalThis, which this one's zod set.
  const script = `const { parseEnvelope } = await import(${JSON.stringify(join(dir, "index.mjs"))});
    console.log(JSON.stringify(${JSON.stringify(inputs)}.map((input) => parseEnvelope(input).problems)));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
  expect(JSON.parse(stdout)).toEqual([
    [{ path: "time", expected: "a valid datetime" }],
    [
      { path: "detail.productId", expected: "string, got number" },
      { path: "detail.rating", expected: "a number at most 5" },
    ],
  ]);
}, 240_000);

it("bundles the environment credential provider instead of the SDK's default chain and its clients", () => {
  const packages = new Set(bundled.map(packageOf));
  expect(packages).toContain("@aws-sdk/credential-provider-env");
  for (const unused of [
    "@aws-sdk/credential-provider-node",
    "@aws-sdk/credential-provider-ini",
    "@aws-sdk/credential-provider-sso",
    "@aws-sdk/credential-provider-process",
    "@aws-sdk/credential-provider-web-identity",
    "@aws-sdk/credential-provider-http",
    "@smithy/credential-provider-imds",
    "@aws-sdk/nested-clients",
  ])
    expect(packages, unused).not.toContain(unused);
  expect(bundled.some((path) => path.endsWith("functions/runtime/lambda-credentials.ts"))).toBe(true);
});

it("loads no AWS SDK at a cold start: DynamoDB through DynamoDbDocuments; SES, SNS, Step Functions, EventBridge, SQS are a chunk of their own", async () => {
  const onFirstUse = [
    "@aws-sdk/client-sesv2",
    "@aws-sdk/client-sns",
    "@aws-sdk/client-sfn",
    "@aws-sdk/client-eventbridge",
  ];
  for (const handler of ["ingest", "catalog-fanout", "journey-step", "sweep", "feedback", "unsubscribe"]) {
    const files = await bundledFiles(handler, { coldStart: true });
    expect(files.some((path) => path.endsWith("functions/adapters/dynamodb-documents.ts"))).toBe(true);
    // The SDK's clients, their core (@smithy/core, @aws-sdk/core) and the DocumentClient: none.
    const sdk = [...new Set(files.map(packageOf))].filter(
      (name) => name !== undefined && /^@(smithy|aws-sdk)\//.test(name) && name !== "@aws-sdk/util-dynamodb",
    );
    expect(sdk, handler).toEqual([]);
  }
  // Still in the package, loaded by the first call that sends (functions/wiring-on-first-use.ts).
  for (const client of onFirstUse) expect(bundled.map(packageOf), client).toContain(client);
  expect((await bundledFiles("catalog-fanout")).map(packageOf)).toContain("@aws-sdk/client-sqs");
}, 240_000);

it("reads the unsubscribe signing key without the AWS SDK: the first call's code holds no @aws-sdk or @smithy package", async () => {
  const firstCall = await bundledFiles("unsubscribe", {
    coldStart: true,
    andChunkOf: "functions/adapters/secrets-manager-secret.ts",
  });
  expect(firstCall.some((path) => path.endsWith("functions/adapters/secrets-manager-secret.ts"))).toBe(true);
  expect(firstCall.some((path) => path.endsWith("functions/adapters/aws-json-request.ts"))).toBe(true);
  const sdk = [...new Set(firstCall.map(packageOf))].filter(
    (name) => name !== undefined && /^@(smithy|aws-sdk)\//.test(name) && name !== "@aws-sdk/util-dynamodb",
  );
  expect(sdk).toEqual([]);
  // Nor does any other bundle: Secrets Manager's SDK client is gone from every package.
  expect(bundled.map(packageOf)).not.toContain("@aws-sdk/client-secrets-manager");
}, 240_000);

it("bundles neither the campaign directory reader nor the campaign-file schemas (the campaigns ship validated)", async () => {
  // Building those schemas was about a fifth of a cold start; only tests and local runs read a directory.
  const buildTime = [
    "functions/campaign-files/load.ts",
    "functions/core/config/campaign.ts",
    "functions/core/config/condition.ts",
    "functions/core/config/duration.ts",
    "functions/core/config/engine.ts",
    "functions/core/config/policies.ts",
  ];
  for (const handler of ["ingest", "catalog-fanout", "journey-step", "sweep", "feedback", "unsubscribe"]) {
    const files = handler === "ingest" ? bundled : await bundledFiles(handler);
    expect(
      files.filter((path) => buildTime.some((file) => path.endsWith(file))),
      handler,
    ).toEqual([]);
  }
}, 240_000);

it("compiles neither liquidjs nor luxon at a cold start: liquidjs is a file of its own, required by the first render", async () => {
  for (const handler of ["ingest", "journey-step", "sweep", "feedback", "unsubscribe"]) {
    const files = await bundledFiles(handler);
    expect(
      files.filter((path) => /node_modules\/(liquidjs|luxon)\//.test(path)),
      handler,
    ).toEqual([]);
    expect(
      files.some((path) => path.endsWith("functions/runtime/liquidjs-on-first-use.ts")),
      handler,
    ).toBe(true);
  }
  // The templates as bundled: the first engine made requires liquidjs.cjs, written beside the bundle.
  const dir = join(outdir, "templates");
  const entry = join(PROJECT_ROOT, "functions", "core", "templates", "templates.ts");
  const { metafile } = await build({ ...esbuildOptions(entry, dir), metafile: true });
  writeFirstUseFiles(metafile as Metafile, dir);
  expect(existsSync(join(dir, "liquidjs.cjs"))).toBe(true);
  const templates = (await import(
    join(dir, "index.mjs")
  )) as typeof import("../../functions/core/templates/templates.ts");
  const campaign = {
    steps: [{ type: "send", channel: "email", template: "t" }],
    templates: {
      t: {
        subject: "Hi {{ profile.firstName }}",
        body: "<p>{{ profile.firstName }}, {{ params.code | upcase }}</p>",
      },
    },
  } as unknown as Campaign;
  const template = templates.compileTemplates(campaign).get("t")!;
  const scope = { profile: { firstName: "Ann <b>" }, params: { code: "save10" } };
  expect(templates.renderSubject(template, scope)).toBe("Hi Ann <b>");
  expect(templates.renderBody(template, scope)).toBe("<p>Ann &lt;b&gt;, SAVE10</p>");
}, 240_000);

it("loads Powertools' batch processing in ingest only with the first SQS batch (fan-out), not at a cold start", async () => {
  const coldStart = new Set((await bundledFiles("ingest", { coldStart: true })).map(packageOf));
  expect(coldStart).toContain("@aws-sdk/util-dynamodb");
  expect(coldStart).not.toContain("@aws-lambda-powertools/batch");
  expect(bundled.map(packageOf)).toContain("@aws-lambda-powertools/batch");
}, 240_000);

it("compiles neither Powertools' logger and metrics nor middy at a cold start: the functions' own JSON log and EMF", async () => {
  const handlers = ["ingest", "catalog-fanout", "journey-step", "sweep", "feedback", "unsubscribe"];
  for (const handler of handlers) {
    const files = await bundledFiles(handler, { coldStart: true });
    const packages = new Set(files.map((path) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]));
    for (const gone of [
      "@aws-lambda-powertools/logger",
      "@aws-lambda-powertools/metrics",
      "@aws-lambda-powertools/commons",
      "@middy/core",
    ])
      expect(packages, `${handler}: ${gone}`).not.toContain(gone);
    expect(
      files.some((path) => path.endsWith("functions/runtime/emf-metrics.ts")),
      handler,
    ).toBe(true);
  }
}, 240_000);
