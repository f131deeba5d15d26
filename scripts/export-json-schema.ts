// Writes the JSON Schemas editors use to validate and autocomplete campaign files (campaigns/schema/).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { campaignJsonSchemas } from "../local/json-schema.ts";

const dir = join(import.meta.dirname, "..", "campaigns", "schema");
for (const [file, schema] of Object.entries(campaignJsonSchemas())) {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote campaigns/schema/${file}\n`);
}
