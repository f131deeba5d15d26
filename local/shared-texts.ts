import type { EngineEvent } from "../functions/core/events/envelope.ts";

/** Distinct texts kept: a catalog's worth; a stream of ever-new texts must not fill the memory. */
const MAX_TEXTS = 100_000;

/**
 * One copy per run of each text of the events' items (product id, name, brand, url, ...). The states
 * keep copies of the items their events carried, and JSON.parse gives every line its own copy of
 * each long string, so every customer held its own copy of the same products' texts.
 */
export class SharedTexts {
  private readonly texts = new Map<string, string>();

  constructor(private readonly max = MAX_TEXTS) {}

  /** Replaces, in place, the texts of the items of an event's detail (its `product`, its `items`) by shared copies. */
  shareItems(event: EngineEvent): void {
    const detail = event.detail as { product?: unknown; items?: unknown };
    this.shareItem(detail.product);
    if (Array.isArray(detail.items)) for (const item of detail.items) this.shareItem(item);
  }

  private shareItem(item: unknown): void {
    if (typeof item !== "object" || item === null) return;
    const fields = item as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (typeof value === "string") fields[key] = this.share(value);
      else if (Array.isArray(value))
        for (let i = 0; i < value.length; i++)
          if (typeof value[i] === "string") value[i] = this.share(value[i]);
    }
  }

  share(text: string): string {
    const shared = this.texts.get(text);
    if (shared !== undefined) return shared;
    if (this.texts.size < this.max) this.texts.set(text, text);
    return text;
  }
}
