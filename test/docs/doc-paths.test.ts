import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).map((name) => `docs/${name}`)];
const TOP_FOLDERS = "functions|test|infra|local|workflows|bench|examples|campaigns|docs|scripts";
/** Written by a command, so absent from a fresh checkout. */
const OUTPUTS = new Set(["examples/shop.out.jsonl", "bench/results/latest.json", "latest.md", "big.jsonl"]);

function read(doc: string): string {
  return readFileSync(join(ROOT, doc), "utf8");
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name.startsWith(".") || entry.name.startsWith("cdk.out"))
      return [];
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** `folder/...` paths anywhere, and backticked file names, with an optional `:line`. */
function namedPaths(text: string): string[] {
  const paths = text.match(new RegExp(`(?<![\\w./-])(?:${TOP_FOLDERS})/[\\w./-]*(?::\\d+)?`, "g")) ?? [];
  const files = [...text.matchAll(/`([\w.-]+\.(?:ts|mjs|json|jsonl|md)(?::\d+)?)`/g)].map(
    (m) => m[1] as string,
  );
  return [...new Set([...paths, ...files])].map((path) => path.replace(/[.]$/, ""));
}

function missing(named: string, basenames: Set<string>): string | undefined {
  const [path = "", line] = named.split(":");
  if (OUTPUTS.has(path)) return undefined;
  const exists = path.includes("/") ? existsSync(join(ROOT, path)) : basenames.has(path);
  if (!exists) return `${named}: no such file`;
  if (line === undefined || !path.includes("/") || statSync(join(ROOT, path)).isDirectory()) return undefined;
  const lines = read(path).split("\n").length;
  return Number(line) <= lines ? undefined : `${named}: the file has ${lines} lines`;
}

describe("docs name only what exists", () => {
  const basenames = new Set(filesUnder("").map((path) => basename(path)));

  it.each(DOCS)("%s names only existing files and lines", (doc) => {
    const stale = namedPaths(read(doc)).flatMap((named) => missing(named, basenames) ?? []);
    expect(stale).toEqual([]);
  });

  it("the README's layout lists every folder under functions/", () => {
    const readme = read("README.md");
    const folders = readdirSync(join(ROOT, "functions"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${join(entry.parentPath, entry.name).slice(ROOT.length + 1)}/`);
    expect(folders.filter((folder) => !readme.includes(folder))).toEqual([]);
  });
});
