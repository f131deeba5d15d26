import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import { main } from "../../local/commands.ts";

const ROOT = join(import.meta.dirname, "..", "..");

export type CliResult = {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

/** Runs `engage` as a user does, in a child process that is killed after `timeoutMs`. */
export function runCli(args: string[], timeoutMs = 60_000): CliResult {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "local", "cli.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export function temporaryDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `engage-${prefix}-`));
}

/** A campaign directory: the shipped engine.json with `engine` merged in, and the given campaigns. */
export function campaignDirectory(
  root: string,
  engine: Record<string, unknown>,
  campaigns: Record<string, unknown>[],
): string {
  const dir = join(root, "campaigns");
  mkdirSync(dir, { recursive: true });
  const shipped = JSON.parse(readFileSync(join(ROOT, "campaigns", "engine.json"), "utf8"));
  delete shipped.$schema;
  writeFileSync(join(dir, "engine.json"), JSON.stringify({ ...shipped, ...engine }));
  for (const campaign of campaigns) writeFileSync(join(dir, `${campaign.id}.json`), JSON.stringify(campaign));
  return dir;
}

/** Copies the shipped campaigns, for commands that only need a valid directory. */
export function shippedCampaigns(root: string): string {
  const dir = join(root, "shipped");
  cpSync(join(ROOT, "campaigns"), dir, { recursive: true });
  return dir;
}

export const envelopeLine = (id: string, type: string, time: string, detail: Record<string, unknown>) =>
  JSON.stringify({ id, source: "test", "detail-type": type, time, detail });

/** Runs `engage` in this process; what it wrote to stderr and stdout, and its exit code. */
export function engageInProcess(...argv: string[]) {
  let stderr = "";
  let stdout = "";
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { exitCode: main(argv), stderr, stdout };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}
