/** Ends every switch over a union, so a new member cannot be forgotten. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
