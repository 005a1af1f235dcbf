import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let a: Awaited<ReturnType<typeof newWorkspace>>;
let b: Awaited<ReturnType<typeof newWorkspace>>;
let bCustomer: string;

beforeAll(async () => {
  hub = await startTestHub();
  a = await newWorkspace(hub, 'tenant-a');
  b = await newWorkspace(hub, 'tenant-b');
  await send(hub, b.writeKey, 'identify', { userId: 'secret-user', traits: { email: 'secret@b.ir' } });
  await send(hub, b.writeKey, 'page', { anonymousId: 'b-anon', name: 'Home' });
  await send(hub, b.writeKey, 'identify', { anonymousId: 'b-anon', traits: { email: 'secret@b.ir' } });
  await send(hub, a.writeKey, 'identify', { userId: 'a-user' });
  bCustomer = (await get(hub, b.token, '/api/customers/lookup?type=userId&value=secret-user')).json().id;
});
afterAll(() => hub.stop());

describe('tenant isolation', () => {
  it("lets a token of one workspace read nothing of another's customers", async () => {
    expect((await get(hub, a.token, `/api/customers/${bCustomer}`)).statusCode).toBe(404);
    expect((await get(hub, a.token, `/api/customers/${bCustomer}/timeline`)).statusCode).toBe(404);
    expect((await get(hub, a.token, '/api/customers/lookup?type=email&value=secret@b.ir')).statusCode).toBe(
      404,
    );
    expect((await get(hub, a.token, `/api/customers/${bCustomer}/merges`)).json().merges).toEqual([]);
  });

  it("lets a token of one workspace change nothing of another's", async () => {
    const merges = (await get(hub, b.token, `/api/customers/${bCustomer}/merges`)).json().merges;
    expect(merges).toHaveLength(1);
    const undo = await hub.app.inject({
      method: 'POST',
      url: `/api/merges/${merges[0].id}/undo`,
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(undo.statusCode).toBe(404);
    const account = (
      await hub.app.inject({
        method: 'PUT',
        url: '/api/accounts',
        headers: { authorization: `Bearer ${a.token}` },
        payload: { groupId: 'a-co' },
      })
    ).json();
    const member = await hub.app.inject({
      method: 'PUT',
      url: `/api/accounts/${account.id}/members/${bCustomer}`,
      headers: { authorization: `Bearer ${a.token}` },
      payload: { roles: ['user'] },
    });
    expect(member.statusCode).toBe(404);
    // The same userId sent with A's write key makes a customer in A, leaving B's untouched.
    await send(hub, a.writeKey, 'identify', { userId: 'secret-user', traits: { name: 'from A' } });
    expect((await get(hub, b.token, `/api/customers/${bCustomer}`)).json().traits.name).toBeUndefined();
    expect(
      (await get(hub, a.token, '/api/customers/lookup?type=userId&value=secret-user')).json().id,
    ).not.toBe(bCustomer);
  });

  it('enforces isolation in the database itself (row-level security)', async () => {
    const { db } = hub.database;
    const seen = await db.inWorkspace(a.workspaceId, (tx) =>
      tx.query<{ workspace_id: string }>('SELECT workspace_id FROM customers'),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.workspace_id === a.workspaceId)).toBe(true);
    const events = await db.inWorkspace(a.workspaceId, (tx) =>
      tx.query('SELECT 1 FROM events WHERE workspace_id = $1', [b.workspaceId]),
    );
    expect(events).toHaveLength(0);
    const updated = await db.inWorkspace(a.workspaceId, (tx) =>
      tx.query('UPDATE customers SET traits = $2 WHERE id = $1 RETURNING id', [bCustomer, '{"hacked":true}']),
    );
    expect(updated).toHaveLength(0);
    await expect(
      db.inWorkspace(a.workspaceId, (tx) =>
        tx.query('INSERT INTO customers (workspace_id, id) VALUES ($1, gen_random_uuid())', [b.workspaceId]),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
