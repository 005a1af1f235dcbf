// copyIn sends a COPY's data before the server asks for it: what the server refuses must still
// fail the call, and leave the connection usable for the transaction's ROLLBACK and after.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyIn } from './copy-in.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

const SERVER = process.env.TEST_DATABASE_URL;

describe.skipIf(!SERVER)('COPY in one round trip', () => {
  let scratch: ScratchDatabase;
  let client: pg.Client;
  const chunks = (...texts: string[]) => texts.map((t) => Buffer.from(t));
  const stored = async () =>
    (await client.query<{ n: number; label: string }>('SELECT n, label FROM copied ORDER BY n')).rows;

  beforeAll(async () => {
    scratch = await createScratchDatabase(SERVER!, 'copy_in');
    client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    await client.query('CREATE TABLE copied (n int PRIMARY KEY, label text NOT NULL)');
  });
  afterAll(async () => {
    await client.end();
    await scratch.drop();
  });

  it('appends every chunk, with statements before and after the COPY in the same query', async () => {
    await client.query('BEGIN');
    await copyIn(
      client,
      "SET LOCAL application_name = 'copy-test'; COPY copied (n, label) FROM STDIN; SELECT 1 AS after",
      chunks('1\tیک\n2\ttwo\n', '3\tسه\\tبا تب\n'),
    );
    const [setting] = (await client.query<{ application_name: string }>('SHOW application_name')).rows;
    await client.query('COMMIT');
    expect(setting!.application_name).toBe('copy-test');
    expect(await stored()).toEqual([
      { n: 1, label: 'یک' },
      { n: 2, label: 'two' },
      { n: 3, label: 'سه\tبا تب' },
    ]);
  });

  it('fails on a row the server refuses, keeps nothing of the COPY, and the connection goes on', async () => {
    await client.query('BEGIN');
    await expect(
      copyIn(client, 'COPY copied (n, label) FROM STDIN', chunks('4\tfour\nfive\t5\n')),
    ).rejects.toThrow(/invalid input syntax for type integer: "five"/);
    await client.query('ROLLBACK');
    expect((await stored()).map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it('fails on a statement the server refuses, ignoring the data sent ahead of its answer', async () => {
    await client.query('BEGIN');
    const ahead = chunks('9\tnine\n'.repeat(20_000));
    await expect(copyIn(client, 'COPY no_such_table (n) FROM STDIN', ahead)).rejects.toThrow(
      /relation "no_such_table" does not exist/,
    );
    await client.query('ROLLBACK');
    expect((await client.query('SELECT 42 AS still')).rows).toEqual([{ still: 42 }]);
  });
});
