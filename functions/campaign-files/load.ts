import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { z } from "zod";
import { type Campaign, CampaignSchema } from "../core/config/campaign.ts";
import type { Condition } from "../core/config/condition.ts";
import { type EngineSettings, EngineSettingsSchema } from "../core/config/engine.ts";
import { templateProblems, unquotedAttributeProblems } from "../core/templates/templates.ts";
import { describeIssues, formatPath } from "../core/validation/describe-issue.ts";
import { rawJsonProblem } from "../core/validation/raw-json.ts";
import { loopProblems } from "../core/validation/step-loops.ts";

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

export type CampaignDirectory = { campaigns: Campaign[]; settings: EngineSettings };

/** Reads and validates a campaign directory; throws CampaignFilesError listing every problem. */
export function loadCampaignDirectory(dir: string): CampaignDirectory {
  const { campaigns, settings, problems } = readCampaignDirectory(dir);
  if (problems.length > 0 || !settings) throw new CampaignFilesError(problems);
  return { campaigns, settings };
}

/** Every problem of every file in the directory, for `engage validate`. */
export function readCampaignDirectory(dir: string): {
  campaigns: Campaign[];
  settings: EngineSettings | undefined;
  problems: CampaignFileProblem[];
} {
  const problems: CampaignFileProblem[] = [];
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => entry.name)
    .sort();
  const enginePath = join(dir, ENGINE_FILE);
  const settings = files.includes(ENGINE_FILE)
    ? parseFile(enginePath, EngineSettingsSchema, problems)
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
    const json = readJson(file, problems);
    if (json === undefined) continue;
    const checked = checkCampaign(file, json, settings);
    problems.push(...checked.problems);
    if (checked.campaign) campaigns.push(checked.campaign);
  }
  return { campaigns, settings, problems };
}

/**
 * One campaign file's JSON, checked as `engage validate` does: the campaign when it is valid, and
 * every problem found (with the engine's settings, when engine.json is valid, for rankings and loops).
 */
export function checkCampaign(
  file: string,
  json: unknown,
  settings: EngineSettings | undefined,
): { campaign?: Campaign; problems: CampaignFileProblem[] } {
  const problems: CampaignFileProblem[] = [];
  const campaign = parseJson(file, json, CampaignSchema, problems);
  for (const problem of templateProblems(json))
    problems.push({ file, path: problem.path, expected: problem.message });
  if (!campaign) return { problems };
  const name = basename(file, ".json");
  if (campaign.id !== name)
    problems.push({ file, path: "id", expected: `"${name}" (the file name without .json)` });
  for (const problem of unquotedAttributeProblems(campaign))
    problems.push({ file, path: problem.path, expected: problem.message });
  if (settings) {
    for (const problem of rankingProblems(campaign, settings)) problems.push({ file, ...problem });
    for (const problem of loopProblems(campaign, settings.minLoopWait)) problems.push({ file, ...problem });
  }
  return problems.length > 0 ? { problems } : { campaign, problems };
}

function parseFile<T>(file: string, schema: z.ZodType<T>, problems: CampaignFileProblem[]): T | undefined {
  const json = readJson(file, problems);
  return json === undefined ? undefined : parseJson(file, json, schema, problems);
}

function parseJson<T>(
  file: string,
  json: unknown,
  schema: z.ZodType<T>,
  problems: CampaignFileProblem[],
): T | undefined {
  const raw = rawJsonProblem(json);
  if (raw) {
    problems.push({ file, path: formatPath(raw.path), expected: raw.expected });
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const problem of describeIssues(parsed.error)) problems.push({ file, ...problem });
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

function rankingProblems(campaign: Campaign, settings: EngineSettings): { path: string; expected: string }[] {
  const problems: { path: string; expected: string }[] = [];
  const known = Object.keys(settings.rankings);
  const isRanking = (name: string) => Object.hasOwn(settings.rankings, name);
  const expected = `a ranking defined in engine.json (${known.join(", ")})`;
  campaign.triggers.forEach((trigger, index) => {
    if (trigger.type === "trait" && trigger.movesUp && !isRanking(trigger.movesUp))
      problems.push({ path: `triggers[${index}].movesUp`, expected });
  });
  for (const { path, condition } of campaignConditions(campaign))
    for (const ranking of rankingsIn(condition)) if (!isRanking(ranking)) problems.push({ path, expected });
  return problems;
}

/** Every condition of a campaign, with its path in the file. */
function campaignConditions(campaign: Campaign): { path: string; condition: Condition | undefined }[] {
  return [
    ...campaign.triggers.flatMap((trigger, index) => [
      { path: `triggers[${index}].where`, condition: trigger.where },
      { path: `triggers[${index}].products.where`, condition: trigger.products?.where },
    ]),
    ...campaign.exitOn.map((rule, index) => ({ path: `exitOn[${index}].where`, condition: rule.where })),
    ...campaign.steps.map((step, index) =>
      step.type === "send"
        ? { path: `steps[${index}].when`, condition: step.when }
        : step.type === "branch"
          ? { path: `steps[${index}].if`, condition: step.if }
          : {
              path: `steps[${index}].where`,
              condition: step.type === "waitForEvent" ? step.where : undefined,
            },
    ),
  ];
}

/** Conditions are at most 32 deep once parsed (ConditionSchema), so this recursion is bounded. */
function rankingsIn(condition: Condition | undefined): string[] {
  if (!condition) return [];
  if ("all" in condition) return condition.all.flatMap(rankingsIn);
  if ("any" in condition) return condition.any.flatMap(rankingsIn);
  if ("not" in condition) return rankingsIn(condition.not);
  return "op" in condition && condition.op === "rankAbove" ? [condition.ranking] : [];
}
