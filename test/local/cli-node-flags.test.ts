import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI_NODE_FLAGS } from "../../local/bin/node-flags.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe("engage's node flags", () => {
  it("are accepted by this node and reach the process", () => {
    const result = spawnSync(
      process.execPath,
      [...CLI_NODE_FLAGS, "-e", "console.log(JSON.stringify(process.execArgv))"],
      { encoding: "utf8" },
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).slice(0, CLI_NODE_FLAGS.length)).toEqual(CLI_NODE_FLAGS);
  });

  it("the bin runs the CLI with them", { timeout: 120_000 }, () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "local", "bin", "engage.js"), "validate", "campaigns"],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 110_000,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
