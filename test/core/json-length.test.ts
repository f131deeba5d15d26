import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";
import { jsonLength } from "../../functions/core/state/json-length.ts";

/** JSON values with what a state may hold besides: null-prototype records, undefined fields, odd numbers and strings. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string({ unit: "binary" }),
    fc.string({
      unit: fc.constantFrom("a", '"', "\\", "\n", "\u0001", "\u007f", "\ud800", "\udc00", "é", "😀"),
    }),
    fc.double(),
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, -1e21, 2 ** 53, -(2 ** 53) - 2, 1e-7, 123.456, Number.MAX_SAFE_INTEGER),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 5 }),
    fc
      .dictionary(fc.string(), tie("value"), { maxKeys: 5 })
      .map((fields) => Object.assign(Object.create(null), fields)),
  ),
}));

describe("jsonLength", () => {
  it("is the length of JSON.stringify's text", () => {
    fc.assert(
      fc.property(value, (input) => {
        expect(jsonLength(input)).toBe(JSON.stringify(input)?.length ?? 0);
      }),
      { numRuns: 3000 },
    );
  });

  it("counts the digits of safe integers at and around each power of ten, and of times", () => {
    const values = [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1_764_201_600_000];
    for (let power = 1; power <= 1e16; power *= 10) values.push(power, power - 1, -power, 1 - power);
    for (const value of values) expect(jsonLength(value)).toBe(JSON.stringify(value).length);
    fc.assert(
      fc.property(fc.maxSafeInteger(), (input) => {
        expect(jsonLength(input)).toBe(JSON.stringify(input).length);
      }),
      { numRuns: 3000 },
    );
  });

  it("follows JSON.stringify for holes, functions, dates and boxed values", () => {
    const odd = {
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested.
      holes: [1, , 3],
      fn: () => 1,
      inArray: [() => 1, undefined, Symbol("s")],
      date: new Date(0),
      boxed: new String("x"),
      nested: { toJSON: () => "replaced" },
    };
    expect(jsonLength(odd)).toBe(JSON.stringify(odd).length);
    const state = emptyCustomerState("c-\u2028\ud83d");
    expect(jsonLength(state)).toBe(JSON.stringify(state).length);
  });
});
