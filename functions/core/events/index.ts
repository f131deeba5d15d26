export * from "./details.ts";
export * from "./envelope.ts";
export * from "./item.ts";
