// The core's trigger evaluation against json-rules-engine on the same events, states and equivalent
// rules: each campaign's event and catalog triggers (type and `where`) become a json-rules-engine rule.
// Facts are the core's own fact view (profile, traits computed lazily, …), read through dynamic facts;
// paths are resolved by the core's readPath (json-rules-engine's pathResolver option), since JSONPath
// neither maps over lists as the core does (order.items.upsellProductIds) nor sees the lazy traits. Leaf conditions json-rules-engine has no operator for (interest, rankAbove,
// dropAtLeastPercent, dates) call the core's `holds` on that leaf, so both sides do the same leaf work
// and the difference is the engines. Triggers with `forEach` (one) are left out of both sides.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCampaignDirectory } from "../functions/campaign-files/load.ts";
import type { Condition } from "../functions/core/config/condition.ts";
import { type CompiledCampaigns, compileCampaigns } from "../functions/core/engine/compile.ts";
import { decide, decideCatalog } from "../functions/core/engine/decide.ts";
import type { CatalogEvent, CustomerEvent } from "../functions/core/events/envelope.ts";
import { parseJsonLine } from "../functions/core/events/envelope.ts";
import { type ConditionScope, holds } from "../functions/core/rules/conditions.ts";
import { buildFacts } from "../functions/core/rules/facts.ts";
import { readPath } from "../functions/core/rules/paths.ts";
import { customerZone } from "../functions/core/state/apply-event.ts";
import { type CustomerState, emptyCustomerState } from "../functions/core/state/customer-state.ts";

const root = join(import.meta.dirname, "..");
const ROOTS = ["event", "profile", "traits", "consent", "journey", "loyalty", "item", "order", "trigger"];
type Case = { type: string; scope: ConditionScope };
type Rule = { campaign: string; type: string; where: Condition | undefined };

export type RulesResult = {
  cases: number;
  rules: number;
  matches: { core: number; jsonRulesEngine: number; agree: boolean };
  coreEvaluationsPerSecond: number;
  jsonRulesEngine?: { allRulesPerSecond: number; perTypeEnginePerSecond: number };
  ratioAllRules?: number;
  ratioPerType?: number;
  skipped?: string;
};

/** Every event of the sample, each with its customer's state at the end of the stream (catalog: each candidate). */
function buildCases(compiled: CompiledCampaigns, lines: string[]): Case[] {
  const states = new Map<string, CustomerState>();
  const events: (CustomerEvent | CatalogEvent)[] = [];
  for (const line of lines) {
    const parsed = parseJsonLine(line);
    if (parsed.kind !== "event") continue;
    const event = parsed.event as CustomerEvent | CatalogEvent;
    events.push(event);
    if ("customerId" in event.detail) {
      const id = (event as CustomerEvent).detail.customerId;
      const state = states.get(id) ?? emptyCustomerState(id);
      states.set(id, state);
      decide(compiled, state, event as CustomerEvent);
    } else for (const state of states.values()) decideCatalog(compiled, state, event as CatalogEvent);
  }
  const cases: Case[] = [];
  for (const event of events) {
    const scopeEvent = { type: event.type, detail: { ...event.detail, eventId: event.id, type: event.type } };
    const targets =
      "customerId" in event.detail
        ? [states.get((event as CustomerEvent).detail.customerId)!]
        : [...states.values()].filter((s) => s.products[(event as CatalogEvent).detail.product.productId]);
    for (const state of targets)
      cases.push({
        type: event.type,
        scope: {
          facts: buildFacts({ state, now: event.at, settings: compiled.settings, event: scopeEvent }),
          state,
          now: event.at,
          zone: customerZone(state, compiled.settings),
          settings: compiled.settings,
        },
      });
  }
  return cases;
}

function rulesOf(compiled: CompiledCampaigns): Rule[] {
  const rules: Rule[] = [];
  for (const campaign of compiled.campaigns.values())
    for (const trigger of campaign.triggers)
      if ((trigger.type === "event" && !trigger.forEach) || trigger.type === "catalog")
        rules.push({ campaign: campaign.id, type: trigger.event, where: trigger.where });
  return rules;
}

/** The core's evaluation: dispatch by event type, then `holds` on each trigger's condition. */
function coreMatches(rulesByType: Map<string, Rule[]>, cases: Case[]): number {
  let matches = 0;
  for (const { type, scope } of cases)
    for (const rule of rulesByType.get(type) ?? []) if (holds(rule.where, scope)) matches++;
  return matches;
}

type JsonCondition = Record<string, unknown>;
const NATIVE: Record<string, string> = {
  eq: "equal",
  ne: "notEqual",
  gt: "greaterThan",
  gte: "greaterThanInclusive",
  lt: "lessThan",
  lte: "lessThanInclusive",
  in: "in",
  notIn: "notIn",
};
const PRESENCE = new Set(["exists", "missing", "empty", "notEmpty"]);
const factOf = (path: string) => {
  const [rootName, ...rest] = path.split(".");
  return rest.length ? { fact: rootName, path: rest.join(".") } : { fact: rootName };
};

function toJsonCondition(condition: Condition): JsonCondition {
  if ("all" in condition) return { all: condition.all.map(toJsonCondition) };
  if ("any" in condition) return { any: condition.any.map(toJsonCondition) };
  if ("not" in condition) return { not: toJsonCondition(condition.not) };
  if (!("interest" in condition)) {
    const native = NATIVE[condition.op];
    if (
      native &&
      "value" in condition &&
      condition.value !== undefined &&
      !("ref" in condition && condition.ref)
    )
      return { ...factOf(condition.path), operator: native, value: condition.value };
    if (native && "ref" in condition && condition.ref)
      return { ...factOf(condition.path), operator: native, value: factOf(condition.ref) };
    if (PRESENCE.has(condition.op)) return { ...factOf(condition.path), operator: condition.op, value: true };
  }
  return { fact: "scope", operator: "coreHolds", value: condition };
}

async function jsonRulesEngine() {
  const { Engine } = await import("json-rules-engine");
  const isEmpty = (v: unknown) =>
    v === undefined ||
    v === null ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && Object.keys(v as object).length === 0);
  const build = (subset: Rule[]) => {
    const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: readPath });
    engine.addOperator("exists", (v: unknown) => v !== undefined && v !== null);
    engine.addOperator("missing", (v: unknown) => v === undefined || v === null);
    engine.addOperator("empty", (v: unknown) => isEmpty(v));
    engine.addOperator("notEmpty", (v: unknown) => !isEmpty(v));
    engine.addOperator("coreHolds", (scope: ConditionScope, leaf: Condition) => holds(leaf, scope));
    for (const name of ROOTS)
      engine.addFact(name, async (_params, almanac) => {
        const scope = (await almanac.factValue("scope")) as ConditionScope;
        return (scope.facts as Record<string, unknown>)[name];
      });
    subset.forEach((rule, index) => {
      engine.addRule({
        name: `${rule.campaign}#${index}`,
        conditions: {
          all: [
            { fact: "event", path: "type", operator: "equal", value: rule.type },
            ...(rule.where ? [toJsonCondition(rule.where)] : []),
          ],
        } as never,
        event: { type: rule.campaign },
      });
    });
    return engine;
  };
  return { build };
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function measureRules(options: { lines?: number; repeats?: number } = {}): Promise<RulesResult> {
  const { campaigns, settings } = loadCampaignDirectory(join(root, "campaigns"));
  const compiled = compileCampaigns(campaigns, settings);
  const lines = readFileSync(join(root, "examples", "shop.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, options.lines);
  const cases = buildCases(compiled, lines);
  const rules = rulesOf(compiled);
  const rulesByType = new Map<string, Rule[]>();
  for (const rule of rules) rulesByType.set(rule.type, [...(rulesByType.get(rule.type) ?? []), rule]);
  const repeats = options.repeats ?? 5;

  // A warm-up pass: the fact views compute traits lazily once per case, for both engines alike.
  let core = coreMatches(rulesByType, cases);
  const coreRates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    core = coreMatches(rulesByType, cases);
    coreRates.push(cases.length / ((performance.now() - started) / 1000));
  }
  const result: RulesResult = {
    cases: cases.length,
    rules: rules.length,
    matches: { core, jsonRulesEngine: 0, agree: false },
    coreEvaluationsPerSecond: medianOf(coreRates),
  };

  let jre: Awaited<ReturnType<typeof jsonRulesEngine>>;
  try {
    jre = await jsonRulesEngine();
  } catch (error) {
    result.skipped = `json-rules-engine not installed (wanted 7.3.1): ${(error as Error).message}`;
    return result;
  }
  const all = jre.build(rules);
  const perType = new Map([...rulesByType].map(([type, subset]) => [type, jre.build(subset)]));
  const allRates: number[] = [];
  const perTypeRates: number[] = [];
  // json-rules-engine is slower: fewer repeats on a slice of the cases keep the run short.
  const slice = cases.slice(0, Math.min(cases.length, 4000));
  for (let i = 0; i < Math.min(repeats, 3); i++) {
    let matches = 0;
    let started = performance.now();
    for (const { scope } of slice) matches += (await all.run({ scope })).events.length;
    allRates.push(slice.length / ((performance.now() - started) / 1000));
    started = performance.now();
    for (const { type, scope } of slice) {
      const typed = perType.get(type);
      if (typed) await typed.run({ scope });
    }
    perTypeRates.push(slice.length / ((performance.now() - started) / 1000));
    if (i === 0) {
      const coreOnSlice = coreMatches(rulesByType, slice);
      result.matches = { core: coreOnSlice, jsonRulesEngine: matches, agree: coreOnSlice === matches };
    }
  }
  result.jsonRulesEngine = {
    allRulesPerSecond: medianOf(allRates),
    perTypeEnginePerSecond: medianOf(perTypeRates),
  };
  result.ratioAllRules = result.coreEvaluationsPerSecond / result.jsonRulesEngine.allRulesPerSecond;
  result.ratioPerType = result.coreEvaluationsPerSecond / result.jsonRulesEngine.perTypeEnginePerSecond;
  return result;
}
