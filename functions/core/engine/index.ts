export * from "./compile.ts";
export * from "./decide.ts";
export * from "./decisions.ts";
export * from "./schedule.ts";
