import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { z } from "zod";
import { type Campaign, CampaignSchema } from "../functions/core/config/campaign.ts";
import type { Condition } from "../functions/core/config/condition.ts";
import { type EngineConfig, EngineConfigSchema } from "../functions/core/config/engine.ts";
import { templateProblems } from "../functions/core/templates/templates.ts";

export const ENGINE_FILE = "engine.json";

export type CampaignFileProblem = { file: string; path: string; expected: string };

export class CampaignFilesError extends Error {
  constructor(readonly problems: CampaignFileProblem[]) {
    super(`campaign files are invalid:\n${problems.map(formatProblem).join("\n")}`);
    this.name = "CampaignFilesError";
  }
}

export function formatProblem(problem: CampaignFileProblem): string {
  return `${problem.file}: ${problem.path}: expected ${problem.expected}`;
}

export type CampaignDirectory = { campaigns: Campaign[]; engine: EngineConfig };

/** Reads and validates a campaign directory; throws CampaignFilesError listing every problem. */
export function loadCampaignDirectory(dir: string): CampaignDirectory {
  const { campaigns, engine, problems } = readCampaignDirectory(dir);
  if (problems.length > 0 || !engine) throw new CampaignFilesError(problems);
  return { campaigns, engine };
}

/** Every problem of every file in the directory, for `engage validate`. */
export function readCampaignDirectory(dir: string): {
  campaigns: Campaign[];
  engine: EngineConfig | undefined;
  problems: CampaignFileProblem[];
} {
  const problems: CampaignFileProblem[] = [];
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => entry.name)
    .sort();
  const enginePath = join(dir, ENGINE_FILE);
  const engine = files.includes(ENGINE_FILE)
    ? parseFile(enginePath, EngineConfigSchema, problems)
    : undefined;
  if (!files.includes(ENGINE_FILE))
    problems.push({
      file: enginePath,
      path: "(file)",
      expected: "an engine.json with the engine-wide policies",
    });
  const campaigns: Campaign[] = [];
  for (const name of files.filter((file) => file !== ENGINE_FILE)) {
    const file = join(dir, name);
    const campaign = parseFile(file, CampaignSchema, problems);
    const raw = campaign ?? readJson(file, []);
    for (const problem of templateProblems(raw))
      problems.push({ file, path: problem.path, expected: problem.message });
    if (!campaign) continue;
    if (campaign.id !== basename(name, ".json"))
      problems.push({
        file,
        path: "id",
        expected: `"${basename(name, ".json")}" (the file name without .json)`,
      });
    if (engine) for (const problem of rankingProblems(campaign, engine)) problems.push({ file, ...problem });
    campaigns.push(campaign);
  }
  return { campaigns, engine, problems };
}

function parseFile<T>(file: string, schema: z.ZodType<T>, problems: CampaignFileProblem[]): T | undefined {
  const json = readJson(file, problems);
  if (json === undefined) return undefined;
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    for (const leaf of leafIssues(issue, []))
      problems.push({ file, path: formatPath(leaf.path), expected: describeIssue(leaf.issue) });
  }
  return undefined;
}

function readJson(file: string, problems: CampaignFileProblem[]): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    problems.push({ file, path: "(file)", expected: `valid JSON (${(error as Error).message})` });
    return undefined;
  }
}

type Leaf = { path: PropertyKey[]; issue: z.core.$ZodIssue };

/**
 * A union's issue is reported through the branch the author most likely meant: the one that
 * accepted the `type` (or, failing that, the one with the fewest complaints), with full paths.
 */
function leafIssues(issue: z.core.$ZodIssue, prefix: PropertyKey[]): Leaf[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== "invalid_union") return [{ path, issue }];
  const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  if (branches.length === 0) return [{ path, issue }];
  const typeMatched = branches.filter(
    (branch) => !branch.some((i) => i.path.length === 1 && i.path[0] === "type"),
  );
  const candidates = typeMatched.length > 0 ? typeMatched : branches;
  const closest = candidates.reduce((best, branch) => (branch.length < best.length ? branch : best));
  return closest.flatMap((inner) => leafIssues(inner, path));
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_value")
    return `one of ${(issue as { values: unknown[] }).values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (issue.code === "unrecognized_keys")
    return `no key ${(issue as { keys: string[] }).keys.map((k) => `"${k}"`).join(", ")} (unknown field)`;
  if (issue.code === "invalid_type") {
    const received = /received (\w+)/.exec(issue.message)?.[1];
    return `${issue.expected}, got ${received === undefined || received === "undefined" ? "nothing" : received}`;
  }
  return issue.message;
}

function rankingProblems(campaign: Campaign, engine: EngineConfig): { path: string; expected: string }[] {
  const problems: { path: string; expected: string }[] = [];
  const known = Object.keys(engine.rankings);
  const expected = `a ranking defined in engine.json (${known.join(", ")})`;
  campaign.triggers.forEach((trigger, index) => {
    if (trigger.type === "trait" && trigger.movesUp && !engine.rankings[trigger.movesUp])
      problems.push({ path: `triggers[${index}].movesUp`, expected });
    for (const ranking of rankingsIn(trigger.where))
      if (!engine.rankings[ranking]) problems.push({ path: `triggers[${index}].where`, expected });
  });
  return problems;
}

function rankingsIn(condition: Condition | undefined): string[] {
  if (!condition) return [];
  if ("all" in condition) return condition.all.flatMap(rankingsIn);
  if ("any" in condition) return condition.any.flatMap(rankingsIn);
  if ("not" in condition) return rankingsIn(condition.not);
  return "op" in condition && condition.op === "rankAbove" ? [condition.ranking] : [];
}
