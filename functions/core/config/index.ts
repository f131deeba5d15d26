export * from "./campaign.ts";
export * from "./condition.ts";
export * from "./duration.ts";
export * from "./engine.ts";
export * from "./policies.ts";
