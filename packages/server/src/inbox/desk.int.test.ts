import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, inviteMember, newWorkspace, send, type TestHub } from '../test-support/test-hub.ts';
import {
  openApiDesk,
  postSigned,
  startDeskHub,
  startPeer,
  testAdapter,
  waitFor,
} from './testing/desk-test-hub.ts';

type Json = Record<string, unknown>;
const SECRET = 'desk-secret-1234';

describe('service desk: routing, SLA, notes, transfers, surveys, macros', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  let inboxId: string;
  let clockOffsetMs = 0;
  const users: Record<string, { token: string; userId: string }> = {};
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  let n = 0;

  async function addUser(name: string, role: string) {
    users[name] = await inviteMember(hub, ws.token, { name, role });
  }

  /** A customer writes; returns their conversation once it exists. */
  async function customerWrites(from: { type: string; value: string }, text: string): Promise<Json> {
    const id = `m-${++n}`;
    await postSigned(hub, inboxId, SECRET, { messages: [{ id, from: [from], text }] });
    return waitFor(async () => {
      const list = (
        (await get(hub, ws.token, `/api/conversations?inboxId=${inboxId}&limit=100`)).json() as {
          conversations: Json[];
        }
      ).conversations;
      for (const c of list) {
        const messages = (
          (await get(hub, ws.token, `/api/conversations/${c.id}/messages`)).json() as { messages: Json[] }
        ).messages;
        if (messages.some((m) => m.body === text))
          return (await get(hub, ws.token, `/api/conversations/${c.id}`)).json() as Json;
      }
      return null;
    });
  }

  beforeAll(async () => {
    hub = await startDeskHub({ now: () => new Date(Date.now() + clockOffsetMs), slaSweepMs: 3_600_000 });
    hub.desk.registerAdapter(testAdapter('api'));
    ws = await newWorkspace(hub);
    peer = await startPeer();
    inboxId = await openApiDesk(hub, ws.token, { secret: SECRET, peerUrl: peer.url });
    for (const [name, role] of [
      ['ava', 'agent'],
      ['bijan', 'agent'],
      ['sina', 'seller'],
      ['fariba', 'analyst'],
    ] as const)
      await addUser(name, role);
  });
  afterAll(async () => {
    await hub.stop();
    await peer.close();
  });

  it('spreads new conversations round-robin over available agents', async () => {
    const first = await customerWrites({ type: 'email', value: 'c1@example.com' }, 'hello one');
    const second = await customerWrites({ type: 'email', value: 'c2@example.com' }, 'hello two');
    const third = await customerWrites({ type: 'email', value: 'c3@example.com' }, 'hello three');
    const assignees = [first.assigneeId, second.assigneeId, third.assigneeId];
    expect(new Set(assignees.slice(0, 2))).toEqual(new Set([users.ava!.userId, users.bijan!.userId]));
    expect(assignees[2]).toBe(assignees[0]);
  });

  it('sends a key account customer to the account manager first, at high priority', async () => {
    await send(hub, ws.writeKey, 'group', {
      userId: 'acme-ceo',
      groupId: 'acme',
      traits: { name: 'Acme' },
      context: { traits: { email: 'ceo@acme.ir' } },
    });
    const account = await hub.app.inject({
      method: 'PUT',
      url: '/api/accounts',
      headers: as(ws.token),
      payload: { groupId: 'acme', tier: 'key', ownerUserId: users.sina!.userId },
    });
    expect(account.statusCode).toBe(200);
    const conversation = await customerWrites({ type: 'email', value: 'ceo@acme.ir' }, 'we need help');
    expect(conversation).toMatchObject({ assigneeId: users.sina!.userId, priority: 'high' });
  });

  it('routes by keyword rule to a team with labels, and only capacity-limited agents take it', async () => {
    const team = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/teams',
        headers: as(ws.token),
        payload: { name: 'Billing', department: 'finance', members: [users.bijan!.userId] },
      })
    ).json() as { id: string };
    await hub.app.inject({
      method: 'POST',
      url: '/api/routing-rules',
      headers: as(ws.token),
      payload: {
        name: 'Invoices',
        conditions: { keywords: ['فاكتور'] },
        actions: { teamId: team.id, labels: ['billing'], priority: 'high' },
      },
    });
    // Arabic kaf in the rule, Persian kaf in the message: normalised, they match.
    const billed = await customerWrites({ type: 'email', value: 'c4@example.com' }, 'فاکتور من اشتباه است');
    expect(billed).toMatchObject({
      teamId: team.id,
      labels: ['billing'],
      priority: 'high',
      assigneeId: users.bijan!.userId,
    });
    await hub.app.inject({
      method: 'PUT',
      url: `/api/agents/${users.bijan!.userId}/settings`,
      headers: as(ws.token),
      payload: { capacity: 0 },
    });
    const queued = await customerWrites({ type: 'email', value: 'c5@example.com' }, 'فاکتور دوم');
    expect(queued).toMatchObject({ teamId: team.id, assigneeId: null });
  });

  it('warns before and escalates at an SLA breach', async () => {
    const policy = await hub.app.inject({
      method: 'POST',
      url: '/api/sla-policies',
      headers: as(ws.token),
      payload: {
        name: 'Urgent channels',
        firstResponseMinutes: 30,
        warnBeforeMinutes: 10,
        businessHours: false,
        escalateUserId: users.sina!.userId,
      },
    });
    expect(policy.statusCode).toBe(200);
    const conversation = await customerWrites({ type: 'email', value: 'c6@example.com' }, 'still waiting');
    expect((conversation.sla as Json).firstResponseDue).not.toBeNull();
    clockOffsetMs = 25 * 60_000;
    await hub.desk.sweepSla();
    clockOffsetMs = 31 * 60_000;
    await hub.desk.sweepSla();
    clockOffsetMs = 0;
    const after = (await get(hub, ws.token, `/api/conversations/${conversation.id}`)).json() as Json;
    expect(after).toMatchObject({
      priority: 'urgent',
      sla: expect.objectContaining({ breached: ['first_response'] }),
    });
    const assignee = Object.values(users).find((u) => u.userId === after.assigneeId)!;
    const kinds = (
      (await get(hub, assignee.token, '/api/notifications')).json() as { notifications: Json[] }
    ).notifications
      .filter((x) => x.conversationId === conversation.id)
      .map((x) => x.kind);
    expect(kinds).toEqual(expect.arrayContaining(['sla_warning', 'sla_breach']));
    const escalated = (
      (await get(hub, users.sina!.token, '/api/notifications')).json() as { notifications: Json[] }
    ).notifications;
    expect(escalated.some((x) => x.kind === 'sla_breach' && x.conversationId === conversation.id)).toBe(true);
  });

  it('notifies a user of another department mentioned in a private note, and never sends the note', async () => {
    const conversation = await customerWrites(
      { type: 'email', value: 'c7@example.com' },
      'my invoice 77 is wrong',
    );
    const before = peer.requests.length;
    const note = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages`,
      headers: as(users.ava!.token),
      payload: { body: '@fariba@example.com can you check invoice 77?', private: true },
    });
    expect(note.statusCode).toBe(200);
    const mentions = (
      (await get(hub, users.fariba!.token, '/api/notifications?unread=true')).json() as {
        notifications: Json[];
      }
    ).notifications;
    expect(mentions[0]).toMatchObject({ kind: 'mention', conversationId: conversation.id });
    // The analyst answers with a note of their own, but cannot answer the customer.
    const reply = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages`,
      headers: as(users.fariba!.token),
      payload: { body: 'fixed it' },
    });
    expect(reply.statusCode).toBe(403);
    await hub.desk.jobs.drain();
    expect(peer.requests.length).toBe(before);
  });

  it('transfers with a handover summary drafted from the conversation', async () => {
    const conversation = await customerWrites(
      { type: 'email', value: 'c8@example.com' },
      'The router reboots every hour since Monday',
    );
    const transfer = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/transfer`,
      headers: as(users.ava!.token),
      payload: { toUserId: users.bijan!.userId },
    });
    expect(transfer.statusCode).toBe(200);
    const body = transfer.json() as { summary: string; conversation: Json };
    expect(body.summary).toContain('The router reboots every hour since Monday');
    expect(body.conversation).toMatchObject({
      assigneeId: users.bijan!.userId,
      handoverSummary: body.summary,
    });
    const inbox = (
      (await get(hub, users.bijan!.token, '/api/notifications')).json() as { notifications: Json[] }
    ).notifications;
    expect(inbox.some((x) => x.kind === 'transfer' && String(x.body).includes('router reboots'))).toBe(true);
  });

  it('supports custom statuses, filtered like built-in ones', async () => {
    await hub.app.inject({
      method: 'PUT',
      url: '/api/conversation-statuses',
      headers: as(ws.token),
      payload: { key: 'waiting_on_finance', label: 'منتظر مالی', category: 'pending' },
    });
    const conversation = await customerWrites({ type: 'email', value: 'c9@example.com' }, 'refund please');
    const patched = await hub.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${conversation.id}`,
      headers: as(ws.token),
      payload: { status: 'waiting_on_finance' },
    });
    expect(patched.json()).toMatchObject({ status: 'pending', customStatus: 'waiting_on_finance' });
    const listed = (
      (await get(hub, ws.token, '/api/conversations?status=waiting_on_finance')).json() as {
        conversations: Json[];
      }
    ).conversations;
    expect(listed.map((c) => c.id)).toEqual([conversation.id]);
    const unknown = await hub.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${conversation.id}`,
      headers: as(ws.token),
      payload: { status: 'nope' },
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('sends a CSAT survey on the channel at resolution and puts the answer on the timeline', async () => {
    await hub.app.inject({
      method: 'PATCH',
      url: '/api/desk/settings',
      headers: as(ws.token),
      payload: { survey: { enabled: true, kind: 'csat' } },
    });
    const conversation = await customerWrites(
      { type: 'email', value: 'c10@example.com' },
      'سفارش رسید، ممنون',
    );
    await hub.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${conversation.id}`,
      headers: as(ws.token),
      payload: { status: 'resolved' },
    });
    await waitFor(async () => peer.requests.some((r) => r.body.includes('۱ (ناراضی)')));
    await postSigned(hub, inboxId, SECRET, {
      messages: [
        { id: 'survey-reply', from: [{ type: 'email', value: 'c10@example.com' }], text: '۵ عالی بود' },
      ],
    });
    const timeline = await waitFor(async () => {
      const t = (await get(hub, ws.token, `/api/customers/${conversation.customerId}/timeline`)).json() as {
        events: Json[];
      };
      return t.events.find((e) => e.event === 'Survey Answered') && t;
    });
    expect(timeline.events.find((e) => e.event === 'Survey Answered')!.properties).toMatchObject({
      kind: 'csat',
      score: 5,
      comment: 'عالی بود',
    });
    const after = (await get(hub, ws.token, `/api/conversations/${conversation.id}`)).json() as Json;
    expect(after.status).toBe('resolved');
  });

  it('fills canned-response variables and runs macros in one go', async () => {
    const conversation = await customerWrites({ type: 'email', value: 'c11@example.com' }, 'hi there');
    const canned = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/canned-responses',
        headers: as(users.ava!.token),
        payload: { shortCode: 'hello', body: 'Hello {{customer.email}}, I am {{agent.name}}.' },
      })
    ).json() as { id: string };
    const rendered = (
      await get(
        hub,
        users.ava!.token,
        `/api/canned-responses/${canned.id}/render?conversationId=${conversation.id}`,
      )
    ).json();
    expect(rendered).toEqual({ body: 'Hello c11@example.com, I am ava.' });
    const macro = (
      await hub.app.inject({
        method: 'POST',
        url: '/api/macros',
        headers: as(ws.token),
        payload: {
          name: 'VIP',
          actions: [
            { type: 'labels', add: ['vip'] },
            { type: 'priority', priority: 'urgent' },
            { type: 'reply', body: 'Dear {{customer.email}}, we are on it.' },
          ],
        },
      })
    ).json() as { id: string };
    const ran = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/macros/${macro.id}`,
      headers: as(users.ava!.token),
    });
    expect(ran.json()).toMatchObject({ labels: ['vip'], priority: 'urgent' });
    await waitFor(async () =>
      peer.requests.some((r) => r.body.includes('Dear c11@example.com, we are on it.')),
    );
  });

  it('sends a scheduled message later, and a cancelled one never', async () => {
    const conversation = await customerWrites({ type: 'email', value: 'c12@example.com' }, 'send later test');
    const later = (
      await hub.app.inject({
        method: 'POST',
        url: `/api/conversations/${conversation.id}/messages`,
        headers: as(users.ava!.token),
        payload: { body: 'good morning (scheduled)', sendAt: new Date(Date.now() + 400).toISOString() },
      })
    ).json() as { messageId: string; status: string };
    expect(later.status).toBe('scheduled');
    const never = (
      await hub.app.inject({
        method: 'POST',
        url: `/api/conversations/${conversation.id}/messages`,
        headers: as(users.ava!.token),
        payload: { body: 'never sent', sendAt: new Date(Date.now() + 3_600_000).toISOString() },
      })
    ).json() as { messageId: string };
    const cancel = await hub.app.inject({
      method: 'DELETE',
      url: `/api/conversations/${conversation.id}/messages/${never.messageId}`,
      headers: as(users.ava!.token),
    });
    expect(cancel.statusCode).toBe(200);
    await waitFor(async () => peer.requests.some((r) => r.body.includes('good morning (scheduled)')));
    expect(peer.requests.some((r) => r.body.includes('never sent'))).toBe(false);
  });

  it('reports service metrics per channel, agent and day: CSAT, SLA breaches, repeat contacts', async () => {
    await hub.app.inject({
      method: 'PATCH',
      url: '/api/desk/settings',
      headers: as(ws.token),
      payload: { reopenWindowHours: 0, survey: { enabled: false, kind: 'csat' } },
    });
    const first = await customerWrites({ type: 'email', value: 'c13@example.com' }, 'my modem is broken');
    await hub.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${first.id}`,
      headers: as(ws.token),
      payload: { status: 'resolved' },
    });
    const again = await customerWrites(
      { type: 'email', value: 'c13@example.com' },
      'the modem is broken again',
    );
    expect(again.id).not.toBe(first.id);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const byChannel = (
      await get(hub, ws.token, `/api/service-metrics?from=${from}&to=${to}&groupBy=channel`)
    ).json() as { rows: Json[] };
    expect(byChannel.rows).toHaveLength(1);
    expect(byChannel.rows[0]).toMatchObject({
      key: 'api',
      csat: 5,
      surveyAnswers: 1,
      slaBreachedConversations: 1,
      repeatContacts: 1,
    });
    expect(byChannel.rows[0]!.firstResponseSecondsAvg).toEqual(expect.any(Number));
    const byAgent = (
      await get(hub, ws.token, `/api/service-metrics?from=${from}&to=${to}&groupBy=agent`)
    ).json() as { rows: Json[] };
    expect(byAgent.rows.map((r) => r.key)).toEqual(
      expect.arrayContaining([users.ava!.userId, users.bijan!.userId, users.sina!.userId]),
    );
    const byDay = (
      await get(hub, ws.token, `/api/service-metrics?from=${from}&to=${to}&groupBy=day`)
    ).json() as { rows: Json[] };
    expect(byDay.rows[0]!.jalaliDay).toMatch(/^14\d\d\/\d\d\/\d\d$/);
    const bad = await get(hub, ws.token, `/api/service-metrics?from=yesterday&to=${to}`);
    expect(bad.statusCode).toBe(400);
  });

  it('merges, splits and links tickets', async () => {
    const a = await customerWrites({ type: 'email', value: 'c14@example.com' }, 'ticket A: login fails');
    const b = await customerWrites(
      { type: 'email', value: 'c15@example.com' },
      'ticket B: same login problem',
    );
    const merged = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${b.id}/merge`,
      headers: as(ws.token),
      payload: { targetId: a.id },
    });
    expect(merged.statusCode).toBe(200);
    const messages = (
      (await get(hub, ws.token, `/api/conversations/${a.id}/messages`)).json() as { messages: Json[] }
    ).messages;
    expect(messages.filter((m) => m.direction === 'inbound').map((m) => m.body)).toEqual([
      'ticket A: login fails',
      'ticket B: same login problem',
    ]);
    expect((await get(hub, ws.token, `/api/conversations/${b.id}`)).json()).toMatchObject({
      mergedInto: a.id,
      status: 'resolved',
    });
    const again = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${b.id}/merge`,
      headers: as(ws.token),
      payload: { targetId: a.id },
    });
    expect(again.statusCode).toBe(409);

    const moved = messages.find((m) => m.body === 'ticket B: same login problem')!;
    const split = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${a.id}/split`,
      headers: as(ws.token),
      payload: { messageIds: [moved.id] },
    });
    expect(split.statusCode).toBe(200);
    const fresh = split.json() as Json;
    const freshMessages = (
      (await get(hub, ws.token, `/api/conversations/${fresh.id}/messages`)).json() as { messages: Json[] }
    ).messages;
    expect(freshMessages.filter((m) => m.direction === 'inbound').map((m) => m.body)).toEqual([
      'ticket B: same login problem',
    ]);

    const c = await customerWrites({ type: 'email', value: 'c16@example.com' }, 'ticket C: related outage');
    const linked = await hub.app.inject({
      method: 'POST',
      url: `/api/conversations/${a.id}/links`,
      headers: as(ws.token),
      payload: { targetId: c.id },
    });
    expect((linked.json() as { links: Json[] }).links.map((l) => [l.linkedId, l.kind])).toEqual(
      expect.arrayContaining([
        [b.id, 'merged'],
        [fresh.id, 'split_from'],
        [c.id, 'related'],
      ]),
    );
  });
});
