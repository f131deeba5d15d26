import * as z from "zod";
import { DurationSchema } from "./duration.ts";
import { isReservedKey } from "./safe-key.ts";

const path = z
  .string()
  .regex(
    /^(event|profile|traits|consent|journey|loyalty|item|order|trigger)(\.[A-Za-z0-9_]+)*$/,
    "a path rooted at event, profile, traits, consent, journey, loyalty, item, order or trigger (e.g. event.items)",
  )
  .refine(
    (text) => !text.split(".").some(isReservedKey),
    "a path with no built-in property of JavaScript objects in it (__proto__, constructor, prototype, …)",
  );
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const compare = z.strictObject({
  path,
  op: z.enum(["eq", "ne", "gt", "gte", "lt", "lte"]),
  value: scalar.optional(),
  ref: path.optional().describe("compare with the value at this path instead of `value`"),
});
const membership = z.strictObject({ path, op: z.enum(["in", "notIn"]), value: z.array(scalar) });
const presence = z.strictObject({ path, op: z.enum(["exists", "missing", "empty", "notEmpty"]) });
const age = z.strictObject({
  path,
  op: z
    .enum(["within", "olderThan"])
    .describe("the timestamp at `path` is within / older than `value` before now"),
  value: DurationSchema,
});
const calendarDaysAgo = z.strictObject({
  path,
  op: z.literal("daysAgo").describe("the timestamp at `path` fell exactly `value` local calendar days ago"),
  value: z.number().int().nonnegative(),
});
const rank = z.strictObject({
  path,
  op: z.literal("rankAbove").describe("`path` ranks above `ref` in the engine ranking `ranking`"),
  ref: path,
  ranking: z.string().min(1),
});
const drop = z.strictObject({
  path,
  op: z.literal("dropAtLeastPercent").describe("`path` is at least `value` % below `ref`"),
  ref: path,
  value: z.number().positive(),
});
const interest = z.strictObject({
  interest: z
    .strictObject({
      kinds: z.array(z.enum(["wishlist", "alert", "cart", "viewed"])).min(1),
      alertKind: z.enum(["back_in_stock", "price_drop"]).optional(),
    })
    .describe(
      "the customer is interested in the event's product in one of these ways, and has not bought it since",
    ),
});

export type Condition =
  | z.infer<typeof compare>
  | z.infer<typeof membership>
  | z.infer<typeof presence>
  | z.infer<typeof age>
  | z.infer<typeof calendarDaysAgo>
  | z.infer<typeof rank>
  | z.infer<typeof drop>
  | z.infer<typeof interest>
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const nestedCondition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    compare,
    membership,
    presence,
    age,
    calendarDaysAgo,
    rank,
    drop,
    interest,
    z.strictObject({ all: z.array(nestedCondition).min(1) }),
    z.strictObject({ any: z.array(nestedCondition).min(1) }),
    z.strictObject({ not: nestedCondition }),
  ]),
);

/** Deeper than any condition a person writes; conditions are evaluated recursively. */
export const MAX_CONDITION_DEPTH = 32;

export const ConditionSchema: z.ZodType<Condition> = nestedCondition.superRefine((condition, ctx) => {
  const deep = tooDeepCondition(condition);
  if (deep)
    ctx.addIssue({
      code: "custom",
      path: deep,
      message: `conditions nested at most ${MAX_CONDITION_DEPTH} deep (all / any / not)`,
    });
});

/** The path of the first all / any / not nested deeper than the bound; walked with a stack, not recursion. */
function tooDeepCondition(root: Condition): PropertyKey[] | undefined {
  const stack: { condition: Condition; path: PropertyKey[]; depth: number }[] = [
    { condition: root, path: [], depth: 0 },
  ];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { condition, path, depth } = next;
    const children: [PropertyKey[], Condition][] =
      "all" in condition
        ? condition.all.map((c, i) => [["all", i], c])
        : "any" in condition
          ? condition.any.map((c, i) => [["any", i], c])
          : "not" in condition
            ? [[["not"], condition.not]]
            : [];
    if (children.length > 0 && depth >= MAX_CONDITION_DEPTH) return path;
    for (const [step, child] of children)
      stack.push({ condition: child, path: [...path, ...step], depth: depth + 1 });
  }
  return undefined;
}
export const PathSchema = path;
