import type { MessageLine } from "../functions/core/engine/decisions.ts";
import { maskAddress } from "./mask.ts";

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

/** A sent message as a person scans it; rendered subjects can carry names, so the template id stands in. */
export function describeMessage(line: {
  at: string;
  campaign: string;
  channel: string;
  to?: string;
  template?: string;
  productIds?: readonly string[];
}): string {
  const products = line.productIds ? ` [${line.productIds.join(", ")}]` : "";
  const to = maskAddress(line.to ?? "").padEnd(20);
  return `  ${line.at.slice(0, 16)}  ${line.campaign.padEnd(27)} ${line.channel.padEnd(5)} ${to} ${line.template}${products}`;
}
