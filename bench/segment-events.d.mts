// Types of segment-events.mjs (plain JavaScript: the load generator's process runs it untranspiled).
export function makeEvents(options: {
  count: number;
  offset: number;
  users: number;
}): Record<string, unknown>[];
export function bodiesOf(events: Record<string, unknown>[], size: number): Buffer[];
