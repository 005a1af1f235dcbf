// On a server, appended rows and writes wait for the transaction's next round trip: what the
// transaction reads next must still see them, and a deferred failure must still fail it whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database } from './database.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

const SERVER = process.env.TEST_DATABASE_URL;

describe.skipIf(!SERVER)('a server transaction with deferred writes', () => {
  let scratch: ScratchDatabase;
  let db: Database;
  const rows = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => [from + i, `نام ${from + i}`]);
  const count = async () => (await db.run<{ n: number }>('SELECT count(*)::int AS n FROM notes'))[0]!.n;

  beforeAll(async () => {
    scratch = await createScratchDatabase(SERVER!, 'server_tx');
    db = await openPostgres(scratch.url);
    await db.exec('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, seen int NOT NULL DEFAULT 0)');
  });
  afterAll(async () => {
    await db.close();
    await scratch.drop();
  });

  it('lets its next query see rows appended and written before it, and keeps them on commit', async () => {
    const seen = await db.asSystem(async (tx) => {
      await tx.appendRows('notes', ['id', 'body'], rows(1, 30));
      await tx.write('UPDATE notes SET seen = seen + 1 WHERE id <= $1', [10]);
      return tx.query<{ n: number; seen: number }>(
        'SELECT count(*)::int AS n, sum(seen)::int AS seen FROM notes',
      );
    });
    expect(seen).toEqual([{ n: 30, seen: 10 }]);
    expect(await count()).toBe(30);
  });

  it('commits what it only appended and wrote, with no query of its own', async () => {
    await db.asSystem(async (tx) => {
      await tx.write('UPDATE notes SET seen = seen + 1 WHERE id = $1', [1]);
      await tx.appendRows('notes', ['id', 'body'], rows(100, 25));
      await tx.write("UPDATE notes SET body = body || ' ✓' WHERE id >= $1", [100]);
    });
    const [check] = await db.run<{ n: number; marked: number; seen: number }>(
      "SELECT count(*)::int AS n, count(*) FILTER (WHERE body LIKE '% ✓')::int AS marked, max(seen)::int AS seen FROM notes",
    );
    expect(check).toEqual({ n: 55, marked: 25, seen: 2 });
  });

  it('appends a single row by the deferred COPY too: seen by the next query, kept, refused whole on a conflict', async () => {
    const seen = await db.asSystem(async (tx) => {
      await tx.appendRows('notes', ['id', 'body'], rows(300, 1));
      await tx.appendRows('notes', ['id', 'body'], [[301, 'tab\tand\nnewline']]);
      return tx.query<{ body: string }>('SELECT body FROM notes WHERE id >= $1 ORDER BY id', [300]);
    });
    expect(seen).toEqual([{ body: 'نام 300' }, { body: 'tab\tand\nnewline' }]);
    const conflicting = db.asSystem(async (tx) => {
      await tx.appendRows('notes', ['id', 'body'], rows(302, 1));
      await tx.appendRows('notes', ['id', 'body'], rows(300, 1));
    });
    await expect(conflicting).rejects.toThrow(/duplicate key/);
    expect((await db.run<{ n: number }>('SELECT count(*)::int AS n FROM notes WHERE id >= 300'))[0]!.n).toBe(
      2,
    );
  });

  it('fails whole when a deferred statement fails at commit, and the database goes on', async () => {
    const failing = db.asSystem(async (tx) => {
      await tx.appendRows('notes', ['id', 'body'], rows(200, 25));
      await tx.write('UPDATE notes SET no_such_column = 1 WHERE id = $1', [200]);
    });
    await expect(failing).rejects.toThrow(/no_such_column/);
    const repeated = db.asSystem(async (tx) => tx.appendRows('notes', ['id', 'body'], rows(1, 25)));
    await expect(repeated).rejects.toThrow(/duplicate key/);
    expect(await count()).toBe(57);
  });
});
