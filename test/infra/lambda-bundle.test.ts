import { rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { expect, it } from "vitest";
import { esbuildOptions } from "../../infra/constructs/lambda-bundle.ts";
import { PROJECT_ROOT, scratchDir } from "./engine-app-fixture.ts";

it("bundles zod without its ~40 locales (every import of zod is a namespace import esbuild can shake)", async () => {
  const outdir = scratchDir("lambda-bundle-");
  try {
    const entry = join(PROJECT_ROOT, "functions", "handlers", "ingest.ts");
    const { metafile } = await build({ ...esbuildOptions(entry, join(outdir, "index.mjs")), metafile: true });
    const output = Object.values(metafile.outputs).find((file) => file.entryPoint);
    const locales = Object.entries(output!.inputs)
      .filter(([path, { bytesInOutput }]) => /zod\/v4\/locales\//.test(path) && bytesInOutput > 0)
      .map(([path]) => path);
    // English only: zod's default error map, which the edge's messages use.
    expect(locales.map((path) => path.replace(/.*\//, ""))).toEqual(["en.js"]);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}, 60_000);
