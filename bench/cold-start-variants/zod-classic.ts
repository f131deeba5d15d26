// The event envelope and signed_up's detail in classic zod, built and parsed once.
import * as z from "zod";

const Id = z.string().min(1).max(128);
const Text = z.string().max(200);
const Envelope = z.looseObject({
  version: z.string().optional(),
  id: Id.optional(),
  source: Id,
  "detail-type": Id,
  account: z.string().optional(),
  time: z.iso.datetime({ offset: true }),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.unknown()),
});
const SignedUp = z.looseObject({
  customerId: Id,
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  email: z.email().max(254).optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/)
    .optional(),
  firstName: Text.optional(),
  lastName: Text.optional(),
  timezone: Text.optional(),
  locale: Text.optional(),
  newsletter: z.boolean().optional(),
  smsOptIn: z.boolean().optional(),
});

export async function handler(input: unknown): Promise<boolean> {
  const envelope = Envelope.safeParse(input);
  return envelope.success && SignedUp.safeParse(envelope.data.detail).success;
}
