import { readFile } from "node:fs/promises";
import { join } from "node:path";

const STATIC_DIR = join(import.meta.dirname, "static");

export const STATIC_FILES: Record<string, { file: string; contentType: string }> = {
  "/": { file: "index.html", contentType: "text/html; charset=utf-8" },
  "/static/page.css": { file: "page.css", contentType: "text/css; charset=utf-8" },
  "/static/page.js": { file: "page.js", contentType: "text/javascript; charset=utf-8" },
};

const cache = new Map<string, Promise<Buffer>>();

/** The file's bytes, read once: the page is three small files shipped with the runtime. */
export function staticFile(file: string): Promise<Buffer> {
  let bytes = cache.get(file);
  if (!bytes) {
    bytes = readFile(join(STATIC_DIR, file));
    cache.set(file, bytes);
  }
  return bytes;
}
