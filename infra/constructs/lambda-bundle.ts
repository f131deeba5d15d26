// How every Lambda is bundled, in one place: the stack and bench/bundles.bench.ts both build with
// esbuildOptions, so the bench measures the bundle the stack deploys (test/infra/engine-stack.test.ts
// compares the two byte for byte). The stack runs esbuild itself (lambdaCode) rather than through
// NodejsFunction, whose single --outfile cannot hold the chunks that code splitting writes.

import { readdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { AssetHashType, DockerImage, type ILocalBundling } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { type BuildOptions, buildSync, type Metafile } from "esbuild";
import { LIQUIDJS_FILE } from "../../functions/runtime/liquidjs-on-first-use.ts";

const LIQUIDJS_ON_FIRST_USE_INPUT = "functions/runtime/liquidjs-on-first-use.ts";

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
    // The template engine, required by the first render from a file of its own (writeFirstUseFiles):
    // a cold start that renders nothing does not compile it.
    liquidjs: join(import.meta.dirname, "../..", LIQUIDJS_ON_FIRST_USE_INPUT),
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
  // Code splitting: what a handler reaches only through import() (functions/wiring-on-first-use.ts: the
  // sending adapters and their SDK clients) is a chunk of its own, compiled by the first call that needs
  // it and not at every cold start. The entry stays index.mjs (the function's handler is index.handler).
  splitting: true,
  entryNames: "index",
  // Beside index.mjs: a chunk finds the package's files (campaigns.json) where the entry does.
  chunkNames: "[name]-[hash]",
  outExtension: { ".js": ".mjs" } as Record<string, string>,
} as const;

/**
 * A function's package, bundled on this machine at synthesis (the stack's bundling-stacks context
 * skips it, as it skipped NodejsFunction's): index.mjs and its chunks, then `finishPackage` (the
 * campaigns beside the code, the source maps moved out). Hashed by its output.
 */
export function lambdaCode(
  projectRoot: string,
  entry: string,
  finishPackage: (outputDir: string) => void,
): lambda.Code {
  return lambda.Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never run: the local bundling below either succeeds or fails the synthesis.
      image: DockerImage.fromRegistry("public.ecr.aws/sam/build-nodejs22.x"),
      local: new EsbuildBundling(entry, finishPackage),
    },
  });
}

class EsbuildBundling implements ILocalBundling {
  constructor(
    // A field of its own: CDK's asset cache tells bundlings apart by their serialized options.
    readonly entry: string,
    private readonly finishPackage: (outputDir: string) => void,
  ) {}

  tryBundle(outputDir: string): boolean {
    const { metafile } = buildSync({ ...esbuildOptions(this.entry, outputDir), metafile: true });
    writeFirstUseFiles(metafile as Metafile, outputDir);
    this.finishPackage(outputDir);
    return true;
  }
}

/**
 * Beside a bundle whose code requires liquidjs on first use (functions/runtime/liquidjs-on-first-use.ts),
 * the package as one minified CommonJS file. The stack and the bench call it after esbuildOptions' build.
 */
export function writeFirstUseFiles(metafile: Metafile, outdir: string): void {
  const usesLiquid = Object.values(metafile.outputs).some((output) =>
    Object.keys(output.inputs).some((input) => input.endsWith(LIQUIDJS_ON_FIRST_USE_INPUT)),
  );
  if (!usesLiquid) return;
  buildSync({
    entryPoints: ["liquidjs"],
    absWorkingDir: join(import.meta.dirname, "../.."),
    outfile: join(outdir, LIQUIDJS_FILE),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    // A package's own code: a stack trace through it is decoded without a map.
    sourcemap: false,
    logLevel: "error",
  });
}

/** Moves every source map of a package (`<file>.map`) into `mapsDir`, as `<name>.<file>.map` (the entry's: `<name>.mjs.map`). */
export function moveSourceMaps(outputDir: string, mapsDir: string, name: string): void {
  for (const file of readdirSync(outputDir).filter((file) => file.endsWith(".map")))
    renameSync(
      join(outputDir, file),
      join(mapsDir, file === "index.mjs.map" ? `${name}.mjs.map` : `${name}.${file}`),
    );
}

/** The bundle through esbuild's API (the stack and the bench): `outdir`/index.mjs and its chunks. */
export function esbuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    outdir,
    splitting: LAMBDA_BUNDLE.splitting,
    entryNames: LAMBDA_BUNDLE.entryNames,
    chunkNames: LAMBDA_BUNDLE.chunkNames,
    outExtension: LAMBDA_BUNDLE.outExtension,
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
