#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx engage …` works from a checkout without a build step.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI_NODE_FLAGS } from "./node-flags.js";

const here = dirname(fileURLToPath(import.meta.url));
const result = spawnSync(
  process.execPath,
  [...CLI_NODE_FLAGS, "--import", "tsx", join(here, "..", "cli.ts"), ...process.argv.slice(2)],
  {
    stdio: "inherit",
  },
);
process.exit(result.status ?? 1);
