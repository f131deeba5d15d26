import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EnvelopeSchema, parseJsonLine } from "../../functions/core/events/envelope.ts";
import { isPlainEnvelope } from "../../functions/core/events/envelope-precheck.ts";
import { EVENT_LIMITS } from "../../functions/core/events/limits.ts";

const id = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom("", "a\u0007b", "x".repeat(EVENT_LIMITS.idChars), "y".repeat(EVENT_LIMITS.idChars + 1)),
  fc.integer(),
  fc.constant(null),
);
const time = fc.oneof(
  fc
    .date({
      min: new Date("1900-01-01T00:00:00Z"),
      max: new Date("2999-12-31T23:59:59Z"),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString()),
  fc.constantFrom(
    "2026-03-01T10:00:00+02:00",
    "2026-02-29T10:00:00Z",
    "2028-02-29T10:00:00Z",
    "2026-04-31T10:00:00Z",
    "2026-03-01T24:00:00Z",
    "2026-03-01T10:00Z",
    "2026-03-01 10:00:00Z",
    "2026-13-01T10:00:00Z",
  ),
  fc.string(),
);
const detail = fc.oneof(
  fc.dictionary(fc.string(), fc.jsonValue()),
  fc.constantFrom([], null, "d", JSON.parse('{"__proto__": {"customerId": "c-1"}}')),
);
const optional = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });
const envelope = fc
  .record({
    id: optional(id),
    source: id,
    "detail-type": id,
    time,
    detail,
    version: optional(fc.oneof(fc.string(), fc.integer())),
    account: optional(fc.oneof(fc.string(), fc.constant(null))),
    region: optional(fc.string()),
    resources: optional(fc.oneof(fc.array(fc.string()), fc.array(fc.integer(), { minLength: 1 }))),
  })
  .map((fields) => JSON.parse(JSON.stringify(fields)) as unknown);

describe("the envelope precheck", () => {
  it("passes only what EnvelopeSchema accepts, with the same fields", () => {
    fc.assert(
      fc.property(envelope, (input) => {
        if (!isPlainEnvelope(input)) return;
        const parsed = EnvelopeSchema.safeParse(input);
        expect(parsed.success).toBe(true);
        const { id, source, time, detail } = parsed.data!;
        expect({ id, source, time, detail, type: parsed.data!["detail-type"] }).toEqual({
          id: input.id,
          source: input.source,
          time: input.time,
          detail: input.detail,
          type: input["detail-type"],
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("passes the usual envelope and leaves the rest to zod", () => {
    const usual = {
      version: "0",
      id: "evt-1",
      source: "shop.web",
      "detail-type": "cart.updated",
      account: "123456789012",
      time: "2026-03-01T10:00:00.123Z",
      region: "us-east-1",
      resources: [],
      detail: { customerId: "c-1" },
    };
    expect(isPlainEnvelope(usual)).toBe(true);
    expect(isPlainEnvelope({ ...usual, time: "2026-03-31T10:00:00Z" })).toBe(false);
    expect(isPlainEnvelope({ ...usual, id: "" })).toBe(false);
    expect(isPlainEnvelope(JSON.parse('{"__proto__": {}, "source": "s"}'))).toBe(false);
  });
});

describe("measuring a detail only when its line could be over the limit", () => {
  it("a JSON text written again takes at most 6 UTF-8 bytes per character it was read from", () => {
    const texts = fc.oneof(
      fc.json(),
      fc
        .array(
          fc.constantFrom("1e20", "-1e20", "9e9", '"\\ud800"', '"\\u0001"', '"é"', '"\ud800"', "0.1e1"),
          {
            minLength: 1,
          },
        )
        .map((values) => `[${values.join(",")}]`),
    );
    fc.assert(
      fc.property(texts, (text) => {
        expect(Buffer.byteLength(JSON.stringify(JSON.parse(text)))).toBeLessThanOrEqual(6 * text.length);
      }),
      { numRuns: 2000 },
    );
  });

  it("still rejects a detail over the limit", () => {
    const line = JSON.stringify({
      id: "e-1",
      source: "shop.web",
      "detail-type": "cart.updated",
      time: "2026-03-01T10:00:00Z",
      detail: {
        customerId: "c-1",
        cartId: "k-1",
        items: [],
        total: 0,
        currency: "USD",
        note: "n".repeat(EVENT_LIMITS.detailBytes),
      },
    });
    const outcome = parseJsonLine(line);
    expect(outcome.kind).toBe("rejected");
    if (outcome.kind === "rejected") expect(outcome.problems[0]?.path).toBe("detail");
  });
});
