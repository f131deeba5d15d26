import { Liquid, type Template as LiquidTemplate } from "liquidjs";
import type { Campaign } from "../config/campaign.ts";

const escaped = new Liquid({ outputEscape: "escape", strictFilters: true, cache: false });
const plain = new Liquid({ strictFilters: true, cache: false });

export type CompiledTemplate = { subject?: LiquidTemplate[]; body: LiquidTemplate[]; bodyEscaped: boolean };

/** Parses every template of a campaign once; email bodies escape HTML, subjects and SMS/push text do not. */
export function compileTemplates(campaign: Campaign): Map<string, CompiledTemplate> {
  const emailTemplates = new Set(
    campaign.steps.flatMap((s) => (s.type === "send" && s.channel === "email" ? [s.template] : [])),
  );
  const compiled = new Map<string, CompiledTemplate>();
  for (const [id, template] of Object.entries(campaign.templates)) {
    const isEmail = emailTemplates.has(id);
    compiled.set(id, {
      subject: template.subject === undefined ? undefined : plain.parse(template.subject),
      body: (isEmail ? escaped : plain).parse(template.body),
      bodyEscaped: isEmail,
    });
  }
  return compiled;
}

export function renderSubject(template: CompiledTemplate, scope: object): string | undefined {
  return template.subject ? String(plain.renderSync(template.subject, scope)).trim() : undefined;
}

export function renderBody(template: CompiledTemplate, scope: object): string {
  return String((template.bodyEscaped ? escaped : plain).renderSync(template.body, scope));
}

/** Surfaces template syntax errors with the template id, for `engage validate`; reads even an invalid file. */
export function templateProblems(campaign: unknown): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const templates = (campaign as { templates?: unknown } | undefined)?.templates;
  if (!templates || typeof templates !== "object") return problems;
  for (const [id, template] of Object.entries(templates as Record<string, Record<string, unknown>>)) {
    for (const part of ["subject", "body"] as const) {
      const text = template?.[part];
      if (typeof text !== "string") continue;
      try {
        plain.parse(text);
      } catch (error) {
        problems.push({
          path: `templates.${id}.${part}`,
          message: `valid Liquid (${(error as Error).message})`,
        });
      }
    }
  }
  return problems;
}
