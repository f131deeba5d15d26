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
        const value = (element as Record<string, unknown> | null)?.[part];
        return value === undefined ? [] : value;
      });
    } else current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Values at a path as a list of scalars, for "share an element" matching. */
export function readValues(root: unknown, path: string): unknown[] {
  const value = readPath(root, path);
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
