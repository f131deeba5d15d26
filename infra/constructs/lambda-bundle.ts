// How every Lambda is bundled, in one place: the stack's NodejsFunction options and the esbuild options
// bench/bundles.bench.ts builds with are both derived from LAMBDA_BUNDLE, so the bench measures the
// bundle the stack deploys (test/infra/lambda-bundle.test.ts compares the two bundles byte for byte).

import { join } from "node:path";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

export const LAMBDA_BUNDLE = {
  format: "esm",
  target: "node22",
  mainFields: ["module", "main"],
  minify: true,
  // The AWS SDK is bundled: the version the lockfile pins, tree-shaken, in one file (the runtime's own
  // SDK is a different version and costs a few hundred files to load at cold start).
  external: [] as string[],
  // Lambda gives the credentials in the environment: the SDK's default chain (SSO, ini files, IMDS, web
  // identity and the STS/SSO clients behind them) is replaced by the environment provider alone.
  alias: {
    "@aws-sdk/credential-provider-node": join(
      import.meta.dirname,
      "../../functions/runtime/lambda-credentials.ts",
    ),
  } as Record<string, string>,
  // Code that only tests and local runs need (functions/wiring.ts: the campaign directory reader and the
  // campaign-file schemas) is dead code in a bundle, left out by esbuild.
  define: { "process.env.ENGAGE_LAMBDA_BUNDLE": '"true"' } as Record<string, string>,
  // Source maps are written beside the bundle without a sourceMappingURL comment, then moved out of the
  // function's package (an artifact for decoding stack traces): nothing loads them at runtime.
  sourcemap: "external",
  sourcesContent: false,
  // Some CommonJS dependencies call require(); an ESM bundle has to provide it (under a name no bundled
  // module imports: the SDK imports createRequire itself).
  banner:
    "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
} as const;

/** The NodejsFunction bundling options for LAMBDA_BUNDLE, with the function's command hooks. */
export function cdkBundling(commandHooks: nodejs.ICommandHooks): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    minify: LAMBDA_BUNDLE.minify,
    bundleAwsSDK: true,
    externalModules: LAMBDA_BUNDLE.external,
    define: LAMBDA_BUNDLE.define,
    esbuildArgs: { "--alias": Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => `${from}=${to}`) },
    sourceMap: true,
    sourceMapMode: nodejs.SourceMapMode.EXTERNAL,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    logLevel: nodejs.LogLevel.WARNING,
    banner: LAMBDA_BUNDLE.banner,
    commandHooks,
  };
}

/** The same bundle through esbuild's API (the bench), written to `outfile`. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: LAMBDA_BUNDLE.format,
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    minify: LAMBDA_BUNDLE.minify,
    external: LAMBDA_BUNDLE.external,
    alias: LAMBDA_BUNDLE.alias,
    define: LAMBDA_BUNDLE.define,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    banner: { js: LAMBDA_BUNDLE.banner },
    logLevel: "error",
  };
}
