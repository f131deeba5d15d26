import type { IncomingMessage, ServerResponse } from "node:http";

/** The page loads only its own script, style and API; nothing inline, nothing from elsewhere (the empty icon is data:). */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; " +
  "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * A rendered message comes from templates fed with event data: no script runs (sandbox, as in the
 * page's iframe, also when opened at its own URL), and nothing is fetched, so no remote image or
 * tracking pixel leaves the machine. Inline styles stay: emails are styled that way.
 */
export const MESSAGE_CSP =
  "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'self'";

export function commonHeaders(res: ServerResponse, contentType: string): void {
  res.setHeader("Content-Type", contentType);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cache-Control", "no-store");
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Only a local name: another site renamed to 127.0.0.1 (DNS rebinding) must not read customers. */
export function isLocalHost(req: IncomingMessage): boolean {
  const host = req.headers.host ?? "";
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
  return LOCAL_HOSTS.has(name.toLowerCase());
}

/** A browser says where a POST comes from: only the page itself may redrive a queue. */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}
