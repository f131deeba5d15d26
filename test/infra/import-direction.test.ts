import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./engine-app-fixture.ts";

/** Folders that infra/ builds on: none of them may import infra/, so the arrows point one way. */
const BELOW_INFRA = ["functions", "workflows", "local", "examples"];
/** engage dev stands in for the deployed stack: it reads the stack's constructs (tables, rules, ASL, schedules) by design (issue 11). */
const READS_THE_STACK = join("local", "dev");

const IMPORT_SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.[cm]?[jt]s$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(IMPORT_SPECIFIER)].map((match) => (match[1] ?? match[2]) as string);
}

describe("import direction", () => {
  it("no file of functions/, workflows/, local/ or examples/ imports from infra/", () => {
    const infra = join(PROJECT_ROOT, "infra");
    const upward = BELOW_INFRA.flatMap((folder) =>
      sourceFiles(join(PROJECT_ROOT, folder))
        .filter((file) => !relative(PROJECT_ROOT, file).startsWith(READS_THE_STACK))
        .flatMap((file) =>
          importsOf(file)
            .filter((specifier) => specifier.startsWith("."))
            .filter((specifier) => !relative(infra, resolve(dirname(file), specifier)).startsWith(".."))
            .map((specifier) => `${relative(PROJECT_ROOT, file)} imports ${specifier}`),
        ),
    );
    expect(upward).toEqual([]);
  });

  // Layers of functions/, lowest first: a folder may import only from itself and the layers below it.
  const LAYERS: Record<string, string[]> = {
    "functions/core": [],
    "functions/adapters": ["functions/core"],
    "functions/runtime": [
      "functions/core",
      "functions/adapters",
      "functions/campaign-files",
      "functions/unsubscribe",
    ],
    "functions/use-cases": [
      "functions/core",
      "functions/adapters",
      "functions/runtime",
      "functions/unsubscribe",
    ],
  };

  it.each(Object.entries(LAYERS))("%s imports only from itself and %j", (folder, below) => {
    const allowed = [folder, ...below].map((dir) => join(PROJECT_ROOT, dir));
    const files = sourceFiles(join(PROJECT_ROOT, folder));
    expect(files.length).toBeGreaterThan(0);
    const wrong = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith("."))
        .filter((specifier) => {
          const target = resolve(dirname(file), specifier);
          return !allowed.some((dir) => !relative(dir, target).startsWith(".."));
        })
        .map((specifier) => `${relative(PROJECT_ROOT, file)} imports ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it("the domain core imports no AWS SDK or Powertools package", () => {
    const sdk = sourceFiles(join(PROJECT_ROOT, "functions/core")).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => /^@aws-sdk\/|^@aws-lambda-powertools\/|^@middy\//.test(specifier))
        .map((specifier) => `${relative(PROJECT_ROOT, file)} imports ${specifier}`),
    );
    expect(sdk).toEqual([]);
  });
});
