import type { MessageLine } from "../functions/core/engine/decisions.ts";

const FIELD_ORDER: (keyof MessageLine)[] = [
  "at",
  "campaign",
  "step",
  "customerId",
  "channel",
  "status",
  "reason",
  "template",
  "to",
  "subject",
  "productIds",
  "deferredFrom",
];

/** One JSON line with the contract's fields in the contract's order, absent ones left out. */
export function formatMessageLine(line: MessageLine): string {
  const ordered: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) if (line[field] !== undefined) ordered[field] = line[field];
  return JSON.stringify(ordered);
}
