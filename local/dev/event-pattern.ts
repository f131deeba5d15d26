// A small EventBridge event-pattern matcher, enough for the patterns the stack synthesizes: exact
// values, anything-but, prefix, suffix, exists, equals-ignore-case and numeric ranges, nested fields.

export type EventPattern = { [field: string]: EventPattern | unknown[] };

/** True when the event (an envelope: source, detail-type, detail…) matches every field of the pattern. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (event === null || typeof event !== "object") return false;
  const fields = event as Record<string, unknown>;
  return Object.entries(pattern).every(([field, rule]) => {
    const value = fields[field];
    if (Array.isArray(rule)) return matchesAny(rule, value);
    return matchesPattern(rule as EventPattern, value);
  });
}

function matchesAny(rules: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (rule !== null && typeof rule === "object") {
      // `exists` is about the field, not each of its values.
      const exists = (rule as { exists?: boolean }).exists;
      if (exists !== undefined) return exists === (value !== undefined);
      return value !== undefined && values.some((v) => matchesOperator(rule as Record<string, unknown>, v));
    }
    return values.some((v) => v === rule);
  });
}

function matchesOperator(rule: Record<string, unknown>, value: unknown): boolean {
  const [operator, argument] = Object.entries(rule)[0] ?? [];
  switch (operator) {
    case "anything-but": {
      if (argument !== null && typeof argument === "object" && !Array.isArray(argument))
        return !matchesOperator(argument as Record<string, unknown>, value);
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.includes(value);
    }
    case "prefix":
      return typeof value === "string" && value.startsWith(String(argument));
    case "suffix":
      return typeof value === "string" && value.endsWith(String(argument));
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === String(argument).toLowerCase();
    case "numeric":
      return typeof value === "number" && matchesNumeric(argument as unknown[], value);
    default:
      throw new Error(`event pattern operator not supported locally: ${operator}`);
  }
}

function matchesNumeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = Number(conditions[i + 1]);
    const ok = {
      "=": value === bound,
      "<": value < bound,
      "<=": value <= bound,
      ">": value > bound,
      ">=": value >= bound,
    }[String(conditions[i])];
    if (!ok) return false;
  }
  return true;
}
