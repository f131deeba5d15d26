import fc from "fast-check";

/**
 * fc.assert for properties whose inputs can be huge (400 KB strings): the failure message keeps the
 * seed, the path and the start of the counterexample, so a report stays readable and replayable.
 */
export async function checkProperty<T>(
  property: fc.IAsyncPropertyWithHooks<T>,
  params: fc.Parameters<T>,
): Promise<void> {
  const details = await fc.check(property, params);
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? "property failed";
  const cause =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`${clip(report, 1_500)}\ncaused by: ${clip(cause, 1_500)}`);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
