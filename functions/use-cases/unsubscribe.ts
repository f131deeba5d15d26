import { createHash } from "node:crypto";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { errorReason } from "../adapters/errors.ts";
import { decide } from "../core/engine/decide.ts";
import { type CustomerEvent, parseEnvelope } from "../core/events/envelope.ts";
import { type RuntimeDeps, runForCustomer } from "../runtime/customer-runner.ts";
import { type UnsubscribeClaims, verifyUnsubscribeToken } from "../unsubscribe/token.ts";

export type UnsubscribeDeps = {
  runtime: RuntimeDeps;
  /** The link-signing key (Secrets Manager, cached). */
  secret: () => Promise<string>;
};

/** The parts of a function URL (API Gateway v2 payload) request the endpoint reads. */
export type UnsubscribeRequest = Partial<
  Pick<LambdaFunctionURLEvent, "headers" | "queryStringParameters" | "body" | "isBase64Encoded">
> & { requestContext?: { http?: { method?: string } } };

export type UnsubscribeResponse = { statusCode: number; headers: Record<string, string>; body: string };

/** What happened, for the log: never the token, the customer or an address. */
export type UnsubscribeResult =
  | "confirmation_page"
  | "unsubscribed"
  | "invalid_link"
  | "not_one_click"
  | "method_not_allowed"
  | "unavailable";

const ONE_CLICK_FIELD = "List-Unsubscribe";
const ONE_CLICK_VALUE = "One-Click";
const MAX_BODY_BYTES = 16 * 1024;

/**
 * The one-click unsubscribe endpoint (RFC 8058). GET changes nothing, since mail scanners prefetch
 * links; POST opts out under the event id `unsubscribe:<token hash>`, so a replay changes nothing more.
 * A bad link gets a 400 page that does not say why. More: docs/architecture.md, "Unsubscribe".
 */
export async function handleUnsubscribe(
  deps: UnsubscribeDeps,
  request: UnsubscribeRequest,
): Promise<{ response: UnsubscribeResponse; result: UnsubscribeResult; reason?: string }> {
  const method = (request.requestContext?.http?.method ?? "GET").toUpperCase();
  if (method !== "GET" && method !== "HEAD" && method !== "POST")
    return {
      response: page(405, PAGES.methodNotAllowed, { Allow: "GET, POST" }),
      result: "method_not_allowed",
    };

  const form = method === "POST" ? formFields(request) : new Map<string, string>();
  if (!form) return { response: page(400, PAGES.invalid), result: "invalid_link", reason: "unreadable_body" };
  const token = request.queryStringParameters?.token ?? form.get("token");
  if (!token) return { response: page(400, PAGES.invalid), result: "invalid_link", reason: "no_token" };

  let claims: UnsubscribeClaims;
  try {
    const verified = verifyUnsubscribeToken(token, await deps.secret(), deps.runtime.now());
    if (!verified.ok)
      return { response: page(400, PAGES.invalid), result: "invalid_link", reason: verified.reason };
    claims = verified.claims;
  } catch (error) {
    return unavailable(error);
  }

  if (method !== "POST") {
    const confirm = page(200, PAGES.confirm(claims));
    return { response: method === "HEAD" ? { ...confirm, body: "" } : confirm, result: "confirmation_page" };
  }
  if (form.get(ONE_CLICK_FIELD) !== ONE_CLICK_VALUE)
    return { response: page(400, PAGES.invalid), result: "not_one_click" };

  const eventId = `unsubscribe:${createHash("sha256").update(token).digest("hex").slice(0, 32)}`;
  const parsed = parseEnvelope({
    id: eventId,
    source: "engage.unsubscribe",
    "detail-type": "consent.updated",
    time: new Date(deps.runtime.now()).toISOString(),
    detail: {
      customerId: claims.customerId,
      channel: claims.channel,
      status: "opted_out",
      ...(claims.topic ? { topic: claims.topic } : {}),
    },
  });
  if (parsed.kind !== "event")
    return { response: page(400, PAGES.invalid), result: "invalid_link", reason: "bad_claims" };
  const event = parsed.event as CustomerEvent;
  try {
    await runForCustomer(deps.runtime, claims.customerId, eventId, (state) =>
      decide(deps.runtime.compiled, state, event),
    );
  } catch (error) {
    return unavailable(error);
  }
  return { response: page(200, PAGES.done(claims)), result: "unsubscribed" };
}

function unavailable(error: unknown) {
  return {
    response: page(503, PAGES.unavailable, { "Retry-After": "60" }),
    result: "unavailable" as const,
    reason: errorReason(error),
  };
}

/** The form fields of a POST body (urlencoded or multipart); undefined if it cannot be read. */
function formFields(request: UnsubscribeRequest): Map<string, string> | undefined {
  const raw = request.body ?? "";
  const body = request.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return undefined;
  const contentType = header(request, "content-type") ?? "";
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return new Map(new URLSearchParams(body));
  const fields = new Map<string, string>();
  for (const part of body.split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(part.slice(0, split))?.[1];
    if (name !== undefined) fields.set(name, part.slice(split + 4).replace(/\r\n$/, ""));
  }
  return fields;
}

function header(request: UnsubscribeRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers ?? {}))
    if (key.toLowerCase() === name && value !== undefined) return value;
  return undefined;
}

const HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  // The token is in the page's URL: no referrer, no third-party anything, no indexing, no framing.
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Robots-Tag": "noindex, nofollow",
};

function page(statusCode: number, html: string, extra: Record<string, string> = {}): UnsubscribeResponse {
  return { statusCode, headers: { ...HEADERS, ...extra }, body: html };
}

function what(claims: UnsubscribeClaims): string {
  if (claims.topic) return `“${escapeHtml(claims.topic)}” messages`;
  return { email: "marketing emails", sms: "marketing text messages", push: "marketing notifications" }[
    claims.channel
  ];
}

const PAGES = {
  confirm: (claims: UnsubscribeClaims) =>
    layout(
      "Unsubscribe",
      `<h1>Unsubscribe?</h1>
<p>You will no longer receive ${what(claims)} from us. Messages about your orders still reach you.</p>
<form method="post">
<input type="hidden" name="${ONE_CLICK_FIELD}" value="${ONE_CLICK_VALUE}">
<button type="submit">Unsubscribe</button>
</form>`,
    ),
  done: (claims: UnsubscribeClaims) =>
    layout(
      "Unsubscribed",
      `<h1>You are unsubscribed</h1>
<p>You will no longer receive ${what(claims)} from us. A message already on its way may still arrive.</p>`,
    ),
  invalid: layout(
    "Link not valid",
    `<h1>This link is not valid</h1>
<p>It may have expired or been copied incompletely. Use the unsubscribe link of a recent message.</p>`,
  ),
  unavailable: layout(
    "Please try again",
    `<h1>Something went wrong</h1>
<p>Your request could not be completed just now. Please try again in a few minutes.</p>`,
  ),
  methodNotAllowed: layout("Not allowed", "<h1>Not allowed</h1>"),
};

function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style>
</head>
<body>
${content}
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}
