// V8 allocates the objects of an allocation site straight in the old generation once most of them
// outlive two young-generation collections ("pretenuring"), and keeps doing so. During a burst of
// ingest a request waits ~100 ms for its group commit, so the sites that parse and normalise events
// qualify; after the burst they stay pretenured, and at half load the old space then grew by
// ~17–31 MB a second and a major collection (pauses of 7–27 ms) came every 4–8 s: the half-load
// latency tail (docs/benchmarks.md, "Ingest"). The hub's per-request objects live for one request,
// so the young generation is the right place for all of them. Called first by every process that
// serves requests, before they allocate.
import { setFlagsFromString } from 'node:v8';

export function keepRequestObjectsYoung(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
