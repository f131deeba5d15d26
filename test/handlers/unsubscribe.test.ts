import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

import { cachedSecret } from "../../functions/adapters/secrets-manager-secret.ts";
import { handler, useRuntime } from "../../functions/handlers/unsubscribe.ts";
import { signUnsubscribeToken } from "../../functions/unsubscribe/token.ts";
import type { UnsubscribeRequest } from "../../functions/use-cases/unsubscribe.ts";
import { customerSignedUp, orderPlaced, wishlistAdded } from "../support/events.ts";
import { ENV, messageLines, SECRET, useHandlerRuntime } from "./handler-runtime.ts";

const rt = useHandlerRuntime();
beforeEach(() => {
  // A fresh cache per test, so each test sees its own Secrets Manager mock.
  useRuntime({ runtime: rt.deps, secret: cachedSecret(rt.clients.secrets, ENV.UNSUBSCRIBE_SECRET_ARN!) });
});

/** A signed-up customer (09:59 in Paris: inside the email send window), and the token of the one-click link in the List-Unsubscribe header of their welcome email. */
async function welcomed(customerId: string): Promise<string> {
  await rt.ingest({ ...customerSignedUp(customerId, "2026-03-01T08:59:00Z"), id: `${customerId}-signup` });
  const headers =
    rt.mocks.ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content?.Simple?.Headers ?? [];
  const link = headers.find((header) => header.Name === "List-Unsubscribe")!.Value!.slice(1, -1);
  expect(link.startsWith(ENV.UNSUBSCRIBE_URL!)).toBe(true);
  rt.resetMocks();
  return new URL(link).searchParams.get("token")!;
}

/** A function URL request (API Gateway v2 payload), as Lambda hands it over. */
function request(
  method: string,
  token: string | undefined,
  body?: { text: string; contentType?: string; base64?: boolean },
): UnsubscribeRequest {
  return {
    headers: {
      host: "abc.lambda-url.us-east-1.on.aws",
      ...(body ? { "content-type": body.contentType ?? "application/x-www-form-urlencoded" } : {}),
    },
    queryStringParameters: token === undefined ? undefined : { token },
    requestContext: { http: { method } },
    ...(body
      ? {
          body: body.base64 ? Buffer.from(body.text).toString("base64") : body.text,
          isBase64Encoded: body.base64 === true,
        }
      : { isBase64Encoded: false }),
  };
}
const ONE_CLICK = { text: "List-Unsubscribe=One-Click" };

const stored = async (customerId: string) => rt.store.load(customerId);

describe("unsubscribe endpoint", () => {
  it("GET shows a confirmation page with a POST form and changes nothing", async () => {
    const token = await welcomed("browser");
    const before = await stored("browser");

    const response = await handler(request("GET", token));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
    });
    expect(response.body).toContain('<form method="post">');
    expect(response.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(response.body).not.toMatch(/browser|@example\.com/);
    const after = await stored("browser");
    expect(after.version).toBe(before.version);
    expect(after.state.consent.email).toBeUndefined();
  });

  it("POST one-click opts the customer out of marketing email: a later one is suppressed (opted_out)", async () => {
    const token = await welcomed("leaver");
    await rt.ingest({
      ...wishlistAdded("leaver", "2026-03-01T08:00:00Z", {
        product: { productId: "p-kettle", name: "Kettle" },
      }),
      id: "leaver-wish",
    });

    const response = await handler(request("POST", token, ONE_CLICK));

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("You are unsubscribed");
    expect(response.body).not.toMatch(/leaver|@example\.com/);
    const { state } = await stored("leaver");
    expect(state.consent.email).toBe("opted_out");
    expect(state.appliedEvents.at(-1)).toMatch(/^unsubscribe:[0-9a-f]{32}$/);

    const restock = {
      id: "restock-1",
      source: "shop.catalog",
      "detail-type": "product.inventory_changed",
      time: "2026-03-02T09:00:00Z",
      detail: { product: { productId: "p-kettle", name: "Kettle" }, quantity: 4, previousQuantity: 0 },
    };
    expect(messageLines(await rt.ingestCatalog("leaver", restock))).toEqual([
      "back-in-stock suppressed opted_out",
    ]);
    // Transactional email still goes.
    const order = orderPlaced("leaver", "2026-03-02T10:00:00Z", { items: [{ productId: "p1", price: 5 }] });
    expect(messageLines(await rt.ingest({ ...order, id: "leaver-o1" }))).toEqual(["order-confirmation sent"]);
    expect(rt.sentEmails().map((email) => email.campaign)).toEqual(["order-confirmation"]);
  });

  it("accepts the confirmation form as browsers post it (base64 form body), and multipart one-click", async () => {
    const formToken = await welcomed("former");
    expect((await handler(request("POST", formToken, { ...ONE_CLICK, base64: true }))).statusCode).toBe(200);
    expect((await stored("former")).state.consent.email).toBe("opted_out");

    const multipartToken = await welcomed("multi");
    const multipart = [
      "--XyZ",
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      "",
      "One-Click",
      "--XyZ--",
      "",
    ].join("\r\n");
    const response = await handler(
      request("POST", multipartToken, { text: multipart, contentType: "multipart/form-data; boundary=XyZ" }),
    );
    expect(response.statusCode).toBe(200);
    expect((await stored("multi")).state.consent.email).toBe("opted_out");
  });

  it("a replayed POST is harmless: same page, nothing written again", async () => {
    const token = await welcomed("replayer");
    await handler(request("POST", token, ONE_CLICK));
    const first = await stored("replayer");

    const again = await handler(request("POST", token, ONE_CLICK));

    expect(again.statusCode).toBe(200);
    const second = await stored("replayer");
    expect(second.version).toBe(first.version);
    expect(second.state.consent.email).toBe("opted_out");
  });

  it("a tampered or expired link gets a 400 page that does not say why, and changes nothing", async () => {
    const token = await welcomed("target");
    const before = await stored("target");
    const [payload, mac] = token.split(".") as [string, string];
    const forged = Buffer.from(
      JSON.stringify(["someone-else", "email", null, "welcome", 4_102_444_800]),
    ).toString("base64url");
    const expired = signUnsubscribeToken(
      { customerId: "target", channel: "email", campaign: "welcome", expiresAt: rt.clock.now - 1 },
      SECRET,
    );
    const badLinks = [
      `${forged}.${mac}`,
      `${payload}.${mac.slice(0, -2)}AA`,
      expired,
      "not-a-token",
      undefined,
    ];

    const responses = [];
    for (const bad of badLinks) {
      responses.push(await handler(request("GET", bad)));
      responses.push(await handler(request("POST", bad, ONE_CLICK)));
    }

    expect(responses.map((response) => response.statusCode)).toEqual(new Array(10).fill(400));
    const bodies = new Set(responses.map((response) => response.body));
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toMatch(/signature|malformed|target|someone/i);
    expect((await stored("target")).version).toBe(before.version);
    expect((await stored("someone-else")).version).toBe(0);
  });

  it("refuses a POST without List-Unsubscribe=One-Click and other methods", async () => {
    const token = await welcomed("careful");
    expect((await handler(request("POST", token, { text: "foo=bar" }))).statusCode).toBe(400);
    const put = await handler(request("PUT", token));
    expect(put.statusCode).toBe(405);
    expect(put.headers.Allow).toBe("GET, POST");
    expect((await stored("careful")).state.consent.email).toBeUndefined();
  });

  it("opts out of the link's topic only when the link has one", async () => {
    const token = signUnsubscribeToken(
      {
        customerId: "reader",
        channel: "email",
        topic: "newsletter",
        campaign: "newsletters",
        expiresAt: rt.clock.now + 60_000,
      },
      SECRET,
    );
    expect((await handler(request("POST", token, ONE_CLICK))).statusCode).toBe(200);
    const { state } = await stored("reader");
    expect(state.consent.topics).toEqual({ newsletter: "opted_out" });
    expect(state.consent.email).toBeUndefined();
  });

  it("reads the signing key once per container, and answers 503 while it cannot", async () => {
    const token = await welcomed("cached");
    // An outage through both attempts of the first read.
    rt.secrets.fail(500, "InternalServiceError", 2);

    expect((await handler(request("GET", token))).statusCode).toBe(503);
    expect((await handler(request("GET", token))).statusCode).toBe(200);
    expect((await handler(request("GET", token))).statusCode).toBe(200);
    expect(rt.secrets.requests).toHaveLength(3);
  });
});
