// The service metrics read per-conversation facts kept by triggers (0012_desk_scale.sql). Each
// step of a desk's life — a reply, a resolution, a late survey answer, a reopen, a bot answer, a
// merge and a split, a reassignment, an SLA breach — must leave the report exactly as the raw
// tables say (testing/service-metrics-oracle.ts), and the facts as a rebuild would make them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../core/ids.ts';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { readDeskSettings } from './desk-settings.ts';
import { METRIC_GROUPS, serviceMetrics, toMetricsRow, type ServiceMetricsRow } from './service-metrics.ts';
import {
  openApiDesk,
  postSigned,
  startDeskHub,
  startPeer,
  testAdapter,
  waitFor,
} from './testing/desk-test-hub.ts';
import { metricsFromRawTables } from './testing/service-metrics-oracle.ts';

type Json = Record<string, unknown>;
const SECRET = 'metrics-secret-1234';

describe('service metrics from conversation facts', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let inboxId: string;
  let n = 0;
  const as = { authorization: '' };
  const range = () => ({ from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) });

  const send = (method: 'PATCH' | 'POST', url: string, payload: Json) =>
    hub.app.inject({ method, url, headers: as, payload });
  /** The customer writes; resolves to the conversation the message landed in. */
  async function customerWrites(customer: string, text: string): Promise<string> {
    await postSigned(hub, inboxId, SECRET, {
      messages: [{ id: `m-${++n}`, from: [{ type: 'email', value: `${customer}@example.com` }], text }],
    });
    const id = await waitFor(async () => {
      const [row] = await hub.database.db.asSystem((tx) =>
        tx.query<{ conversation_id: string }>(
          `SELECT conversation_id FROM messages WHERE workspace_id = $1 AND body = $2`,
          [ws.workspaceId, text],
        ),
      );
      return row?.conversation_id;
    });
    return id;
  }

  /** The report, for every grouping, equals the raw tables' answer (once deliveries are done). */
  async function expectReportsMatchTables(): Promise<ServiceMetricsRow[]> {
    await waitFor(async () => {
      const [busy] = await hub.database.db.asSystem((tx) =>
        tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'running')`),
      );
      return busy?.n === 0;
    });
    let byChannel: ServiceMetricsRow[] = [];
    for (const groupBy of METRIC_GROUPS) {
      const input = { workspaceId: ws.workspaceId, groupBy, ...range() };
      const report = await serviceMetrics(hub.database.db, input);
      const expected = await hub.database.db.asSystem(async (tx) => {
        const settings = await readDeskSettings(tx, input);
        return (await metricsFromRawTables(tx, { ...input, ...settings })).map((r) =>
          toMetricsRow(r, groupBy),
        );
      });
      expect(report.rows.length, groupBy).toBe(expected.length);
      report.rows.forEach((row, i) => {
        for (const [field, value] of Object.entries(expected[i]!)) {
          const got = row[field as keyof ServiceMetricsRow];
          if (typeof value === 'number') expect(got, `${groupBy}.${field}`).toBeCloseTo(value, 6);
          else expect(got, `${groupBy}.${field}`).toEqual(value);
        }
      });
      if (groupBy === 'channel') byChannel = report.rows;
    }
    return byChannel;
  }

  beforeAll(async () => {
    hub = await startDeskHub({ slaSweepMs: 3_600_000 });
    hub.desk.registerAdapter(testAdapter('api'));
    ws = await newWorkspace(hub);
    as.authorization = `Bearer ${ws.token}`;
    peer = await startPeer();
    inboxId = await openApiDesk(hub, ws.token, {
      secret: SECRET,
      peerUrl: peer.url,
      name: 'Metrics',
      settings: { reopenWindowHours: 24, survey: { enabled: true, kind: 'csat' } },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await peer.close();
  });

  it('stays right through replies, resolution, a late survey answer and a reopen', async () => {
    const c1 = await customerWrites('m1', 'my invoice is wrong');
    await send('POST', `/api/conversations/${c1}/messages`, { body: 'Looking at it now', private: false });
    await expectReportsMatchTables();
    await send('PATCH', `/api/conversations/${c1}`, { status: 'resolved' });
    let [row] = await expectReportsMatchTables();
    expect(row).toMatchObject({ resolved: 1, csat: null, surveyAnswers: 0 });

    // The survey is answered after the report was first read.
    await postSigned(hub, inboxId, SECRET, {
      messages: [{ id: `m-${++n}`, from: [{ type: 'email', value: 'm1@example.com' }], text: '۴' }],
    });
    await waitFor(async () => {
      const rows = await hub.database.db.asSystem((tx) =>
        tx.query(`SELECT 1 FROM surveys WHERE workspace_id = $1 AND score IS NOT NULL`, [ws.workspaceId]),
      );
      return rows.length > 0;
    });
    [row] = await expectReportsMatchTables();
    expect(row).toMatchObject({ csat: 4, surveyAnswers: 1 });

    // Within the reopen window the customer writes again: the same conversation reopens.
    expect(await customerWrites('m1', 'it is still wrong')).toBe(c1);
    [row] = await expectReportsMatchTables();
    expect(row).toMatchObject({ resolved: 0, reopenRate: 1 });
    await send('PATCH', `/api/conversations/${c1}`, { status: 'resolved' });
    [row] = await expectReportsMatchTables();
    expect(row).toMatchObject({ resolved: 1, reopenRate: 1 });
  });

  it('counts a bot-only resolution as deflected, and stops when an agent writes', async () => {
    const c2 = await customerWrites('m2', 'what are your hours');
    await hub.database.db.inWorkspace(ws.workspaceId, (tx) =>
      tx.query(
        `INSERT INTO messages (workspace_id, id, conversation_id, inbox_id, direction, sender_type, body, status, search_text)
         VALUES ($1, $2, $3, $4, 'outbound', 'bot', 'We open at 8', 'sent', 'we open at 8')`,
        [ws.workspaceId, uuidv7(), c2, inboxId],
      ),
    );
    await send('PATCH', `/api/conversations/${c2}`, { status: 'resolved' });
    const [row] = await expectReportsMatchTables();
    expect(row!.botDeflectionRate).toBeCloseTo(1 / 2, 6);
    await send('POST', `/api/conversations/${c2}/messages`, { body: 'a private word', private: true });
    const [after] = await expectReportsMatchTables();
    expect(after!.botDeflectionRate).toBe(0);
  });

  it('follows messages moved by a merge and a split, a reassignment and an SLA breach', async () => {
    const a = await customerWrites('m3', 'login fails');
    const b = await customerWrites('m4', 'cannot log in either');
    await send('POST', `/api/conversations/${b}/messages`, {
      body: 'Resetting your password',
      private: false,
    });
    await expectReportsMatchTables();
    expect((await send('POST', `/api/conversations/${b}/merge`, { targetId: a })).statusCode).toBe(200);
    await expectReportsMatchTables();
    const moved = (
      (await get(hub, ws.token, `/api/conversations/${a}/messages`)).json() as { messages: Json[] }
    ).messages.filter((m) => m.body === 'Resetting your password');
    const split = await send('POST', `/api/conversations/${a}/split`, { messageIds: moved.map((m) => m.id) });
    expect(split.statusCode).toBe(200);
    await expectReportsMatchTables();

    const other = await newWorkspace(hub);
    const agentId = await hub.database.db.asSystem(async (tx) => {
      const id = uuidv7();
      await tx.query(`INSERT INTO users (workspace_id, id, email, role) VALUES ($1, $2, $3, 'agent')`, [
        ws.workspaceId,
        id,
        `metrics-agent-${other.workspaceId}@example.com`,
      ]);
      return id;
    });
    expect((await send('PATCH', `/api/conversations/${a}`, { assigneeId: agentId })).statusCode).toBe(200);
    await hub.database.db.asSystem((tx) =>
      tx.query(
        `UPDATE conversations SET sla_breached = '{first_response}' WHERE workspace_id = $1 AND id = $2`,
        [ws.workspaceId, a],
      ),
    );
    const [row] = await expectReportsMatchTables();
    expect(row!.slaBreachedConversations).toBe(1);

    // Another workspace's report sees none of it.
    const theirs = await serviceMetrics(hub.database.db, {
      workspaceId: other.workspaceId,
      groupBy: 'channel',
      ...range(),
    });
    expect(theirs.rows).toEqual([]);
  });

  it('counts a repeat contact until the earlier conversation is reopened or about something else', async () => {
    await send('PATCH', '/api/desk/settings', { reopenWindowHours: 0 });
    const first = await customerWrites('m5', 'the app crashes');
    await send('PATCH', `/api/conversations/${first}`, { status: 'resolved' });
    const again = await customerWrites('m5', 'the app crashes again');
    expect(again).not.toBe(first);
    const repeats = async () => (await expectReportsMatchTables()).reduce((n, r) => n + r.repeatContacts, 0);
    expect(await repeats()).toBe(1);
    await send('PATCH', `/api/conversations/${again}`, { labels: ['app'] });
    expect(await repeats()).toBe(0);
    await send('PATCH', `/api/conversations/${first}`, { labels: ['app', 'billing'] });
    expect(await repeats()).toBe(1);
    await send('PATCH', `/api/conversations/${first}`, { status: 'open' });
    expect(await repeats()).toBe(0);
    await send('PATCH', `/api/conversations/${first}`, { status: 'resolved' });
    expect(await repeats()).toBe(0); // resolved after the second one started
  });

  it('keeps the facts exactly as a rebuild from the tables makes them', async () => {
    const read = () =>
      hub.database.db.asSystem((tx) =>
        tx.query(`SELECT * FROM conversation_facts WHERE workspace_id = $1 ORDER BY conversation_id`, [
          ws.workspaceId,
        ]),
      );
    const kept = await read();
    expect(kept.length).toBeGreaterThan(3);
    await hub.database.db.asSystem((tx) =>
      tx.query('SELECT conversation_facts_rebuild($1)', [ws.workspaceId]),
    );
    expect(await read()).toEqual(kept);
  });
});
