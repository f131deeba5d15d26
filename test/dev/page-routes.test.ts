import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANGE_THROTTLE_MS } from "../../local/dev/page/change-stream.ts";
import type { DevCustomer } from "../../local/dev/view.ts";
import { MemoryDevView } from "./memory-view.ts";
import { type PageServer, startPageServer } from "./page-server.ts";

let view: MemoryDevView;
let server: PageServer;

beforeEach(async () => {
  view = new MemoryDevView();
  server = await startPageServer(view);
});
afterEach(() => server.close());

const signup = (customerId: string, firstName = "Harper") =>
  view.sendEvent({
    Source: "shop.web",
    DetailType: "customer.signed_up",
    Detail: JSON.stringify({ customerId, email: "harper.lewis245@example.net", firstName }),
  });

/** The API's answers, loosely: each test checks the fields it is about. */
interface Answer {
  now: string;
  items: Array<Record<string, unknown>>;
  customer: DevCustomer & { state: { profile: unknown } };
  error: string;
}

const getJson = async (path: string) => {
  const response = await fetch(server.url + path);
  return { status: response.status, body: (await response.json()) as Answer };
};

/** A raw request, for the headers fetch will not let a test set (Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(server.url + path, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the page and its files", () => {
  it("serves the page with a CSP that allows only its own script, style and API", async () => {
    const response = await fetch(server.url + "/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(await response.text()).toContain('<script type="module" src="/static/page.js">');
    const script = await fetch(server.url + "/static/page.js");
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("EventSource");
    expect((await fetch(server.url + "/static/page.css")).status).toBe(200);
  });

  it("leaves PutEvents (a POST to /) and unknown paths to the runtime", async () => {
    const putEvents = await fetch(server.url + "/", {
      method: "POST",
      headers: { "X-Amz-Target": "AWSEvents.PutEvents", "Content-Type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ Entries: [] }),
    });
    expect(await putEvents.text()).toBe("not the page");
    expect(await (await fetch(server.url + "/favicon.ico")).text()).toBe("not the page");
    expect(await (await fetch(server.url + "/static/other.js")).text()).toBe("not the page");
  });

  it("answers an unknown /api/ path or method itself, with JSON", async () => {
    expect(await getJson("/api/nothing")).toEqual({
      status: 404,
      body: { error: "no such page: GET /api/nothing" },
    });
    const put = await fetch(server.url + "/api/events", { method: "PUT" });
    expect(put.status).toBe(405);
  });

  it("refuses a Host that is not local, so a rebound DNS name cannot read customers", async () => {
    expect(await rawGet("/api/messages", { Host: "attacker.example" })).toBe(403);
    expect(await rawGet("/", { Host: "attacker.example:4010" })).toBe(403);
    expect(await rawGet("/api/messages", { Host: "localhost:4010" })).toBe(200);
  });
});

describe("the JSON API", () => {
  it("lists events, rejected ones with their reason, newest first, with the runtime clock", async () => {
    signup("c-1");
    view.sendEvent({ Source: "shop.web", DetailType: "cart.updated", Detail: "{}" });
    const { status, body } = await getJson("/api/events?limit=10");
    expect(status).toBe(200);
    expect(body.now).toBe(view.now());
    expect(body.items.map((event) => event.status)).toEqual(["rejected", "accepted"]);
    expect(body.items[0]!.reason).toBe("detail.customerId: expected a string");
    expect((await getJson("/api/events?limit=1")).body.items).toHaveLength(1);
  });

  it("refuses a limit that is not a whole number from 1 to 1000", async () => {
    for (const limit of ["0", "abc", "2.5", "1001"])
      expect(await getJson(`/api/events?limit=${limit}`)).toEqual({
        status: 400,
        body: { error: "limit must be a whole number from 1 to 1000" },
      });
  });

  it("lists messages, journeys and counts, addresses masked", async () => {
    signup("c-1");
    const messages = (await getJson("/api/messages")).body.items;
    expect(messages).toMatchObject([
      { id: "msg-1", customerId: "c-1", to: "h***@e***.net", channel: "email" },
    ]);
    const journeys = (await getJson("/api/journeys")).body.items;
    expect(journeys).toMatchObject([
      { customerId: "c-1", campaignId: "welcome", nextWakeAt: expect.any(String) },
    ]);
    const counts = (await getJson("/api/counts")).body.items;
    expect(counts).toEqual([
      { campaignId: "welcome", sent: 1, suppressed: 0, journeysStarted: 1, journeysInFlight: 1 },
    ]);
  });

  it("serves a rendered email as HTML that can run nothing and fetch nothing", async () => {
    signup("c-1");
    const response = await fetch(server.url + "/api/messages/msg-1/rendered");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp.split("; ")).toEqual(
      expect.arrayContaining(["sandbox", "default-src 'none'", "img-src data:"]),
    );
    expect(csp).not.toContain("script-src");
    expect(await response.text()).toContain("<h1>Welcome, Harper</h1>");
    expect((await fetch(server.url + "/api/messages/msg-9/rendered")).status).toBe(404);
  });

  it("serves a text message as text, never as HTML", async () => {
    signup("c-1");
    view.renderedMessage = () => ({ contentType: "text/plain", body: "<b>20% off</b>" });
    const response = await fetch(server.url + "/api/messages/msg-1/rendered");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("shows a customer with the stored profile masked: no plain email or name leaves the page", async () => {
    signup("c-1");
    const { status, body } = await getJson("/api/customers/c-1");
    expect(status).toBe(200);
    expect(body.customer.state.profile).toEqual({ email: "h***@e***.net", firstName: "H***" });
    expect(JSON.stringify(body)).not.toContain("harper");
    expect(body.customer.consent).toEqual({ email: "granted", topics: {} });
    expect(body.customer.messages).toHaveLength(1);
  });

  it("finds a customer whose id holds any character, and refuses a malformed one", async () => {
    const oddId = 'a/b <img src=x onerror="alert(1)"> %';
    signup(oddId);
    const found = await getJson(`/api/customers/${encodeURIComponent(oddId)}`);
    expect(found.body.customer.customerId).toBe(oddId);
    expect(await getJson("/api/customers/unknown")).toEqual({
      status: 404,
      body: { error: "no customer unknown" },
    });
    expect((await getJson("/api/customers/%E0%A4%A")).status).toBe(400);
  });

  it("lists the dead-letter queues and redrives one, only from the page's own origin", async () => {
    view.addDeadLetter("ingest-dlq", { id: "d-1", receivedAt: view.now(), reason: "throttled", body: "{}" });
    view.addDeadLetter("ingest-dlq", { id: "d-2", receivedAt: view.now(), reason: "throttled", body: "{}" });
    expect((await getJson("/api/dead-letters")).body.items).toMatchObject([
      { name: "ingest-dlq", messages: [{ id: "d-1" }, { id: "d-2" }] },
    ]);
    const path = "/api/dead-letters/ingest-dlq/redrive";
    const foreign = await fetch(server.url + path, {
      method: "POST",
      headers: { Origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(view.queues[0]!.messages).toHaveLength(2);
    const unknown = await fetch(server.url + "/api/dead-letters/nope/redrive", { method: "POST" });
    expect(unknown.status).toBe(404);
    const own = await fetch(server.url + path, { method: "POST", headers: { Origin: server.url } });
    expect(await own.json()).toEqual({ queue: "ingest-dlq", redriven: 2 });
    expect(view.queues[0]!.messages).toHaveLength(0);
  });

  it("answers 500 with the reason when the view fails", async () => {
    view.counts = () => {
      throw new Error("table not ready");
    };
    expect(await getJson("/api/counts")).toEqual({ status: 500, body: { error: "table not ready" } });
  });
});

describe("the change stream", () => {
  /** Reads the stream for `ms`, calling `during` once it is open; returns the change events seen. */
  async function changesDuring(ms: number, during: () => void): Promise<string[]> {
    const controller = new AbortController();
    const response = await fetch(server.url + "/api/stream", { signal: controller.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const reading = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += decoder.decode(value);
        }
      } catch {
        // aborted
      }
    })();
    during();
    await new Promise((resolve) => setTimeout(resolve, ms));
    controller.abort();
    await reading;
    return [...text.matchAll(/event: change\ndata: (\d+)\n\n/g)].map((match) => match[1]!);
  }

  it("sends one change at once, then at most one per throttle interval, and always one after the last", async () => {
    const burstMs = 4 * CHANGE_THROTTLE_MS;
    const changes = await changesDuring(burstMs + 3 * CHANGE_THROTTLE_MS, () => {
      const started = Date.now();
      const burst = setInterval(() => {
        view.changed();
        if (Date.now() - started > burstMs) clearInterval(burst);
      }, 5);
    });
    // ~160 changes in the burst; the page hears the first at connect, about one per interval, and the last.
    expect(changes.length).toBeGreaterThanOrEqual(3);
    expect(changes.length).toBeLessThanOrEqual(
      2 + Math.ceil((burstMs + 3 * CHANGE_THROTTLE_MS) / CHANGE_THROTTLE_MS),
    );
    expect(changes).toEqual(changes.map((_, index) => String(index + 1)));
  }, 30_000);

  it("stops listening to the view when the page goes away", async () => {
    await changesDuring(100, () => {});
    await expect.poll(() => view.listenerCount, { timeout: 10_000 }).toBe(0);
  }, 30_000);
});
