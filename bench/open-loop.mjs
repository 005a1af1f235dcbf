// An open-loop schedule, shared by the load generator's process (plain JavaScript, run untranspiled)
// and the bench's own: call i leaves at i / callsPerSecond s whether or not earlier ones finished,
// so a stall shows in the latencies of the calls behind it instead of delaying their start.

/**
 * Runs `call(i)` for i < count on schedule; resolves with each call's latency in ms (what `call`
 * resolves with), by call, so early calls can be told from later ones. A failed call stops the
 * schedule and the run rejects with it (caught here: unhandled, it would end a process unreported).
 */
export async function openLoop(count, callsPerSecond, call) {
  const latencies = [];
  const interval = 1000 / callsPerSecond;
  const started = performance.now();
  const pending = [];
  let failure = null;
  for (let i = 0; i < count && !failure; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      call(i).then(
        (ms) => void (latencies[i] = ms),
        (error) => void (failure ??= error),
      ),
    );
  }
  await Promise.all(pending);
  if (failure) throw failure;
  return latencies;
}
