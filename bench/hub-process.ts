// The ingest bench's hub on a PostgreSQL server, in a process of its own as `npm start` runs it
// (the bench's V8 flags and arguments): its heap holds the hub's objects, not the bench's rows and
// latencies, which in the bench's process every major collection of the hub had to mark, and its
// CPU is its own. It tells the bench its address, answers probes (hub-probes.ts) and closes on
// request, over the IPC channel.
import { openDatabase } from '../packages/server/src/db/open-database.ts';
import { startHub } from './bench-support.ts';
import { hubProbes, type ProbeName } from './hub-probes.ts';

export type HubRequest = { id: number; probe: ProbeName | 'close' };
export type HubReply = { address: string } | { id: number; result?: unknown; error?: string };

const send = (reply: HubReply) => process.send!(reply);
const opened = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
const { built, base } = await startHub(opened);
const probes = hubProbes();

process.on('message', (request: HubRequest) => {
  if (request.probe === 'close') {
    void built
      .close()
      .then(() => opened.close())
      .then(() => send({ id: request.id }))
      .finally(() => process.disconnect());
    return;
  }
  probes[request.probe]().then(
    (result) => send({ id: request.id, result }),
    (error: unknown) => send({ id: request.id, error: String(error) }),
  );
});
// The bench gone (ended, killed), the hub goes too rather than keep its port and database.
process.once('disconnect', () => process.exit(0));
send({ address: base });
