/**
 * Capped message classes, highest priority first: a lower class yields to the ones above it. Apart from
 * policies.ts so that the runtime's cap policy reads them without building the campaign-file schemas.
 */
export const capClasses = ["service", "trigger", "lifecycle", "broadcast"] as const;
