import * as z from "../validation/zod.ts";

/**
 * Maps keyed by data (product ids, cart ids, brands, topics, journey ids …) are plain JSON objects
 * in the stored state. A key is data, whatever it is: "__proto__" must not reach the prototype and
 * "constructor" must not read Object. So these objects have no prototype, and every read or write
 * by a data key goes through getOwn / setOwn, which also hold for an object that lost its null
 * prototype on the way (a spread, a structuredClone).
 */
export type DataRecord<T> = Record<string, T>;

export function dataRecord<T>(): DataRecord<T> {
  return Object.create(null) as DataRecord<T>;
}

export function getOwn<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function hasOwn(record: Readonly<Record<string, unknown>> | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}

export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  // Plain assignment of "__proto__" would call the prototype setter of an ordinary object.
  if (key === "__proto__")
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

/** A prototype-free copy with `changes` laid over `base` (own keys only). */
export function mergedRecord<T>(
  base: Readonly<Record<string, T>> | undefined,
  changes: Readonly<Record<string, T>>,
): DataRecord<T> {
  const merged = dataRecord<T>();
  for (const source of [base ?? {}, changes])
    for (const key of Object.keys(source)) setOwn(merged, key, source[key] as T);
  return merged;
}

/**
 * A JSON object keyed by data, parsed into a prototype-free record. z.record would do, but it drops
 * a "__proto__" key: here every own key is kept as data, and each value is checked with its path.
 */
export function dataRecordSchema<V extends z.ZodMiniType>(valueSchema: V) {
  return z.pipe(
    z.unknown(),
    z.transform((input, ctx): DataRecord<z.output<V>> => {
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        ctx.issues.push({ code: "custom", message: "expected an object keyed by id", input });
        return z.NEVER;
      }
      const record = dataRecord<z.output<V>>();
      for (const key of Object.keys(input)) {
        const parsed = valueSchema.safeParse((input as Record<string, unknown>)[key]);
        if (parsed.success) setOwn(record, key, parsed.data);
        // The value's issues are worded already: only their path moves under the key.
        else
          for (const issue of parsed.error.issues)
            ctx.issues.push({ ...issue, path: [key, ...issue.path], input } as z.core.$ZodRawIssue);
      }
      return record;
    }),
  );
}
