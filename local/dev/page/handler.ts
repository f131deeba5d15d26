import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { DevView } from "../view.ts";
import { streamChanges } from "./change-stream.ts";
import { maskPersonalData } from "./mask-personal.ts";
import { commonHeaders, isLocalHost, isSameOrigin, MESSAGE_CSP, PAGE_CSP } from "./security-headers.ts";
import { STATIC_FILES, staticFile } from "./static-files.ts";

const LimitSchema = z.coerce.number().int().min(1).max(1000).default(100);
const IdSchema = z.string().min(1).max(512);

class BadRequest extends Error {}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  commonHeaders(res, "application/json; charset=utf-8");
  res.writeHead(status);
  res.end(JSON.stringify(maskPersonalData(body)));
}

function limitOf(url: URL): number {
  const parsed = LimitSchema.safeParse(url.searchParams.get("limit") ?? undefined);
  if (!parsed.success) throw new BadRequest("limit must be a whole number from 1 to 1000");
  return parsed.data;
}

/** The path segment after `prefix`, decoded: ids come from events and may hold any character. */
function idIn(path: string, prefix: string, suffix = ""): string | undefined {
  if (!path.startsWith(prefix) || !path.endsWith(suffix)) return undefined;
  const raw = path.slice(prefix.length, path.length - suffix.length);
  if (raw.includes("/")) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new BadRequest("the id in the path is not valid percent-encoding");
  }
  const parsed = IdSchema.safeParse(id);
  if (!parsed.success) throw new BadRequest("the id must be 1 to 512 characters");
  return parsed.data;
}

async function sendStatic(res: ServerResponse, path: string): Promise<void> {
  const entry = STATIC_FILES[path]!;
  const bytes = await staticFile(entry.file);
  commonHeaders(res, entry.contentType);
  if (path === "/") res.setHeader("Content-Security-Policy", PAGE_CSP);
  res.writeHead(200);
  res.end(bytes);
}

function sendRendered(res: ServerResponse, view: DevView, id: string): void {
  const rendered = view.renderedMessage(id);
  if (!rendered) {
    sendJson(res, 404, { error: `no message ${id}` });
    return;
  }
  const isHtml = rendered.contentType.startsWith("text/html");
  commonHeaders(res, isHtml ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
  res.setHeader("Content-Security-Policy", MESSAGE_CSP);
  res.writeHead(200);
  res.end(rendered.body);
}

async function answerGet(req: IncomingMessage, res: ServerResponse, view: DevView, url: URL): Promise<void> {
  const path = url.pathname;
  const now = view.now();
  switch (path) {
    case "/api/stream":
      return streamChanges(req, res, view);
    case "/api/events":
      return sendJson(res, 200, { now, items: view.events(limitOf(url)) });
    case "/api/journeys":
      return sendJson(res, 200, { now, items: view.journeys(limitOf(url)) });
    case "/api/messages":
      return sendJson(res, 200, { now, items: view.messages(limitOf(url)) });
    case "/api/suppressions":
      return sendJson(res, 200, { now, items: view.suppressions(limitOf(url)) });
    case "/api/counts":
      return sendJson(res, 200, { now, items: view.counts() });
    case "/api/dead-letters":
      return sendJson(res, 200, { now, items: view.deadLetterQueues() });
  }
  const messageId = idIn(path, "/api/messages/", "/rendered");
  if (messageId !== undefined) return sendRendered(res, view, messageId);
  const customerId = idIn(path, "/api/customers/");
  if (customerId !== undefined) {
    const customer = await view.customer(customerId);
    if (!customer) return sendJson(res, 404, { error: `no customer ${customerId}` });
    return sendJson(res, 200, { now, customer });
  }
  sendJson(res, 404, { error: `no such page: GET ${path}` });
}

async function answerPost(req: IncomingMessage, res: ServerResponse, view: DevView, url: URL): Promise<void> {
  req.resume(); // the body is not read: the path says which queue
  if (!isSameOrigin(req)) return sendJson(res, 403, { error: "redrive only from the page itself" });
  const queueName = idIn(url.pathname, "/api/dead-letters/", "/redrive");
  if (queueName === undefined) return sendJson(res, 404, { error: `no such page: POST ${url.pathname}` });
  if (!view.deadLetterQueues().some((queue) => queue.name === queueName))
    return sendJson(res, 404, { error: `no queue ${queueName}` });
  sendJson(res, 200, { queue: queueName, redriven: await view.redrive(queueName) });
}

/**
 * The `engage dev` page and its JSON API. Answers GET of the page and its files, and anything under
 * /api/; returns false for the rest (the runtime answers PutEvents, a POST to /, on the same port).
 */
export async function handlePageRequest(
  req: IncomingMessage,
  res: ServerResponse,
  view: DevView,
): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
  const isStatic = req.method === "GET" && Object.hasOwn(STATIC_FILES, url.pathname);
  if (!isApi && !isStatic) return false;
  try {
    if (!isLocalHost(req)) sendJson(res, 403, { error: "the page answers on 127.0.0.1 only" });
    else if (isStatic) await sendStatic(res, url.pathname);
    else if (req.method === "GET") await answerGet(req, res, view, url);
    else if (req.method === "POST") await answerPost(req, res, view, url);
    else sendJson(res, 405, { error: `${req.method} is not answered under /api/` });
  } catch (error) {
    if (res.headersSent) res.destroy();
    else if (error instanceof BadRequest) sendJson(res, 400, { error: error.message });
    else sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
  }
  return true;
}
