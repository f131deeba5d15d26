/**
 * JSON read from a file is checked for depth before zod sees it: zod (and any recursive walk)
 * recurses once per level, so a file nested thousands deep would overflow the stack instead of
 * getting a reason. Checked with an explicit stack, never by recursion.
 */
export const MAX_JSON_DEPTH = 100;

/** The path of the first value nested deeper than `max`, or undefined when the whole value is within it. */
export function tooDeepPath(value: unknown, max = MAX_JSON_DEPTH): PropertyKey[] | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.value === null || typeof next.value !== "object") continue;
    if (next.path.length >= max) return next.path;
    const entries: [PropertyKey, unknown][] = Array.isArray(next.value)
      ? next.value.map((element, index) => [index, element])
      : Object.entries(next.value);
    for (const [key, child] of entries) stack.push({ value: child, path: [...next.path, key] });
  }
  return undefined;
}
