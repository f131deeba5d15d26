// asl-validator 4.0.0 ships no type declarations.
declare module "asl-validator" {
  interface AslValidationResult {
    isValid: boolean;
    errors: Array<{ message: string; [detail: string]: unknown }>;
    errorsText: (separator?: string) => string;
  }
  function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslValidationResult;
  export default aslValidator;
}
