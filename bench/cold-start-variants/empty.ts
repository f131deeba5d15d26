// The floor: a fresh node importing a module that does nothing.
export async function handler(): Promise<number> {
  return 1;
}
