// The hub's server sessions hand the pages they write to the disk as they go (SESSION_SETTINGS),
// unless an operator chose otherwise: in PGOPTIONS, in the DATABASE_URL, or on the server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from './database.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

const SERVER = process.env.TEST_DATABASE_URL;

describe.skipIf(!SERVER)("the hub's server sessions", () => {
  let scratch: ScratchDatabase;
  const pgOptions = process.env.PGOPTIONS;

  const flushAfterIn = async (url: string) => {
    const db = await openPostgres(url);
    try {
      // Several sessions at once, so more than the pool's first connection is seen, by both ways
      // in: a transaction, and a statement on its own.
      const seen = await Promise.all([
        ...[1, 2, 3].map(() =>
          db.asSystem((tx) =>
            tx.query<{ setting: string }>(
              "SELECT current_setting('backend_flush_after') AS setting FROM pg_sleep(0.05)",
            ),
          ),
        ),
        db.run<{ setting: string }>(
          "SELECT current_setting('backend_flush_after') AS setting FROM pg_sleep(0.05)",
        ),
      ]);
      return new Set(seen.map(([row]) => row!.setting));
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(SERVER!, 'sessions');
  });
  afterEach(() => {
    if (pgOptions === undefined) delete process.env.PGOPTIONS;
    else process.env.PGOPTIONS = pgOptions;
  });
  afterAll(async () => {
    await scratch.drop();
  });

  it('hand the pages they write to the disk every 256 kB, in every session of the pool', async () => {
    delete process.env.PGOPTIONS;
    expect(await flushAfterIn(scratch.url)).toEqual(new Set(['256kB']));
  });

  it('keep the setting PGOPTIONS gives', async () => {
    process.env.PGOPTIONS = '-c backend_flush_after=0';
    expect(await flushAfterIn(scratch.url)).toEqual(new Set(['0']));
  });

  it("keep the setting the DATABASE_URL's options give", async () => {
    delete process.env.PGOPTIONS;
    const url = new URL(scratch.url);
    url.searchParams.set('options', '-c backend_flush_after=64kB');
    expect(await flushAfterIn(url.toString())).toEqual(new Set(['64kB']));
  });

  it('keep the setting the server gives the database', async () => {
    delete process.env.PGOPTIONS;
    const name = new URL(scratch.url).pathname.slice(1);
    const db = await openPostgres(scratch.url);
    await db.exec(`ALTER DATABASE ${name} SET backend_flush_after = '128kB'`);
    await db.close();
    expect(await flushAfterIn(scratch.url)).toEqual(new Set(['128kB']));
  });
});
