import "../local/dev/node20.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
process.env.CDK_DISABLE_CLI_TELEMETRY = "true";
process.env.CDK_DISABLE_VERSION_CHECK = "1";
