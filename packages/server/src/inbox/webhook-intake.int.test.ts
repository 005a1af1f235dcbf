import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { sign, startDeskHub, testAdapter, waitFor } from './testing/desk-test-hub.ts';
import { acceptWebhook } from './webhook-intake.ts';

type Json = Record<string, unknown>;
const SECRET = 'test-secret-123456';

describe('webhook intake: processed in the accepting process, the job as the fallback', () => {
  let hub: TestHub;
  let queueOnly: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let inboxId: string;

  const createInbox = async (on: TestHub, token: string) => {
    const created = await on.app.inject({
      method: 'POST',
      url: '/api/inboxes',
      headers: { authorization: `Bearer ${token}` },
      payload: { channel: 'api', name: 'Partner', config: { secret: SECRET, peerUrl: 'http://127.0.0.1:9' } },
    });
    return (created.json() as Json).id as string;
  };
  const raw = (id: string, body: unknown) => {
    const text = JSON.stringify(body);
    return {
      method: 'POST',
      url: `/api/webhooks/${id}`,
      headers: { 'content-type': 'application/json', 'x-test-signature': sign(SECRET, text) },
      query: {},
      rawBody: Buffer.from(text),
    };
  };
  const message = (id: string, email: string) => ({
    messages: [{ id, from: [{ type: 'email', value: email }], text: `hello ${id}` }],
  });
  const jobOf = async (on: TestHub, requestId: string) =>
    (
      await on.database.db.asSystem((tx) =>
        tx.query<{ id: string; status: string; attempts: number; processed: boolean }>(
          `SELECT j.id, j.status, j.attempts, r.processed_at IS NOT NULL AS processed FROM jobs j
           JOIN webhook_requests r ON r.workspace_id = j.workspace_id AND r.id = (j.payload->>'requestId')::uuid
           WHERE j.payload->>'requestId' = $1`,
          [requestId],
        ),
      )
    )[0];
  const conversations = async (on: TestHub, token: string) =>
    ((await get(on, token, '/api/conversations')).json() as { conversations: Json[] }).conversations;

  beforeAll(async () => {
    hub = await startDeskHub();
    hub.desk.registerAdapter(testAdapter('api'));
    ws = await newWorkspace(hub);
    inboxId = await createInbox(hub, ws.token);
    queueOnly = await startDeskHub({ inlineConcurrency: 0 });
    queueOnly.desk.registerAdapter(testAdapter('api'));
  });
  afterAll(async () => {
    await hub.stop();
    await queueOnly.stop();
  });

  it('processes a webhook right after its commit, once: its job done at the first attempt, its request marked', async () => {
    const accepted = await acceptWebhook(hub.desk, {
      inboxId,
      raw: raw(inboxId, message('in-1', 'a@example.com')),
    });
    const { requestId } = accepted._unsafeUnwrap();
    const job = await waitFor(async () => {
      const j = await jobOf(hub, requestId);
      return j?.status === 'done' && j.processed && j;
    });
    expect(job).toMatchObject({ status: 'done', attempts: 1, processed: true });
    expect(await hub.desk.jobs.drain()).toBe(0);
    expect(await conversations(hub, ws.token)).toHaveLength(1);
  });

  it('has the queue process a webhook whose accepting process died before processing it', async () => {
    // A process that stored the request and claimed its job, then died: nothing ran.
    const dying = { ...hub.desk, jobs: { hasRoom: () => true, runClaimed: async () => undefined } };
    const accepted = await acceptWebhook(dying, {
      inboxId,
      raw: raw(inboxId, message('in-2', 'b@example.com')),
    });
    const { requestId } = accepted._unsafeUnwrap();
    expect(await jobOf(hub, requestId)).toMatchObject({ status: 'running', attempts: 1, processed: false });
    expect(await hub.desk.jobs.drain()).toBe(0); // the lease holds: no one else takes it
    await hub.database.db.asSystem((tx) =>
      tx.query(
        `UPDATE jobs SET locked_until = now() - interval '1 second' WHERE payload->>'requestId' = $1`,
        [requestId],
      ),
    );
    // The hub's own job runner polls too: it or this drain takes the job, whichever comes first.
    await hub.desk.jobs.drain();
    await waitFor(async () => (await jobOf(hub, requestId))?.status === 'done');
    expect(await jobOf(hub, requestId)).toMatchObject({ status: 'done', attempts: 2, processed: true });
    expect(await conversations(hub, ws.token)).toHaveLength(2);
  });

  it('leaves webhooks to the job queue when the accepting process has no room', async () => {
    const other = await newWorkspace(queueOnly);
    const id = await createInbox(queueOnly, other.token);
    const accepted = await acceptWebhook(queueOnly.desk, {
      inboxId: id,
      raw: raw(id, message('q-1', 'c@example.com')),
    });
    const { requestId } = accepted._unsafeUnwrap();
    expect((await jobOf(queueOnly, requestId))?.attempts).toBeLessThanOrEqual(1);
    await waitFor(async () => (await jobOf(queueOnly, requestId))?.status === 'done');
    expect(await jobOf(queueOnly, requestId)).toMatchObject({ status: 'done', attempts: 1, processed: true });
    expect(await conversations(queueOnly, other.token)).toHaveLength(1);
  });
});
