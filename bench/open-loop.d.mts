// Types of open-loop.mjs (plain JavaScript: the load generator's process runs it untranspiled).
export function openLoop(
  count: number,
  callsPerSecond: number,
  call: (i: number) => Promise<number>,
): Promise<number[]>;
