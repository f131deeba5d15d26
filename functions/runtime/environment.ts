/** What the stack gives every function; each handler reads only what it uses, checked at the first call. */
const REQUIRED_NAMES = ["STATE_TABLE", "INTEREST_TABLE", "EVENT_BUS_NAME"] as const;
const OPTIONAL_NAMES = [
  "JOURNEY_STATE_MACHINE_ARN",
  "FANOUT_QUEUE_URL",
  "SES_CONFIGURATION_SET",
  "FROM_ADDRESS",
  "UNSUBSCRIBE_URL",
  "UNSUBSCRIBE_SECRET_ARN",
  "CAMPAIGNS_DIR",
] as const;

export type Environment = { [Name in (typeof REQUIRED_NAMES)[number]]: string } & {
  [Name in (typeof OPTIONAL_NAMES)[number]]?: string;
};
export type EnvironmentName = keyof Environment;
/** The variables infra may set on a function (infra/constructs/engine-function.ts types them by this). */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = [...REQUIRED_NAMES, ...OPTIONAL_NAMES];

/**
 * Checked by hand, not with a zod schema: building one cost every cold start ~2 ms of CPU
 * (docs/performance.md, the tenth round). Each set variable is a non-empty string, UNSUBSCRIBE_URL a URL.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const read: Partial<Record<EnvironmentName, string>> = {};
  const problems: string[] = [];
  for (const name of ENVIRONMENT_NAMES) {
    const value = env[name];
    if (value === undefined) {
      if ((REQUIRED_NAMES as readonly string[]).includes(name)) problems.push(`${name}: required, not set`);
    } else if (value === "") problems.push(`${name}: empty`);
    else if (name === "UNSUBSCRIBE_URL" && !URL.canParse(value)) problems.push(`${name}: not a URL`);
    else read[name] = value;
  }
  if (problems.length > 0) throw new Error(`function environment: ${problems.join("; ")}`);
  return read as Environment;
}

export function required<K extends keyof Environment>(
  env: Environment,
  name: K,
): NonNullable<Environment[K]> {
  const value = env[name];
  if (value === undefined) throw new Error(`function environment: ${name} is required by this function`);
  return value as NonNullable<Environment[K]>;
}
