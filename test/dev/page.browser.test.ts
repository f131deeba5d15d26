import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryDevView, type PutEventsEntry } from "./memory-view.ts";
import { startPageServer } from "./page-server.ts";

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

/** An engine with its page on a local port, and the way an app sends it an event. */
interface EngineUnderTest {
  url: string;
  sendEvent(entry: PutEventsEntry): Promise<void>;
  close(): Promise<void>;
}

/** The page over the in-memory view. At merge: `engage dev` on a free port, sendEvent a PutEvents call. */
async function startEngine(): Promise<EngineUnderTest> {
  const view = new MemoryDevView();
  const server = await startPageServer(view);
  return { url: server.url, sendEvent: async (entry) => void view.sendEvent(entry), close: server.close };
}

const XSS_ID = '<img src=x onerror="window.__xss=1">c-1';

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
    "shows a message appear after an event is sent, and opens the rendered email",
    async () => {
      const engine = await startEngine();
      try {
        const { page, errors } = await openPage(browser, engine.url);
        expect(await page.locator("#messages tr[data-id]").count()).toBe(0);
        await page.evaluate(() => Object.assign(globalThis, { __sameDocument: true }));

        await engine.sendEvent({
          Source: "shop.web",
          DetailType: "customer.signed_up",
          Detail: JSON.stringify({
            customerId: XSS_ID,
            email: "harper.lewis245@example.net",
            firstName: "Harper",
          }),
        });
        await engine.sendEvent({ Source: "shop.web", DetailType: "cart.updated", Detail: "{}" });

        // Live: the row comes over the change stream, without a reload.
        const row = page.locator("#messages tr[data-id]").first();
        await row.waitFor();
        expect(await page.evaluate(() => "__sameDocument" in globalThis)).toBe(true);
        const rejected = page.locator("#events tr.rejected").first();
        await rejected.waitFor();
        expect(await rejected.locator("td").last().textContent()).toMatch(/\S/);
        await page.screenshot({ path: join(SCREENSHOTS, "1-message-appeared.png"), fullPage: true });

        // Data from events is text: the id shows as typed, and nothing in it ran.
        expect(await row.locator("button.customer").textContent()).toBe(XSS_ID);
        expect(await page.evaluate(() => "__xss" in globalThis)).toBe(false);
        expect(await page.locator("img").count()).toBe(0);
        expect(await page.content()).not.toContain("harper.lewis245");

        await row.locator("td").last().click(); // the subject: the customer cell opens the customer
        const frame = page.frameLocator("#message-frame");
        await expect.poll(() => frame.locator("body").textContent(), { timeout: SLOW }).toContain("Welcome");
        expect(await page.getAttribute("#message-frame", "sandbox")).toBe("");
        const ownUrl = await page.getAttribute("#message-link", "href");
        expect(ownUrl).toMatch(/^\/api\/messages\/[^/]+\/rendered$/);
        await page.screenshot({ path: join(SCREENSHOTS, "2-rendered-email.png"), fullPage: true });

        // Its own URL, as the recipient sees it, under the message CSP.
        const tab = await browser.newPage();
        const response = await tab.goto(engine.url + ownUrl);
        expect(response?.headers()["content-security-policy"]).toContain("sandbox");
        expect(await tab.locator("body").textContent()).toContain("Welcome");
        await tab.screenshot({ path: join(SCREENSHOTS, "3-email-own-tab.png") });
        await tab.close();

        await row.locator("button.customer").click();
        await page.locator("#customer h3").waitFor();
        expect(await page.locator("#customer h3").textContent()).toBe(XSS_ID);
        expect(await page.locator("#customer pre.state").textContent()).toContain("h***@e***.net");
        await page.locator("#customer-section").screenshot({ path: join(SCREENSHOTS, "4-customer.png") });

        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await engine.close();
      }
    },
    SLOW * 4,
  );

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
