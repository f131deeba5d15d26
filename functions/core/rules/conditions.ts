import type { Condition } from "../config/condition.ts";
import type { EngineSettings } from "../config/engine.ts";
import { isInterested } from "../state/apply-event.ts";
import type { CustomerState } from "../state/customer-state.ts";
import { getOwn } from "../state/data-record.ts";
import { localParts } from "../time/local-time.ts";
import type { Facts } from "./facts.ts";
import { readPath } from "./paths.ts";

export type ConditionScope = {
  facts: Facts;
  state: CustomerState;
  now: number;
  zone: string;
  settings: EngineSettings;
};

export function holds(condition: Condition | undefined, scope: ConditionScope): boolean {
  if (!condition) return true;
  if ("all" in condition) return condition.all.every((c) => holds(c, scope));
  if ("any" in condition) return condition.any.some((c) => holds(c, scope));
  if ("not" in condition) return !holds(condition.not, scope);
  if ("interest" in condition) {
    const productId = readPath(scope.facts.event, "product.productId") as string | undefined;
    if (!productId) return false;
    const { kinds, alertKind } = condition.interest;
    return isInterested(getOwn(scope.state.products, productId), kinds, alertKind, scope.now, scope.settings);
  }
  const value = readPath(scope.facts, condition.path);
  switch (condition.op) {
    case "eq":
    case "ne":
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const other = condition.ref !== undefined ? readPath(scope.facts, condition.ref) : condition.value;
      return compare(condition.op, value, other);
    }
    case "in":
      return condition.value.includes(value as never);
    case "notIn":
      return !condition.value.includes(value as never);
    case "exists":
      return value !== undefined && value !== null;
    case "missing":
      return value === undefined || value === null;
    case "empty":
      return isEmpty(value);
    case "notEmpty":
      return !isEmpty(value);
    case "within":
      return typeof value === "number" && scope.now - value <= condition.value;
    case "olderThan":
      return typeof value !== "number" || scope.now - value > condition.value;
    case "daysAgo":
      return (
        typeof value === "number" &&
        localParts(scope.now, scope.zone).dayNumber - localParts(value, scope.zone).dayNumber ===
          condition.value
      );
    case "rankAbove": {
      const ranking = getOwn(scope.settings.rankings, condition.ranking) ?? [];
      const rank = ranking.indexOf(value as string);
      const refRank = ranking.indexOf(readPath(scope.facts, condition.ref) as string);
      return rank >= 0 && rank > refRank;
    }
    case "dropAtLeastPercent": {
      const before = readPath(scope.facts, condition.ref);
      if (typeof value !== "number" || typeof before !== "number" || before <= 0) return false;
      return ((before - value) / before) * 100 >= condition.value - 1e-9;
    }
  }
}

function compare(op: "eq" | "ne" | "gt" | "gte" | "lt" | "lte", left: unknown, right: unknown): boolean {
  if (op === "eq") return left === right;
  if (op === "ne") return left !== right;
  if (typeof left !== "number" || typeof right !== "number") return false;
  if (op === "gt") return left > right;
  if (op === "gte") return left >= right;
  if (op === "lt") return left < right;
  return left <= right;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}
