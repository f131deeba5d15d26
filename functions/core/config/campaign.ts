import * as z from "zod";
import { ChannelSchema } from "../events/channels.ts";
import { catalogEventTypes, eventTypes } from "../events/details.ts";
import { ConditionSchema, PathSchema } from "./condition.ts";
import { ClockTimeSchema, DurationSchema } from "./duration.ts";
import { CapClassSchema, PolicyOverridesSchema } from "./policies.ts";
import { SafeKeySchema } from "./safe-key.ts";

const stepId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a step id in kebab-case such as first-reminder");
const stepRef = z.union([stepId, z.literal("end")]);
const templateId = SafeKeySchema.regex(
  /^[a-z0-9][a-z0-9-]*$/,
  "a template id in kebab-case such as reminder",
);
const customerEventType = z.enum(
  eventTypes.filter((t) => !(catalogEventTypes as readonly string[]).includes(t)),
);
const anyEventType = z.enum(eventTypes);

export const ReentrySchema = z
  .strictObject({
    window: z.union([z.literal("forever"), DurationSchema]),
    scope: z
      .enum(["key", "customer"])
      .default("key")
      .describe("key: once per trigger key (e.g. per cart); customer: once per customer whatever the key"),
  })
  .describe(
    "how often a customer may enter: counted from the first message (sent or suppressed) of an entry",
  );

export const ProductsSchema = z
  .strictObject({
    from: PathSchema.or(z.literal("viewedNotBought")).describe("where the message's products come from"),
    where: ConditionSchema.optional().describe("a condition on each product, read as item.*"),
    expand: z
      .literal("upsellProductIds")
      .optional()
      .describe("replace each product by the products it lists"),
    excludePurchased: z
      .boolean()
      .default(false)
      .describe("drop products the customer has bought (checked at send)"),
    max: z.number().int().positive().default(3),
    accumulate: z
      .boolean()
      .default(false)
      .describe("debounced triggers add to the list instead of replacing it"),
    allowEmpty: z
      .boolean()
      .default(false)
      .describe("send even when no product is left (default: a send with no product is skipped)"),
  })
  .describe("the products a message is about");

const triggerCommon = {
  id: stepId.default("main").describe("names the trigger in journey ids and in step conditions (trigger.id)"),
  where: ConditionSchema.optional(),
  startAt: stepId
    .optional()
    .describe("the first step of journeys this trigger starts; default the first step"),
  reentry: ReentrySchema.optional().describe("overrides the campaign's re-entry rule for this trigger"),
  products: ProductsSchema.optional(),
};

const EventTriggerSchema = z.strictObject({
  type: z.literal("event"),
  event: customerEventType,
  key: z
    .array(PathSchema)
    .default([])
    .describe("paths whose values identify one journey (empty: one per customer)"),
  forEach: PathSchema.optional().describe("start one journey per element of this list, read as item.*"),
  debounce: z
    .boolean()
    .default(false)
    .describe("a repeat of the trigger restarts waits anchored to the last trigger"),
  refreshOn: z
    .array(
      z.strictObject({
        event: customerEventType,
        key: z.array(PathSchema).describe("paths in this event that give the running journey's key"),
      }),
    )
    .default([])
    .describe(
      "other events that count as activity: they move a running journey's debounced wait, never start one",
    ),
  ...triggerCommon,
});

const CatalogTriggerSchema = z.strictObject({
  type: z.literal("catalog"),
  event: z.enum(catalogEventTypes),
  key: z.array(PathSchema).default(["event.product.productId"]),
  ...triggerCommon,
});

export const traitNames = [
  "brandAffinity",
  "propensity",
  "spendCohort",
  "ordersCount",
  "deliveredCount",
  "lifetimeSpend",
  "loyaltyBalance",
] as const;
const TraitTriggerSchema = z.strictObject({
  type: z.literal("trait"),
  trait: z.enum(traitNames),
  crossesAbove: z
    .union([z.number(), z.array(z.number()).min(1)])
    .optional()
    .describe(
      "fires when the value goes from below a threshold to at or above it; one journey per threshold",
    ),
  movesUp: z
    .string()
    .optional()
    .describe("fires when the value moves up in this engine ranking (e.g. spendCohorts)"),
  ...triggerCommon,
});

const ScheduleTriggerSchema = z.strictObject({
  type: z.literal("schedule"),
  every: z.enum(["day", "week"]),
  weekday: z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]).optional(),
  at: ClockTimeSchema.default("10:00").describe("the customer's local time of the send"),
  atHourFrom: PathSchema.optional().describe(
    "take the local hour from this path (e.g. traits.preferredHour)",
  ),
  dates: z
    .strictObject({
      paths: z.array(PathSchema).min(1).describe("dates YYYY-MM-DD or maps of them, or timestamps"),
      offsetDays: z
        .number()
        .int()
        .default(0)
        .describe("send this many days relative to the date (-7: a week before)"),
      skipFirstYear: z
        .boolean()
        .default(false)
        .describe("no occurrence in the date's own year (anniversaries)"),
    })
    .optional()
    .describe("fire on the yearly recurrence of profile dates instead of every day / week"),
  ...triggerCommon,
});

export const TriggerSchema = z.discriminatedUnion("type", [
  EventTriggerSchema,
  CatalogTriggerSchema,
  TraitTriggerSchema,
  ScheduleTriggerSchema,
]);

export const MatchSchema = z
  .record(PathSchema, PathSchema)
  .describe(
    "journey path -> event path: the values must share an element (e.g. journey.orderId: event.orderId)",
  );

export const ExitRuleSchema = z.strictObject({
  event: anyEventType,
  where: ConditionSchema.optional(),
  match: MatchSchema.optional(),
  conversion: z.boolean().default(false).describe("count this exit as a conversion of the campaign"),
});

const stepCommon = {
  id: stepId,
  next: stepRef.optional().describe("the step after this one; default the next"),
};

const SendStepSchema = z.strictObject({
  type: z.literal("send"),
  channel: ChannelSchema,
  template: z.string().min(1),
  kind: z.enum(["marketing", "transactional"]).optional().describe("default: the campaign's kind"),
  topic: z.string().min(1).optional().describe("a subscription topic that needs an explicit opt-in"),
  class: CapClassSchema.optional().describe("default: the campaign's class"),
  when: ConditionSchema.optional().describe("skip this step unless the condition holds at send time"),
  sendTime: z
    .enum(["due", "best"])
    .optional()
    .describe(
      "due (default): when the step is reached; best: at the customer's best local hour within the next 24 h (marketing only)",
    ),
  ...stepCommon,
});

const WaitStepSchema = z
  .strictObject({
    type: z.literal("wait"),
    duration: DurationSchema.optional(),
    durationFrom: z
      .strictObject({ path: PathSchema, unit: z.enum(["hours", "days"]), add: z.number().default(0) })
      .optional()
      .describe("a wait read from the journey, e.g. journey.item.replenishAfterDays days, add -3"),
    from: z.enum(["previous", "lastTrigger"]).default("previous"),
    ...stepCommon,
  })
  .refine((step) => (step.duration === undefined) !== (step.durationFrom === undefined), {
    message: "exactly one of duration or durationFrom",
  });

const WaitForEventStepSchema = z.strictObject({
  type: z.literal("waitForEvent"),
  event: customerEventType,
  where: ConditionSchema.optional(),
  match: MatchSchema.optional(),
  timeout: DurationSchema,
  onTimeout: stepRef.default("end"),
  ...stepCommon,
});

const BranchStepSchema = z.strictObject({
  type: z.literal("branch"),
  if: ConditionSchema,
  // biome-ignore lint/suspicious/noThenProperty: "if / then / else" is the wording marketers read in campaign files.
  then: stepRef,
  else: stepRef,
  id: stepId,
});

export const StepSchema = z.union([SendStepSchema, WaitStepSchema, WaitForEventStepSchema, BranchStepSchema]);

export const TemplateSchema = z.strictObject({
  subject: z.string().min(1).optional().describe("Liquid; required for email"),
  body: z.string().min(1).describe("Liquid; HTML-escaped output for email"),
});

export const CampaignSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a campaign id in kebab-case"),
    name: z.string().min(1),
    description: z.string().optional(),
    kind: z.enum(["marketing", "transactional"]),
    class: CapClassSchema.optional().describe(
      "default: service for a transactional message, lifecycle for a marketing one",
    ),
    enabled: z.boolean().default(true).describe("false pauses the campaign: it starts no journey"),
    whenDisabled: z
      .enum(["finish", "stop"])
      .default("stop")
      .describe(
        "while enabled is false, running journeys finish their steps, or stop at their next step (reason campaign_disabled)",
      ),
    onEdit: z
      .strictObject({
        removedSteps: z
          .record(stepId, stepRef)
          .describe(
            "removed step id -> the step its running journeys continue at, or end; a removed step not listed ends them (reason campaign_changed)",
          ),
      })
      .optional()
      .describe("what a new version of this file does to journeys that started on an older one"),
    triggers: z.array(TriggerSchema).min(1),
    exitOn: z.array(ExitRuleSchema).default([]),
    reentry: ReentrySchema.optional(),
    steps: z.array(StepSchema).min(1),
    templates: z.record(templateId, TemplateSchema),
    policies: PolicyOverridesSchema.default({}),
    params: z.record(SafeKeySchema, z.unknown()).default({}).describe("values templates read as params.*"),
  })
  .superRefine((campaign, ctx) => {
    const ids = new Set<string>();
    campaign.steps.forEach((step, index) => {
      if (ids.has(step.id))
        ctx.addIssue({ code: "custom", path: ["steps", index, "id"], message: "a unique step id" });
      ids.add(step.id);
    });
    const checkRef = (ref: string | undefined, where: (string | number)[]) => {
      if (ref && ref !== "end" && !ids.has(ref))
        ctx.addIssue({
          code: "custom",
          path: where,
          message: `the id of a step of this campaign, not "${ref}"`,
        });
    };
    campaign.steps.forEach((step, index) => {
      if (step.type === "branch") {
        checkRef(step.then, ["steps", index, "then"]);
        checkRef(step.else, ["steps", index, "else"]);
      } else checkRef(step.next, ["steps", index, "next"]);
      if (step.type === "waitForEvent") checkRef(step.onTimeout, ["steps", index, "onTimeout"]);
      if (step.type === "send") {
        const template = Object.hasOwn(campaign.templates, step.template)
          ? campaign.templates[step.template]
          : undefined;
        if (!template)
          ctx.addIssue({
            code: "custom",
            path: ["steps", index, "template"],
            message: `a template id defined under templates, not "${step.template}"`,
          });
        else if (step.channel === "email" && !template.subject)
          ctx.addIssue({
            code: "custom",
            path: ["templates", step.template, "subject"],
            message: "a subject (the template is sent by email)",
          });
      }
    });
    for (const [removed, target] of Object.entries(campaign.onEdit?.removedSteps ?? {})) {
      if (ids.has(removed))
        ctx.addIssue({
          code: "custom",
          path: ["onEdit", "removedSteps", removed],
          message: `the id of a step no longer in steps ("${removed}" is still a step)`,
        });
      checkRef(target, ["onEdit", "removedSteps", removed]);
    }
    const triggerIds = new Set<string>();
    campaign.triggers.forEach((trigger, index) => {
      if (triggerIds.has(trigger.id))
        ctx.addIssue({ code: "custom", path: ["triggers", index, "id"], message: "a unique trigger id" });
      triggerIds.add(trigger.id);
      checkRef(trigger.startAt, ["triggers", index, "startAt"]);
      if (
        trigger.type === "trait" &&
        (trigger.crossesAbove === undefined) === (trigger.movesUp === undefined)
      )
        ctx.addIssue({
          code: "custom",
          path: ["triggers", index],
          message: "exactly one of crossesAbove or movesUp",
        });
      if (trigger.type === "schedule" && trigger.every === "week" && !trigger.weekday)
        ctx.addIssue({
          code: "custom",
          path: ["triggers", index, "weekday"],
          message: "a weekday for a weekly schedule",
        });
    });
  });

export type Campaign = z.infer<typeof CampaignSchema>;
export type CampaignInput = z.input<typeof CampaignSchema>;
export type Trigger = z.infer<typeof TriggerSchema>;
export type Step = z.infer<typeof StepSchema>;
export type SendStep = Extract<Step, { type: "send" }>;
export type ExitRule = z.infer<typeof ExitRuleSchema>;
export type Reentry = z.infer<typeof ReentrySchema>;
export type ProductsSpec = z.infer<typeof ProductsSchema>;
export type Template = z.infer<typeof TemplateSchema>;
export type Channel = SendStep["channel"];
