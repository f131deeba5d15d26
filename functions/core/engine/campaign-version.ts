import { createHash } from "node:crypto";
import type { Campaign } from "../config/campaign.ts";

/** Fields that change no journey's course: editing them makes no new version. */
const NOT_VERSIONED = new Set(["$schema", "name", "description"]);

/**
 * The content hash of a campaign as parsed (defaults filled in), the same whatever the file's key
 * order or whitespace: a journey records the version it started on, so an edit can be recognised.
 */
export function campaignVersion(campaign: Campaign): string {
  const text = canonicalJson(
    Object.fromEntries(Object.entries(campaign).filter(([key]) => !NOT_VERSIONED.has(key))),
  );
  // 72 bits: two versions of one campaign never collide in practice, and the journey item stays small.
  return createHash("sha256").update(text).digest("base64url").slice(0, 12);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
