export * from "./details.ts";
export * from "./envelope.ts";
export * from "./item.ts";
export * from "./journey-failed.ts";
