import type { IncomingMessage, ServerResponse } from "node:http";
import type { DevView } from "../view.ts";

/** At most one update per this many ms per page: a busy runtime changes thousands of times a second. */
export const CHANGE_THROTTLE_MS = 250;
const KEEPALIVE_MS = 15_000;

/**
 * Server-Sent Events: a `change` event (its data a sequence number) when the view changed, at most
 * one per CHANGE_THROTTLE_MS and always one after the last change; one at once on connect so a page
 * that reconnects catches up. The page fetches what it shows on each.
 */
export function streamChanges(req: IncomingMessage, res: ServerResponse, view: DevView): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    Connection: "keep-alive",
  });
  let sequence = 0;
  let lastSentAt = 0;
  let pending: NodeJS.Timeout | undefined;
  const send = () => {
    pending = undefined;
    lastSentAt = Date.now();
    sequence += 1;
    res.write(`event: change\ndata: ${sequence}\n\n`);
  };
  const onChange = () => {
    if (pending) return;
    pending = setTimeout(send, Math.max(0, lastSentAt + CHANGE_THROTTLE_MS - Date.now()));
  };
  res.write("retry: 1000\n\n");
  send();
  const unsubscribe = view.onChange(onChange);
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    clearInterval(keepalive);
    if (pending) clearTimeout(pending);
  };
  req.on("close", stop);
  res.on("close", stop);
}
