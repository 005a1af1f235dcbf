import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from './import-cli.ts';
import { get, newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
});
afterAll(() => hub.stop());

const upload = (kind: string, csv: string) =>
  hub.app.inject({
    method: 'POST',
    url: `/api/imports/${kind}`,
    headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'text/csv' },
    payload: csv,
  });

describe('CSV import', () => {
  it('reports every faulty row and imports nothing when any row is invalid', async () => {
    const csv = 'userId,email,phone,name\nc-1,a@x.ir,09120000010,Ali\n,,,nobody\nc-3,b@x.ir,,Bita\n';
    const reply = await upload('customers', csv);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error).toMatchObject({
      code: 'PSK_IMPORT_ROWS_INVALID',
      details: [{ row: 3, field: 'userId' }],
    });
    expect((await get(hub, ws.token, '/api/customers/lookup?type=userId&value=c-1')).statusCode).toBe(404);
  });

  it('imports a NUL character as U+FFFD, which PostgreSQL can store', async () => {
    const reply = await upload('customers', 'userId,email,phone,name\nc-nul,nul@x.ir,,Al\u0000i\n');
    const last = JSON.parse(reply.body.trim().split('\n').at(-1)!);
    expect(last).toEqual({ done: true, imported: 1, duplicates: 0 });
    const found = await get(hub, ws.token, '/api/customers/lookup?type=userId&value=c-nul');
    expect(found.json().traits.name).toBe('Al\ufffdi');
  });

  it('imports customers and their events with progress, and re-importing stores nothing twice', async () => {
    const rows = Array.from(
      { length: 1200 },
      (_, i) => `c-${i},user${i}@x.ir,0912${String(1000000 + i)},کاربر ${i},تهران`,
    );
    const csv = `userId,email,phone,name,city\n${rows.join('\n')}\n`;
    const reply = await upload('customers', csv);
    expect(reply.statusCode).toBe(200);
    const lines = reply.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => !l.done).map((l) => l.processed)).toEqual([500, 1000, 1200]);
    expect(lines.at(-1)).toEqual({ done: true, imported: 1200, duplicates: 0 });
    const customer = (await get(hub, ws.token, '/api/customers/lookup?type=phone&value=09121000007')).json();
    expect(customer.traits).toMatchObject({ name: 'کاربر 7', city: 'تهران' });

    const again = (await upload('customers', csv)).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(again.at(-1)).toEqual({ done: true, imported: 0, duplicates: 1200 });

    const events =
      'email,event,timestamp,channel,properties.revenue\nuser7@x.ir,Store Purchase,2026-03-01T10:00:00Z,store,1500000\n';
    expect((await upload('events', events)).statusCode).toBe(200);
    const timeline = (
      await get(hub, ws.token, `/api/customers/${customer.id}/timeline?channel=store`)
    ).json();
    expect(timeline.events).toMatchObject([{ event: 'Store Purchase', properties: { revenue: 1500000 } }]);
  });

  it('imports a file with the command-line client and lists faulty rows when it refuses one', async () => {
    const base = await hub.app.listen({ port: 0, host: '127.0.0.1' });
    const dir = mkdtempSync(path.join(tmpdir(), 'pishkhan-import-'));
    const good = path.join(dir, 'customers.csv');
    writeFileSync(good, 'userId,email,name\ncli-1,cli1@x.ir,سارا\ncli-2,cli2@x.ir,نیما\n');
    expect(await importFile({ kind: 'customers', file: good, baseUrl: base, token: ws.token })).toEqual({
      imported: 2,
      duplicates: 0,
    });
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'userId,email\n,\n');
    await expect(
      importFile({ kind: 'customers', file: bad, baseUrl: base, token: ws.token }),
    ).rejects.toThrow(/row 2/);
    await expect(importFile({ kind: 'people', file: good, baseUrl: base, token: ws.token })).rejects.toThrow(
      /usage/,
    );
  });

  it('rejects an unreadable CSV and a bad properties column with the row named', async () => {
    expect((await upload('events', 'userId,event\n"unclosed,x\n')).json().error.code).toBe(
      'PSK_IMPORT_ROWS_INVALID',
    );
    const bad = await upload('events', 'userId,event,properties\nu1,Clicked,{not json}\n');
    expect(bad.json().error.details).toEqual([{ row: 2, field: 'properties', message: 'is not valid JSON' }]);
  });
});
