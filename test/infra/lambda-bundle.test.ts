import { rmSync } from "node:fs";
import { join } from "node:path";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { esbuildOptions } from "../../infra/constructs/lambda-bundle.ts";
import { PROJECT_ROOT, scratchDir } from "./engine-app-fixture.ts";

let outdir: string;
/** The files ingest's bundle holds code from (esbuild's metafile). */
let bundled: string[];

/** The files a handler's bundle holds code from (esbuild's metafile). */
async function bundledFiles(handler: string): Promise<string[]> {
  const entry = join(PROJECT_ROOT, "functions", "handlers", `${handler}.ts`);
  const options = esbuildOptions(entry, join(outdir, handler, "index.mjs"));
  const { metafile } = await build({ ...options, metafile: true });
  const output = Object.values((metafile as Metafile).outputs).find((file) => file.entryPoint);
  return Object.entries(output!.inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path);
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

it("bundles no sending client into the functions granted no effect (feedback, unsubscribe)", async () => {
  const sending = ["@aws-sdk/client-sesv2", "@aws-sdk/client-sns", "@aws-sdk/client-sfn"];
  for (const handler of ["feedback", "unsubscribe"]) {
    const packages = new Set((await bundledFiles(handler)).map(packageOf));
    expect(packages, handler).toContain("@aws-sdk/client-dynamodb");
    for (const client of sending) expect(packages, `${handler}: ${client}`).not.toContain(client);
  }
}, 120_000);

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
