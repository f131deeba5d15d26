import { Liquid, type Template as LiquidTemplate, type TagToken } from "liquidjs";
import type { Campaign } from "../config/campaign.ts";
import { oneLine, safeUrls } from "./safe-text.ts";

/**
 * liquidjs's DoS limits, per parse or render call. A template is at most 100,000 characters; a
 * render allocates at most 1,000,000 units (range elements, characters built by filters, …), which
 * bounds loops deterministically (a 30-million-step loop fails at once instead of taking 7 s). No
 * time limit (`renderLimit`): it reads the wall clock, so a slow or loaded machine turned a sent
 * message into `render_failed` and the same input gave different output. Lambda's timeout is the
 * backstop for time.
 */
export const TEMPLATE_LIMITS = { parseLimit: 100_000, memoryLimit: 1_000_000 } as const;

/** Tags that read other templates from the file system: a campaign's text is all in its file. */
const FILE_TAGS = ["include", "render", "layout"] as const;

function templateEngine(outputEscape?: "escape"): Liquid {
  const liquid = new Liquid({
    ...TEMPLATE_LIMITS,
    ...(outputEscape ? { outputEscape } : {}),
    strictFilters: true,
    cache: false,
    ownPropertyOnly: true,
    // No file system at all: lookups go to this empty in-memory map, never to the working directory.
    templates: {},
  });
  for (const tag of FILE_TAGS)
    liquid.registerTag(tag, {
      parse(token: TagToken) {
        throw new Error(
          `{% ${token.name} %} is not supported: templates cannot read files, write the text in the template`,
        );
      },
      render() {},
    });
  return liquid;
}

// Made on first use: the first Liquid instance costs tens of ms, which a cold start that renders nothing skips.
let escapedEngine: Liquid | undefined;
let plainEngine: Liquid | undefined;
const escaped = { get: () => (escapedEngine ??= templateEngine("escape")) };
const plain = { get: () => (plainEngine ??= templateEngine()) };

export type CompiledTemplate = { subject?: LiquidTemplate[]; body: LiquidTemplate[]; bodyEscaped: boolean };

/** Parses every template of a campaign once; email bodies escape HTML, subjects and SMS/push text do not. */
export function compileTemplates(campaign: Campaign): Map<string, CompiledTemplate> {
  const emailTemplates = emailTemplateIds(campaign);
  const compiled = new Map<string, CompiledTemplate>();
  for (const [id, template] of Object.entries(campaign.templates)) {
    const isEmail = emailTemplates.has(id);
    compiled.set(id, {
      subject: template.subject === undefined ? undefined : plain.get().parse(template.subject),
      body: (isEmail ? escaped : plain).get().parse(template.body),
      bodyEscaped: isEmail,
    });
  }
  return compiled;
}

/** One line: no CR/LF or other control character reaches a mail header. */
export function renderSubject(template: CompiledTemplate, scope: object): string | undefined {
  return template.subject ? oneLine(String(plain.get().renderSync(template.subject, scope))) : undefined;
}

/** An email body is HTML: its links and images go only to http(s) or mailto URLs. */
export function renderBody(template: CompiledTemplate, scope: object): string {
  if (!template.bodyEscaped) return String(plain.get().renderSync(template.body, scope));
  return safeUrls(String(escaped.get().renderSync(template.body, scope)));
}

/**
 * Surfaces template problems with the template id, for `engage validate`; reads even an invalid
 * file. Each template is parsed, then rendered once with the campaign's params and no customer
 * data, so one that breaks the render limits whatever the data fails here rather than at send.
 */
export function templateProblems(campaign: unknown): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const file = campaign as { templates?: unknown; params?: unknown } | undefined;
  const templates = file?.templates;
  if (!templates || typeof templates !== "object") return problems;
  const scope = emptyScope(file?.params);
  for (const [id, template] of Object.entries(templates as Record<string, Record<string, unknown>>)) {
    for (const part of ["subject", "body"] as const) {
      const text = template?.[part];
      if (typeof text !== "string") continue;
      let parsed: LiquidTemplate[];
      try {
        parsed = plain.get().parse(text);
      } catch (error) {
        problems.push({
          path: `templates.${id}.${part}`,
          message: `valid Liquid (${(error as Error).message})`,
        });
        continue;
      }
      try {
        plain.get().renderSync(parsed, scope);
      } catch (error) {
        problems.push({
          path: `templates.${id}.${part}`,
          message: `a template that renders within its limits (${(error as Error).message})`,
        });
      }
    }
  }
  return problems;
}

/** An HTML attribute whose value is template output without quotes: `<a href={{ url }}>`. */
const UNQUOTED_ATTRIBUTE = /<[a-z][^>]*?\s[\w:-]+\s*=\s*\{[{%]/i;

/**
 * Email bodies whose attribute values are template output without quotes: escaping keeps data
 * inside quotes, but without them a space in the data starts a new attribute (onmouseover=…).
 */
export function unquotedAttributeProblems(campaign: Campaign): { path: string; message: string }[] {
  return [...emailTemplateIds(campaign)]
    .filter(
      (id) => Object.hasOwn(campaign.templates, id) && UNQUOTED_ATTRIBUTE.test(campaign.templates[id]!.body),
    )
    .map((id) => ({
      path: `templates.${id}.body`,
      message:
        'attribute values in quotes (href="{{ … }}"): unquoted, a space in the data starts a new attribute',
    }));
}

function emailTemplateIds(campaign: Campaign): Set<string> {
  return new Set(
    campaign.steps.flatMap((s) => (s.type === "send" && s.channel === "email" ? [s.template] : [])),
  );
}

function emptyScope(params: unknown): object {
  return {
    profile: {},
    customer: {},
    journey: {},
    products: [],
    params: params && typeof params === "object" ? params : {},
    traits: {},
    order: {},
    loyalty: {},
    unsubscribeUrl: "",
  };
}
