// A small EventBridge pattern matcher (no emulator exists here): exact values, anything-but, exists,
// prefix, nested objects, and array fields (a field matches when any of its elements does).
export type EventPattern = { [field: string]: EventPattern | unknown[] };

export function matchesPattern(event: Record<string, unknown>, pattern: EventPattern): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = event[field];
    if (!Array.isArray(expected)) {
      return (
        actual !== null &&
        typeof actual === "object" &&
        matchesPattern(actual as Record<string, unknown>, expected)
      );
    }
    return expected.some((condition) => matchesCondition(actual, condition));
  });
}

function matchesCondition(actual: unknown, condition: unknown): boolean {
  if (condition !== null && typeof condition === "object") {
    const [[operator, operand]] = Object.entries(condition) as [[string, unknown]];
    if (operator === "exists") return (actual !== undefined) === operand;
    if (actual === undefined) return false;
    const values = Array.isArray(actual) ? actual : [actual];
    if (operator === "anything-but") {
      const excluded = Array.isArray(operand) ? operand : [operand];
      return values.every((value) => !excluded.includes(value));
    }
    if (operator === "prefix")
      return values.some((value) => typeof value === "string" && value.startsWith(String(operand)));
    throw new Error(`Pattern operator not supported by the test matcher: ${operator}`);
  }
  const values = Array.isArray(actual) ? actual : [actual];
  return values.includes(condition);
}
