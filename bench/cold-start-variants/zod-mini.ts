// The same schemas as zod-classic.ts in zod/mini.
import * as z from "zod/mini";

const Id = z.string().check(z.minLength(1), z.maxLength(128));
const Text = z.string().check(z.maxLength(200));
const Envelope = z.looseObject({
  version: z.optional(z.string()),
  id: z.optional(Id),
  source: Id,
  "detail-type": Id,
  account: z.optional(z.string()),
  time: z.iso.datetime({ offset: true }),
  region: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.record(z.string(), z.unknown()),
});
const SignedUp = z.looseObject({
  customerId: Id,
  occurredAt: z.optional(z.iso.datetime({ offset: true })),
  email: z.optional(z.email().check(z.maxLength(254))),
  phone: z.optional(z.string().check(z.regex(/^\+[1-9]\d{6,14}$/))),
  firstName: z.optional(Text),
  lastName: z.optional(Text),
  timezone: z.optional(Text),
  locale: z.optional(Text),
  newsletter: z.optional(z.boolean()),
  smsOptIn: z.optional(z.boolean()),
});

export async function handler(input: unknown): Promise<boolean> {
  const envelope = Envelope.safeParse(input);
  return envelope.success && SignedUp.safeParse(envelope.data.detail).success;
}
