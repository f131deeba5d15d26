// `npx tsx bench/bundles.bench.ts`: each Lambda bundled as the stack bundles it (esbuild, ESM, minified,
// AWS SDK included), its size, and the cold-start init time measured locally: a fresh `node` process
// importing the bundle (median of 5), with the campaign files next to it as in the deployed package.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const out = join(root, ".tmp", "bundles");
const handlers = ["ingest", "catalog-fanout", "journey-step", "sweep", "feedback", "unsubscribe"];
rmSync(out, { recursive: true, force: true });

for (const name of handlers) {
  const dir = join(out, name);
  mkdirSync(join(dir, "campaigns"), { recursive: true });
  await build({
    entryPoints: [join(root, "functions", "handlers", `${name}.ts`)],
    outfile: join(dir, "index.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    mainFields: ["module", "main"],
    minify: true,
    logLevel: "error",
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  for (const file of readdirSync(join(root, "campaigns")).filter((f) => f.endsWith(".json")))
    cpSync(join(root, "campaigns", file), join(dir, "campaigns", file));
  const bytes = statSync(join(dir, "index.mjs")).size;
  const env = {
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_NAMESPACE: "Engage",
    ...process.env,
    STATE_TABLE: "t",
    INTEREST_TABLE: "t",
    EVENT_BUS_NAME: "b",
    AWS_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  // The first call builds the runtime (clients, campaign files validated and compiled) and is given an
  // input it rejects before any AWS call, so the figure is init work only.
  const script = `const t=performance.now(); const m=await import(${JSON.stringify(join(dir, "index.mjs"))}); const i=performance.now(); try { await m.handler({}); } catch {} console.log("TIMING", i-t, performance.now()-t)`;
  const runs = Array.from({ length: 5 }, () =>
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { env })
      .toString()
      .split("\n")
      .find((line) => line.startsWith("TIMING"))!
      .split(" ")
      .slice(1)
      .map(Number),
  );
  const median = (values: number[]) => values.sort((a, b) => a - b)[2]!.toFixed(0);
  console.log(
    `${name.padEnd(15)} ${(bytes / 1024).toFixed(0).padStart(5)} KiB  import ${median(runs.map((r) => r[0]!))} ms, ` +
      `import + first call ${median(runs.map((r) => r[1]!))} ms (medians of 5)`,
  );
}
