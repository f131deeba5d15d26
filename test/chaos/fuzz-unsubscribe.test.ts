import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before the handlers' modules load: Powertools prints nothing in tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
});

import { handler, useRuntime } from "../../functions/handlers/unsubscribe.ts";
import { signUnsubscribeToken } from "../../functions/unsubscribe/token.ts";
import type { UnsubscribeRequest } from "../../functions/use-cases/unsubscribe.ts";
import { type HandlerRuntime, SECRET, startHandlerRuntime } from "../handlers/handler-runtime.ts";
import { customerSignedUp } from "../support/events.ts";
import { checkProperty } from "./check-property.ts";
import { HOSTILE_IDS } from "./hostile-events.ts";

const RUNS = process.env.CHAOS_EVENTS ? 500 : 60;
const NOW = Date.parse("2026-03-01T08:00:00Z");
const VICTIM = "unsubscribe-victim";

let rt: HandlerRuntime;
let token: string;

beforeAll(async () => {
  rt = await startHandlerRuntime();
  useRuntime({ runtime: rt.deps, secret: async () => SECRET });
  rt.clock.now = NOW;
  await rt.ingest({ ...customerSignedUp(VICTIM, "2026-03-01T07:00:00Z"), id: "victim-signup" });
  token = signUnsubscribeToken(
    { customerId: VICTIM, channel: "email", campaign: "welcome", expiresAt: NOW + 365 * 86_400_000 },
    SECRET,
  );
});
afterAll(async () => {
  await rt.db.stop();
});

const consentOf = async (customerId: string) => (await rt.store.load(customerId)).state.consent;

const oneClick = (
  query: string | undefined,
  extra: Partial<UnsubscribeRequest> = {},
): UnsubscribeRequest => ({
  requestContext: { http: { method: "POST" } },
  headers: { "content-type": "application/x-www-form-urlencoded" },
  ...(query === undefined ? {} : { queryStringParameters: { token: query } }),
  body: "List-Unsubscribe=One-Click",
  isBase64Encoded: false,
  ...extra,
});

/** Other spellings of the same token: they decode to the same bytes, and must still be refused. */
/** Other spellings of a valid token (issue 7, item 10): each must be refused. */
const RESPELLINGS: [string, (t: string) => string][] = [
  ["padded payload", (t) => t.replace(".", "=.")],
  ["padded signature", (t) => `${t}=`],
  ["standard base64 alphabet", (t) => t.replaceAll("-", "+").replaceAll("_", "/")],
  [
    "unused low bits of the last signature character set",
    (t) => {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(t.at(-1) ?? "A");
      return t.slice(0, -1) + alphabet[(last & ~3) | ((last + 1) & 3)];
    },
  ],
  ["trailing newline", (t) => `${t}\n`],
  ["trailing space", (t) => `${t} `],
  ["inner whitespace", (t) => t.replace(".", " .")],
];

describe("fuzzed unsubscribe requests", () => {
  it("answer 200, 400 or 405, never throw, and unsubscribe nobody without the exact link", async () => {
    const before = await consentOf(VICTIM);
    const tampered = fc
      .tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 }))
      .map(([at, insert]) => {
        const i = at % token.length;
        return token.slice(0, i) + insert + token.slice(i + 1);
      })
      .filter((t) => t !== token);
    const request: fc.Arbitrary<UnsubscribeRequest> = fc.record(
      {
        requestContext: fc.record({
          http: fc.record({
            method: fc.oneof(fc.constantFrom("GET", "HEAD", "POST", "PUT", "post"), fc.string()),
          }),
        }),
        headers: fc.dictionary(
          fc.constantFrom("content-type", "Content-Type", "x-forwarded-for", "__proto__"),
          fc.oneof(
            fc.string(),
            fc.constant("multipart/form-data; boundary=x"),
            fc.constant("application/x-www-form-urlencoded"),
          ),
        ),
        queryStringParameters: fc.dictionary(
          fc.constantFrom("token", "__proto__", "constructor"),
          fc.oneof(tampered, fc.string(), fc.constantFrom(...HOSTILE_IDS), fc.constant("a".repeat(5_000))),
        ),
        body: fc.oneof(
          fc.string(),
          fc.constant("List-Unsubscribe=One-Click"),
          tampered.map((t) => `List-Unsubscribe=One-Click&token=${encodeURIComponent(t)}`),
          fc.constant(`--x\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nOne-Click\r\n--x--`),
          fc.integer({ min: 16_000, max: 40_000 }).map((n) => "List-Unsubscribe=One-Click&".padEnd(n, "x")),
        ),
        isBase64Encoded: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    await checkProperty(
      fc.asyncProperty(request, async (req) => {
        const response = await handler(req);
        expect([200, 400, 405]).toContain(response.statusCode);
        expect(response.body).not.toContain(VICTIM);
        expect(await consentOf(VICTIM)).toEqual(before);
      }),
      { numRuns: RUNS, seed: 21 },
    );
  });

  for (const [spelling, respell] of RESPELLINGS)
    it(`refuse another spelling of a valid token (${spelling}): canonical form only`, async () => {
      const before = await consentOf(VICTIM);
      const spelled = respell(token);
      expect(spelled).not.toBe(token);
      const response = await handler(oneClick(spelled));
      expect(response.statusCode).toBe(400);
      expect(await consentOf(VICTIM)).toEqual(before);
    });

  it("accept the exact link (a one-click POST opts the customer out)", async () => {
    const response = await handler(oneClick(token));
    expect(response.statusCode).toBe(200);
    expect((await consentOf(VICTIM)).email).toBe("opted_out");
  });
});
