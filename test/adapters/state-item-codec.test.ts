import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STATE_DICTIONARY_V1 } from "../../functions/adapters/state-dictionary.ts";
import { decodeStateAttribute, encodeStateJson } from "../../functions/adapters/state-item-codec.ts";
import { emptyCustomerState } from "../../functions/core/state/customer-state.ts";

describe("state item codec", () => {
  it("round-trips any JSON text, in deflate with the v1 dictionary (first byte 1)", () => {
    fc.assert(
      fc.property(fc.json(), fc.string({ unit: "binary" }), (json, text) => {
        for (const value of [json, text, JSON.stringify({ ...emptyCustomerState(text), note: json })]) {
          const encoded = encodeStateJson(value);
          expect(encoded[0]).toBe(1);
          expect(decodeStateAttribute(encoded)).toBe(value);
        }
      }),
    );
  });

  it("still reads the items written before: gzipped, or a JSON string", () => {
    const json = JSON.stringify({ ...emptyCustomerState("c-1"), version: 3 });
    expect(decodeStateAttribute(gzipSync(json))).toBe(json);
    expect(decodeStateAttribute(new Uint8Array(gzipSync(json)))).toBe(json);
    expect(decodeStateAttribute(json)).toBe(json);
  });

  it("reads nothing from bytes in no known format, or damaged", () => {
    const encoded = encodeStateJson(JSON.stringify(emptyCustomerState("c-1")));
    const gzipped = gzipSync("{}");
    for (const bad of [
      Uint8Array.of(2, 1, 2, 3),
      Uint8Array.of(),
      Uint8Array.of(1),
      encoded.subarray(0, encoded.length - 4),
      Uint8Array.of(1, 0xff, 0xff, 0xff),
      gzipped.subarray(0, gzipped.length - 3),
    ])
      expect(decodeStateAttribute(bad)).toBeUndefined();
    expect(decodeStateAttribute(42)).toBeUndefined();
    expect(decodeStateAttribute(undefined)).toBeUndefined();
  });

  it("keeps the v1 dictionary as the stored items were written with it", () => {
    // Changing it makes every stored item unreadable: a new dictionary is a new format byte.
    expect(createHash("sha256").update(STATE_DICTIONARY_V1).digest("hex")).toBe(
      "3dc7b8ea682beebc2b16d712ea293af63ea8a473a5a17b969fbb1062ad421edd",
    );
  });
});
