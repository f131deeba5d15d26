// The synthesized definitions cached by the content of the sources they come from (infra/, workflows/,
// functions/): a CDK synth costs seconds at every start, a changed construct or event type a new synth.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SynthesizedEngine } from "./synthesized.ts";

const root = join(import.meta.dirname, "..", "..");
const SOURCES = ["infra", "workflows", "functions", "local/dev/synthesized.ts", "package-lock.json"];

export async function synthesizedEngine(): Promise<SynthesizedEngine> {
  const hash = createHash("sha256");
  for (const source of SOURCES) addTree(hash, join(root, source));
  const dir = join(root, "node_modules", ".cache", "engage-dev");
  const file = join(dir, `synth-${hash.digest("hex").slice(0, 16)}.json`);
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, "utf8")) as Omit<SynthesizedEngine, "tables"> & {
      tables: [string, never][];
    };
    return { ...cached, tables: new Map(cached.tables) };
  }
  const { synthesizeEngine } = await import("./synthesized.ts");
  const engine = synthesizeEngine();
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ ...engine, tables: [...engine.tables] }));
  } catch {
    // A read-only checkout synthesizes at every start.
  }
  return engine;
}

function addTree(hash: ReturnType<typeof createHash>, path: string): void {
  if (!existsSync(path)) return;
  if (!path.endsWith(".ts") && !path.endsWith(".json")) {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    ))
      if (entry.isDirectory() || entry.name.endsWith(".ts") || entry.name.endsWith(".json"))
        addTree(hash, join(path, entry.name));
    return;
  }
  hash.update(path);
  hash.update(readFileSync(path));
}
