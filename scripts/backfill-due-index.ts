// One-off: files every customer of the CustomerState table in the sweep's due-time index (items written
// before the index existed, or left behind by an outage longer than the sweep's catch-up window).
// Usage, with credentials for the account: STATE_TABLE=<table name> npx tsx scripts/backfill-due-index.ts
import { DynamoDbDocuments } from "../functions/adapters/dynamodb-documents.ts";
import { dynamoDbDueIndex } from "../functions/adapters/dynamodb-due-index.ts";
import { loadCampaignDirectory } from "../functions/campaign-files/load.ts";
import { compileCampaigns } from "../functions/core/engine/compile.ts";
import { backfillDueIndex } from "../functions/use-cases/backfill-due-index.ts";

const tableName = process.env.STATE_TABLE;
if (!tableName) throw new Error("STATE_TABLE: the CustomerState table's name");
const { campaigns, settings } = loadCampaignDirectory(process.env.CAMPAIGNS_DIR ?? "campaigns");
const client = new DynamoDbDocuments();
const counts = await backfillDueIndex(
  compileCampaigns(campaigns, settings),
  dynamoDbDueIndex(client, tableName),
  Date.now(),
);
console.log(JSON.stringify(counts));
