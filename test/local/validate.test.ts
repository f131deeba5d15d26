import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../local/commands.ts";
import { campaignJsonSchemas } from "../../local/json-schema.ts";
import { CAMPAIGNS_DIR } from "../support/scenario.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** A copy of the shipped campaigns with one file changed by `edit`. */
function brokenCopy(file: string, edit: (json: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "engage-validate-"));
  dirs.push(dir);
  cpSync(CAMPAIGNS_DIR, dir, { recursive: true });
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, "utf8"));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
  return dir;
}

function runValidate(target: string): { code: number; stderr: string; stdout: string } {
  let stderr = "";
  let stdout = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const code = main(["validate", target]) as number;
  vi.restoreAllMocks();
  return { code, stderr, stdout };
}

describe("engage validate", () => {
  it("accepts the shipped campaigns", () => {
    const { code, stdout } = runValidate(CAMPAIGNS_DIR);
    expect(code).toBe(0);
    expect(stdout).toMatch(/campaigns and engine.json are valid/);
  });

  it("names the file, the JSON path and the expectation of each problem", () => {
    const target = brokenCopy("cart-abandonment.json", (json) => {
      const steps = json.steps as Record<string, unknown>[];
      steps[0]!.duration = "one hour";
      steps[1]!.channel = "fax";
      (json.triggers as Record<string, unknown>[])[0]!.event = "cart.abandoned";
    });
    const { code, stderr } = runValidate(target);
    expect(code).toBe(1);
    const file = join(target, "cart-abandonment.json");
    expect(stderr).toContain(`${file}: steps[0].duration: expected an ISO 8601 duration such as PT1H or P7D`);
    expect(stderr).toContain(`${file}: steps[1].channel: expected one of "email", "sms", "push"`);
    expect(stderr).toContain(`${file}: triggers[0].event: expected one of`);
    expect(stderr).toMatch(/3 problem\(s\)/);
  });

  it("catches a step that points nowhere, a missing template and bad Liquid", () => {
    const target = brokenCopy("welcome.json", (json) => {
      const steps = json.steps as Record<string, unknown>[];
      steps[0]!.next = "nowhere";
      steps[2]!.template = "missing";
      (json.templates as Record<string, { body: string }>).welcome!.body = "{% if %}";
    });
    const { code, stderr } = runValidate(target);
    expect(code).toBe(1);
    expect(stderr).toContain('steps[0].next: expected the id of a step of this campaign, not "nowhere"');
    expect(stderr).toContain(
      'steps[2].template: expected a template id defined under templates, not "missing"',
    );
    expect(stderr).toContain("templates.welcome.body: expected valid Liquid");
  });

  it("rejects a file whose id is not its name, and invalid JSON", () => {
    const target = brokenCopy("welcome.json", (json) => {
      json.id = "hello";
    });
    writeFileSync(join(target, "engine.json"), "{ nope");
    const { code, stderr } = runValidate(target);
    expect(code).toBe(1);
    expect(stderr).toContain('id: expected "welcome" (the file name without .json)');
    expect(stderr).toContain("engine.json: (file): expected valid JSON");
  });
});

describe("engage validate rejects campaigns that misbehave when run", () => {
  const welcome = (edit: (json: Record<string, unknown>) => void) => {
    const target = brokenCopy("welcome.json", edit);
    return { ...runValidate(target), file: join(target, "welcome.json") };
  };
  const steps = (json: Record<string, unknown>) => json.steps as Record<string, unknown>[];

  it("a wait too long to schedule (P999999999D)", () => {
    const { code, stderr, file } = welcome((json) => {
      steps(json)[1]!.duration = "P999999999D";
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}: steps[1].duration: expected a duration of at most P1825D (5 years)`);
  });

  it("a template that reads a file from the working directory ({% include %}, {% render %}, {% layout %})", () => {
    const { code, stderr, file } = welcome((json) => {
      const templates = json.templates as Record<string, { subject: string; body: string }>;
      templates.welcome!.body = "{% include 'package.json' %}";
      templates.bestsellers!.body = "{% render 'README.md' %}";
      templates["first-order-offer"]!.subject = "{% layout 'package.json' %}Hi";
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}: templates.welcome.body: expected valid Liquid ({% include %} is not supported`,
    );
    expect(stderr).toContain(
      `${file}: templates.bestsellers.body: expected valid Liquid ({% render %} is not supported`,
    );
    expect(stderr).toContain(
      `${file}: templates.first-order-offer.subject: expected valid Liquid ({% layout %} is not supported`,
    );
  });

  it("a template that cannot render within the limits (a 30-million-step loop)", () => {
    const started = performance.now();
    const { code, stderr, file } = welcome((json) => {
      const templates = json.templates as Record<string, { body: string }>;
      templates.welcome!.body = "{% for i in (1..30000000) %}x{% endfor %}";
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}: templates.welcome.body: expected a template that renders within its limits (memory alloc limit exceeded`,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("a loop of sends with no wait (64 sends in one go)", () => {
    const { code, stderr, file } = welcome((json) => {
      steps(json)[0]!.next = "welcome-email";
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}: steps[0].next: expected steps that loop only through a wait of at least PT1H (minLoopWait in engine.json); the loop welcome-email -> welcome-email has none`,
    );
  });

  it("a loop through a 1-minute wait (43,201 emails in 30 days)", () => {
    const { code, stderr, file } = welcome((json) => {
      steps(json)[1]!.duration = "PT1M";
      steps(json)[1]!.next = "welcome-email";
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}: steps[1].next: expected steps that loop only through a wait of at least PT1H (minLoopWait in engine.json); the loop welcome-email -> wait-2d -> welcome-email has none`,
    );
  });

  it("a loop through a wait that may be zero (counted from the last trigger)", () => {
    const { code, stderr, file } = welcome((json) => {
      steps(json)[3] = {
        id: "wait-3d",
        type: "wait",
        duration: "P3D",
        from: "lastTrigger",
        next: "bestsellers-email",
      };
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}: steps[3].next: expected steps that loop only through a wait of at least PT1H (minLoopWait in engine.json); the loop bestsellers-email -> wait-3d -> bestsellers-email has none`,
    );
  });

  it("an email body with template output in an unquoted attribute", () => {
    const { code, stderr, file } = welcome((json) => {
      const templates = json.templates as Record<string, { body: string }>;
      templates.welcome!.body = "<a href={{ unsubscribeUrl }}>Unsubscribe</a>";
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}: templates.welcome.body: expected attribute values in quotes`);
  });

  const nested = (depth: number) => {
    let condition: unknown = { path: "profile.email", op: "exists" };
    for (let i = 0; i < depth; i++) condition = { not: condition };
    return condition;
  };

  const cart = (edit: (json: Record<string, unknown>) => void) => {
    const target = brokenCopy("cart-abandonment.json", edit);
    return { ...runValidate(target), file: join(target, "cart-abandonment.json") };
  };

  it("a step whose template is a name every object has (hasOwnProperty)", () => {
    const { code, stderr, file } = cart((json) => {
      steps(json)[4]!.template = "hasOwnProperty";
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}: steps[4].template: expected a template id defined under templates, not "hasOwnProperty"`,
    );
  });

  it("a template named constructor, a condition path through constructor, a __proto__ key", () => {
    const reserved = "a name that is not a built-in property of JavaScript objects";
    const { code, stderr, file } = cart((json) => {
      Object.defineProperty(json.templates, "constructor", {
        value: { subject: "Hi", body: "Hi" },
        enumerable: true,
      });
      json.exitOn = [{ event: "order.placed", where: { path: "profile.constructor", op: "exists" } }];
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}: templates.constructor: expected ${reserved}`);
    expect(stderr).toContain(`${file}: exitOn[0].where.path: expected a path with no built-in property`);
    const proto = cart((json) => {
      json.params = JSON.parse('{"offerPercent": 10, "__proto__": {"polluted": true}}');
    });
    expect(proto.code).toBe(1);
    expect(proto.stderr).toContain(`${proto.file}: params.__proto__: expected no key "__proto__"`);
  });

  it("a ranking named toString in any condition of the campaign", () => {
    const { code, stderr, file } = cart((json) => {
      const where = { path: "traits.spendCohort", op: "rankAbove", ref: "profile.tier", ranking: "toString" };
      json.exitOn = [{ event: "order.placed", where }];
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}: exitOn[0].where: expected a ranking defined in engine.json`);
  });

  it("a condition nested 3,000 deep: a reason, not a stack overflow", () => {
    const { code, stderr, file } = welcome((json) => {
      (json.triggers as Record<string, unknown>[])[0]!.where = nested(3000);
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}: triggers[0].where.not.not.not`);
    expect(stderr).toContain("expected at most 100 levels of nesting");
  });

  it("a condition nested deeper than 32", () => {
    const { code, stderr, file } = welcome((json) => {
      (json.triggers as Record<string, unknown>[])[0]!.where = { all: [nested(40)] };
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}: triggers[0].where.all[0]${".not".repeat(31)}: expected conditions nested at most 32 deep (all / any / not)`,
    );
  });
});

describe("JSON Schema for editors", () => {
  it("campaigns/schema is up to date with the zod schemas (npm run schema)", () => {
    for (const [file, schema] of Object.entries(campaignJsonSchemas())) {
      const committed = JSON.parse(readFileSync(join(CAMPAIGNS_DIR, "schema", file), "utf8"));
      expect(committed, file).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });
});
