/** Stable assignment: the same customer and campaign always land in the same bucket of 10,000. */
export function inHoldout(customerId: string, campaignId: string, percent: number): boolean {
  if (percent <= 0) return false;
  return holdoutBucket(customerId, campaignId) < percent * 100;
}

export function holdoutBucket(customerId: string, campaignId: string): number {
  return fnv1a32(`${campaignId}:${customerId}`) % 10_000;
}

/** FNV-1a, 32 bit: cheap, stable across runtimes, well spread for short ids. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
