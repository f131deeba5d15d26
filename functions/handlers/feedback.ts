export const handler = async (_event: unknown) => {
  throw new Error("not implemented yet");
};
