import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handlePageRequest } from "../../local/dev/page/handler.ts";
import { localEventBridgeClient } from "../../local/dev/replay.ts";
import type { DevRuntime } from "../../local/dev/runtime.ts";
import { MemoryDevView } from "./memory-view.ts";
import { startPageServer } from "./page-server.ts";

// Before the handlers' modules load: Powertools Metrics needs a namespace, and prints nothing in tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
});
const { startDevRuntime } = await import("../../local/dev/runtime.ts");

// Debian's chromium, driven by playwright-core (never `npx playwright install`: no download).
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOTS = join(import.meta.dirname, "..", "..", ".tmp", "page-screenshots");
const SLOW = 60_000; // a loaded 2-core machine: waits are generous, none is a measurement
const hasChromium = existsSync(CHROMIUM);
const skip = !hasChromium && !process.env.CI;
if (skip)
  console.warn(
    `page browser test SKIPPED: no ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`,
  );

/**
 * `engage dev` as the command starts it (local/dev/command.ts): the live runtime on a free port, the
 * page handler passed in, in replay mode from START so each event moves the runtime clock to its time.
 */
async function startEngine(): Promise<DevRuntime> {
  return startDevRuntime({ port: 0, replay: true, start: START, page: handlePageRequest });
}

const START = Date.parse("2026-03-02T00:00:00Z");
/** 15:00 in Paris: inside the 09:00–20:00 email send window, so the welcome email goes out at once. */
const SENT_AT = new Date("2026-03-02T14:00:00Z");
const CUSTOMER = "c-browser-1";
const XSS_ID = '<img src=x onerror="window.__xss=1">c-1';

function signup(customerId: string) {
  return {
    Source: "shop.web",
    DetailType: "customer.signed_up",
    Time: SENT_AT,
    EventBusName: "engage",
    Detail: JSON.stringify({
      customerId,
      email: "harper.lewis245@example.net",
      firstName: "Harper",
      timezone: "Europe/Paris",
      locale: "fr-FR",
      newsletter: false,
      smsOptIn: false,
    }),
  };
}

async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(SLOW);
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-loaded=true]");
  return { page, errors };
}

describe.skipIf(skip)("the engage dev page in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: SLOW });
  }, SLOW * 2);
  afterAll(() => browser?.close(), SLOW);

  it(
    "shows a message appear after an event is sent with the real EventBridge client, and opens the rendered email",
    async () => {
      const engine = await startEngine();
      try {
        const { page, errors } = await openPage(browser, engine.url);
        expect(await page.locator("#messages tr[data-id]").count()).toBe(0);
        await page.evaluate(() => Object.assign(globalThis, { __sameDocument: true }));

        // An app's PutEvents call: the real SDK client against the runtime's port.
        const output = await localEventBridgeClient(engine.url).send(
          new PutEventsCommand({
            Entries: [
              signup(CUSTOMER),
              signup(XSS_ID),
              { Source: "shop.web", DetailType: "cart.updated", Detail: "{}", EventBusName: "engage" },
            ],
          }),
        );
        expect(output.FailedEntryCount).toBe(0); // valid JSON: PutEvents takes all; ingest judges them

        // Live: the row comes over the change stream, without a reload.
        const row = page.locator("#messages tr[data-id]", { hasText: CUSTOMER });
        await row.waitFor();
        expect(await page.evaluate(() => "__sameDocument" in globalThis)).toBe(true);
        expect(await row.locator("button.customer").textContent()).toBe(CUSTOMER);
        expect(await row.textContent()).toContain("welcome");
        expect(await row.textContent()).toContain("Welcome, Harper!");
        // The address is masked on the page, never shown plain.
        expect(await row.textContent()).toContain("h***@e***.net");
        expect(await page.content()).not.toContain("harper.lewis245");

        // Ids may hold any printable character (the id rules refuse only control characters): the
        // XSS-looking customer is accepted, is sent its welcome email too, and shows as typed text.
        const xssRow = page.locator("#messages tr[data-id]").filter({
          has: page.locator("button.customer", { hasText: "onerror" }),
        });
        await xssRow.waitFor();
        expect(await xssRow.locator("button.customer").textContent()).toBe(XSS_ID);
        expect(await page.evaluate(() => "__xss" in globalThis)).toBe(false);
        expect(await page.locator("img").count()).toBe(0);
        expect(await engine.view.customer(XSS_ID)).toBeDefined();
        // The event ingest refuses: its reason shows as text.
        const rejected = page.locator("#events tr.rejected", { hasText: "cart.updated" });
        await rejected.waitFor();
        expect(await rejected.locator("td").last().textContent()).toMatch(/^rejected at ingest: \S/);
        expect(await page.locator("#messages tr[data-id]").count()).toBe(2);
        await page.screenshot({ path: join(SCREENSHOTS, "1-message-appeared.png"), fullPage: true });

        await row.locator("td").last().click(); // the subject: the customer cell opens the customer
        const frame = page.frameLocator("#message-frame");
        await expect
          .poll(() => frame.locator("body").textContent(), { timeout: SLOW })
          .toContain("Hi Harper, thanks for joining us.");
        expect(await frame.locator("a", { hasText: "Unsubscribe" }).count()).toBe(1);
        expect(await page.getAttribute("#message-frame", "sandbox")).toBe("");
        const ownUrl = await page.getAttribute("#message-link", "href");
        expect(ownUrl).toMatch(/^\/api\/messages\/[^/]+\/rendered$/);
        await page.screenshot({ path: join(SCREENSHOTS, "2-rendered-email.png"), fullPage: true });

        // Its own URL, as the recipient sees it, under the message CSP.
        const tab = await browser.newPage();
        const response = await tab.goto(engine.url + ownUrl);
        expect(response?.headers()["content-security-policy"]).toContain("sandbox");
        expect(await tab.locator("body").textContent()).toContain("Hi Harper, thanks for joining us.");
        await tab.screenshot({ path: join(SCREENSHOTS, "3-email-own-tab.png") });
        await tab.close();

        await row.locator("button.customer").click();
        await page.locator("#customer h3").waitFor();
        expect(await page.locator("#customer h3").textContent()).toBe(CUSTOMER);
        expect(await page.locator("#customer pre.state").textContent()).toContain("h***@e***.net");
        expect(await page.content()).not.toContain("harper.lewis245");

        // The XSS-looking id through the customer route (percent-encoded path): the same, as text.
        await xssRow.locator("button.customer").click();
        await expect.poll(() => page.locator("#customer h3").textContent(), { timeout: SLOW }).toBe(XSS_ID);
        expect(await page.evaluate(() => "__xss" in globalThis)).toBe(false);
        expect(await page.locator("img").count()).toBe(0);
        await row.locator("button.customer").click();
        await expect.poll(() => page.locator("#customer h3").textContent(), { timeout: SLOW }).toBe(CUSTOMER);
        await page.locator("#customer-section").screenshot({ path: join(SCREENSHOTS, "4-customer.png") });

        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await engine.stop();
      }
    },
    SLOW * 4,
  );

  // The in-memory view (test/dev/memory-view.ts): a dead letter needs a failing handler in the real runtime.
  it(
    "redrives a dead-letter queue from its button",
    async () => {
      const view = new MemoryDevView();
      const server = await startPageServer(view);
      try {
        view.addDeadLetter("journey-dlq", {
          id: "d-1",
          receivedAt: view.now(),
          reason: "task timed out",
          body: "{}",
        });
        view.addDeadLetter("journey-dlq", {
          id: "d-2",
          receivedAt: view.now(),
          reason: "task timed out",
          body: "{}",
        });
        const { page, errors } = await openPage(browser, server.url);
        const queue = page.locator('[data-queue="journey-dlq"]');
        await expect.poll(() => queue.locator("h3").textContent(), { timeout: SLOW }).toContain("2 waiting");
        await queue.locator("button.redrive").click();
        await expect
          .poll(() => page.locator(".redrive-result").textContent(), { timeout: SLOW })
          .toBe("2 redriven");
        await expect.poll(() => queue.locator("h3").textContent(), { timeout: SLOW }).toContain("0 waiting");
        expect(view.queues[0]!.messages).toEqual([]);
        await page.screenshot({ path: join(SCREENSHOTS, "5-dead-letters-redriven.png"), fullPage: true });
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await server.close();
      }
    },
    SLOW * 4,
  );
});
