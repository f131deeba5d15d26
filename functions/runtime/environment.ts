import * as z from "zod";

/** What the stack gives every function; each handler reads only what it uses, validated at cold start. */
const EnvironmentSchema = z.object({
  STATE_TABLE: z.string().min(1),
  INTEREST_TABLE: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  JOURNEY_STATE_MACHINE_ARN: z.string().min(1).optional(),
  FANOUT_QUEUE_URL: z.string().min(1).optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  FROM_ADDRESS: z.string().min(1).optional(),
  UNSUBSCRIBE_URL: z.string().url().optional(),
  UNSUBSCRIBE_SECRET_ARN: z.string().min(1).optional(),
  CAMPAIGNS_DIR: z.string().min(1).optional(),
});
export type Environment = z.infer<typeof EnvironmentSchema>;
export type EnvironmentName = keyof Environment;
/** The variables infra may set on a function (infra/constructs/engine-function.ts types them by this). */
export const ENVIRONMENT_NAMES = EnvironmentSchema.keyof().options;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `function environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

export function required<K extends keyof Environment>(
  env: Environment,
  name: K,
): NonNullable<Environment[K]> {
  const value = env[name];
  if (value === undefined) throw new Error(`function environment: ${name} is required by this function`);
  return value as NonNullable<Environment[K]>;
}
