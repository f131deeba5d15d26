const splitCache = new Map<string, string[]>();

/** Reads a dotted path; a list met on the way is mapped over and flattened (event.items.productId). */
export function readPath(root: unknown, path: string): unknown {
  let parts = splitCache.get(path);
  if (!parts) {
    parts = path.split(".");
    splitCache.set(path, parts);
  }
  let current: unknown = root;
  for (const part of parts) {
    if (current === undefined || current === null) return undefined;
    if (Array.isArray(current)) {
      current = current.flatMap((element) => {
        const value = readStep(element, part);
        return value === undefined ? [] : value;
      });
    } else current = readStep(current, part);
  }
  return current;
}

/**
 * One step of a path reads data only: an own property, or a getter of a fact view (traits, facts),
 * never what every object inherits ("constructor", "__proto__", "toString" are data keys like others).
 */
function readStep(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  if (Object.hasOwn(value, key)) return (value as Record<string, unknown>)[key];
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype === null || prototype === Object.prototype || prototype === Array.prototype) return undefined;
  return key !== "constructor" && Object.hasOwn(prototype, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Values at a path as a list of scalars, for "share an element" matching. */
export function readValues(root: unknown, path: string): unknown[] {
  const value = readPath(root, path);
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
