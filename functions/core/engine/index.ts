/**
 * The core's four entry points. Each takes `engine`, the CompiledCampaigns (compileCampaigns), changes
 * one customer's state in place, reads no clock (time is given) and returns the decisions it made:
 * - decide(engine, state, event): a customer event (decide.ts);
 * - decideCatalog(engine, state, event): a price or stock change, for one interested customer (decide.ts);
 * - advance(engine, state, journeyId, now): a journey's wake-up (decide.ts);
 * - runOccurrence(engine, state, occurrence): one occurrence of a scheduled campaign (schedule.ts).
 * The flow around them: docs/architecture.md.
 */
export * from "./compile.ts";
export * from "./decide.ts";
export * from "./decisions.ts";
export * from "./schedule.ts";
