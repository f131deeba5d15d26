/**
 * JSON read from a file is checked for depth (and __proto__ keys) before zod sees it: zod (and any recursive walk)
 * recurses once per level, so a file nested thousands deep would overflow the stack instead of
 * getting a reason. Checked with an explicit stack, never by recursion.
 */
export const MAX_JSON_DEPTH = 100;

export type RawJsonProblem = { path: PropertyKey[]; expected: string };

/**
 * The first value nested deeper than `max`, or the first "__proto__" key (assigned or copied with
 * Object.assign, it replaces an object's prototype), or undefined when there is none.
 */
export function rawJsonProblem(value: unknown, max = MAX_JSON_DEPTH): RawJsonProblem | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.value === null || typeof next.value !== "object") continue;
    if (next.path.length >= max) return { path: next.path, expected: `at most ${max} levels of nesting` };
    const entries: [PropertyKey, unknown][] = Array.isArray(next.value)
      ? next.value.map((element, index) => [index, element])
      : Object.entries(next.value);
    for (const [key, child] of entries) {
      if (key === "__proto__")
        return {
          path: [...next.path, key],
          expected: 'no key "__proto__" (it would replace an object\'s prototype)',
        };
      stack.push({ value: child, path: [...next.path, key] });
    }
  }
  return undefined;
}
