import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  signUnsubscribeToken,
  type UnsubscribeClaims,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from "../../functions/unsubscribe/token.ts";

const SECRET = "k".repeat(32);
const OLD_SECRET = Buffer.alloc(32, 7);
const NOW = Date.parse("2026-03-02T10:00:00Z");
const claims: UnsubscribeClaims = {
  customerId: "c-0042",
  channel: "email",
  topic: "newsletter",
  campaign: "newsletters",
  expiresAt: NOW + 60 * 86_400_000,
};

describe("unsubscribe tokens", () => {
  it("verify what they signed", () => {
    const token = signUnsubscribeToken(claims, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(token, SECRET, NOW)).toEqual({ ok: true, claims });
    const { topic: _, ...channelWide } = claims;
    expect(verifyUnsubscribeToken(signUnsubscribeToken(channelWide, SECRET), SECRET, NOW)).toEqual({
      ok: true,
      claims: channelWide,
    });
  });

  it("reject a token whose payload or MAC was changed, or signed with another key", () => {
    const token = signUnsubscribeToken(claims, SECRET);
    const [payload, mac] = token.split(".") as [string, string];
    const forged = Buffer.from(
      JSON.stringify(["c-0001", "email", null, "newsletters", 9_999_999_999]),
    ).toString("base64url");
    expect(verifyUnsubscribeToken(`${forged}.${mac}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    const flipped = `${mac.slice(0, -2)}${mac.at(-2) === "A" ? "B" : "A"}${mac.at(-1)}`;
    expect(verifyUnsubscribeToken(`${payload}.${flipped}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyUnsubscribeToken(`${payload}.${mac.slice(0, 20)}`, SECRET, NOW)).toMatchObject({
      ok: false,
    });
    expect(verifyUnsubscribeToken(token, "o".repeat(32), NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("reject malformed input", () => {
    for (const bad of ["", "abc", "a.b.c", "x".repeat(5000)])
      expect(verifyUnsubscribeToken(bad, SECRET, NOW)).toMatchObject({ ok: false });
  });

  it("reject an expired token", () => {
    const token = signUnsubscribeToken({ ...claims, expiresAt: NOW }, SECRET);
    expect(verifyUnsubscribeToken(token, SECRET, NOW - 1_000)).toMatchObject({ ok: true });
    expect(verifyUnsubscribeToken(token, SECRET, NOW)).toEqual({ ok: false, reason: "expired" });
  });

  it("accept the previous key during a rotation", () => {
    const token = signUnsubscribeToken(claims, OLD_SECRET);
    expect(verifyUnsubscribeToken(token, [SECRET, OLD_SECRET], NOW)).toMatchObject({ ok: true });
    expect(verifyUnsubscribeToken(token, [SECRET], NOW)).toMatchObject({ ok: false });
  });

  it("refuse a short secret", () => {
    expect(() => signUnsubscribeToken(claims, "short")).toThrow(/at least 32 bytes/);
  });

  it("go in the link as a query parameter", () => {
    const token = signUnsubscribeToken(claims, SECRET);
    const url = unsubscribeUrl("https://u.shop.example/unsubscribe", token);
    expect(url).toBe(`https://u.shop.example/unsubscribe?token=${token}`);
    expect(new URL(url).searchParams.get("token")).toBe(token);
    expect(unsubscribeUrl("https://u.shop.example/x?lang=fr", token)).toBe(
      `https://u.shop.example/x?lang=fr&token=${token}`,
    );
  });

  it("accept the canonical spelling only: no padding, no other alphabet, no other trailing bits", () => {
    const token = signUnsubscribeToken(claims, SECRET);
    const [payload, mac] = token.split(".") as [string, string];
    const bytes = Buffer.from(mac, "base64url");
    // 32 bytes in 43 characters leave 2 unused bits in the last one: 3 other spellings decode alike.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sameBytes = [...alphabet]
      .map((last) => `${mac.slice(0, -1)}${last}`)
      .filter((spelling) => spelling !== mac && Buffer.from(spelling, "base64url").equals(bytes));
    expect(sameBytes).toHaveLength(3);
    const variants = [
      ...sameBytes,
      `${mac}=`,
      bytes.toString("base64"),
      `${mac.slice(0, 10)} ${mac.slice(10)}`,
      `${mac.slice(0, 10)}!${mac.slice(10)}`,
    ];
    for (const variant of variants) {
      expect(
        Buffer.from(variant, variant.includes("+") || variant.includes("/") ? "base64" : "base64url"),
      ).toEqual(bytes);
      expect(verifyUnsubscribeToken(`${payload}.${variant}`, SECRET, NOW), variant).toEqual({
        ok: false,
        reason: "malformed",
      });
    }
    expect(verifyUnsubscribeToken(`${payload}=.${mac}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: "malformed",
    });
  });

  it("reject every text that is not byte-identical to a valid token", () => {
    const token = signUnsubscribeToken(claims, SECRET);
    const char = fc.oneof(
      fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.% \n\u0000é"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), with: char }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), with: char }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), with: fc.constant("") }),
      fc.record({ kind: fc.constant("case" as const), at: fc.nat(), with: fc.constant("") }),
    );
    const mutate = (text: string, { kind, at, with: c }: { kind: string; at: number; with: string }) => {
      const i = at % (text.length + (kind === "insert" ? 1 : 0));
      const ch = text.charAt(i);
      if (kind === "replace") return text.slice(0, i) + c + text.slice(i + 1);
      if (kind === "insert") return text.slice(0, i) + c + text.slice(i);
      if (kind === "delete") return text.slice(0, i) + text.slice(i + 1);
      const flipped = ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
      return text.slice(0, i) + flipped + text.slice(i + 1);
    };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const mutated = mutations.reduce(mutate, token);
        if (mutated === token) return;
        expect(verifyUnsubscribeToken(mutated, SECRET, NOW)).toMatchObject({ ok: false });
      }),
      { numRuns: 1_000 },
    );
  });
});
