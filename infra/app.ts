import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { CampaignFilesError } from "./campaign-config.ts";
import { addEngineStack } from "./engine-app.ts";
import { engineNagPacks } from "./nag-packs.ts";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const app = new App();
try {
  addEngineStack(app, { projectRoot });
} catch (error) {
  if (!(error instanceof CampaignFilesError)) throw error;
  console.error(`Synth stopped: ${error.message}`);
  process.exit(1);
}
Validations.of(app).addPlugins(...engineNagPacks(app));
app.synth();
