// One measureAwsCosts run in its own process (options as JSON in argv[2]); its result is the last line.
import "../test/setup.ts";

process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED = "true";
process.env.POWERTOOLS_METRICS_NAMESPACE = "Engage";
const { measureAwsCosts } = await import("./aws-costs.ts");
const result = await measureAwsCosts(JSON.parse(process.argv[2] ?? "{}"));
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);
