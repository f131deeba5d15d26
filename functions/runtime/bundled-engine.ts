import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCampaignDirectory } from "../config/campaign-files.ts";
import { compileEngine, type Engine } from "../core/engine/compile.ts";

let engine: Engine | undefined;

/**
 * The campaigns bundled next to the function code (validated again at cold start: a bad file
 * fails the deployment's first invocation loudly instead of sending wrong messages).
 */
export function bundledEngine(campaignsDir?: string): Engine {
  if (!engine) {
    const dir = campaignsDir ?? join(dirname(fileURLToPath(import.meta.url)), "campaigns");
    const { campaigns, engine: config } = loadCampaignDirectory(dir);
    engine = compileEngine(campaigns, config, { renderBodies: true });
  }
  return engine;
}
