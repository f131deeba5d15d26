import * as z from "zod";

/**
 * Names every plain object already answers through its prototype (__proto__, constructor,
 * hasOwnProperty, toString, …) and "prototype": as keys of a map read from a file they look
 * defined when they are not, or rewrite the prototype when assigned.
 */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

export function isReservedKey(key: string): boolean {
  return RESERVED.has(key);
}

/** A key of a data-keyed map in a campaign or engine file (template ids, params, rankings). */
export const SafeKeySchema = z
  .string()
  .min(1)
  .refine(
    (key) => !isReservedKey(key),
    "a name that is not a built-in property of JavaScript objects (__proto__, constructor, prototype, toString, …)",
  );
