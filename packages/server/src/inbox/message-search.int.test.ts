// GET /api/conversations?q=…: Persian-normalised on both sides, newest matching message first,
// the workspace's own conversations only — also once the newest messages are not enough and the
// search goes on through the index, window by window (message-search.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../core/ids.ts';
import { get, newWorkspace, type TestHub } from '../test-support/test-hub.ts';
import { postSigned, startDeskHub, testAdapter, waitFor } from './testing/desk-test-hub.ts';

const SECRET = 'search-secret-1234';

describe('message search', () => {
  let hub: TestHub;
  let ws: Awaited<ReturnType<typeof newWorkspace>>;
  let inboxId: string;
  let n = 0;

  const search = async (q: string, extra = '', token = ws.token) => {
    const reply = await get(hub, token, `/api/conversations?q=${encodeURIComponent(q)}${extra}`);
    expect(reply.statusCode).toBe(200);
    return (reply.json() as { conversations: { id: string }[] }).conversations.map((c) => c.id);
  };
  async function customerWrites(customer: string, text: string): Promise<string> {
    await postSigned(hub, inboxId, SECRET, {
      messages: [{ id: `s-${++n}`, from: [{ type: 'email', value: `${customer}@example.com` }], text }],
    });
    return waitFor(async () => {
      const [row] = await hub.database.db.asSystem((tx) =>
        tx.query<{ conversation_id: string }>(
          `SELECT conversation_id FROM messages WHERE workspace_id = $1 AND body = $2`,
          [ws.workspaceId, text],
        ),
      );
      return row?.conversation_id;
    });
  }

  beforeAll(async () => {
    hub = await startDeskHub({ slaSweepMs: 3_600_000 });
    hub.desk.registerAdapter(testAdapter('api'));
    ws = await newWorkspace(hub);
    inboxId = (
      (
        await hub.app.inject({
          method: 'POST',
          url: '/api/inboxes',
          headers: { authorization: `Bearer ${ws.token}` },
          payload: {
            channel: 'api',
            name: 'Search',
            config: { secret: SECRET, peerUrl: 'http://127.0.0.1:9' },
          },
        })
      ).json() as { id: string }
    ).id;
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('finds text stored with Arabic ي/ك, ZWNJ or Persian digits whichever way the query is typed', async () => {
    const cake = await customerWrites('s1', 'كيك شكلاتي رسید ولی خراب بود');
    const order = await customerWrites('s2', 'سفارش شماره ۴۵۶۷۸۹ نرسیده');
    const packing = await customerWrites('s3', 'بسته‌بندی پاره شده بود');
    for (const q of ['کیک', 'كيك', 'کیک شکلاتی', 'كيك شكلاتي']) expect(await search(q), q).toEqual([cake]);
    for (const q of ['456789', '۴۵۶۷۸۹', '٤٥٦٧٨٩']) expect(await search(q), q).toEqual([order]);
    for (const q of ['بسته‌بندی', 'بسته بندی', 'بندی']) expect(await search(q), q).toEqual([packing]);
    expect(await search('بود')).toEqual([packing, cake]);
    expect(await search('سفارش کیک')).toEqual([]);
    expect(await search('؟!')).toEqual([]);
  });

  it('lists newest matching message first, with the other filters, and only the workspace’s own', async () => {
    const older = await customerWrites('s4', 'refund please for order A');
    const newer = await customerWrites('s5', 'refund for order B too');
    await customerWrites('s4', 'and a refund again');
    expect(await search('refund')).toEqual([older, newer]);
    expect(await search('refund', '&limit=1')).toEqual([older]);
    await hub.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${older}`,
      headers: { authorization: `Bearer ${ws.token}` },
      payload: { status: 'resolved' },
    });
    expect(await search('refund', '&status=open')).toEqual([newer]);
    const other = await newWorkspace(hub);
    expect(await search('refund', '', other.token)).toEqual([]);
  });

  it('goes on through the index past the newest messages, still newest match first', async () => {
    // 12,000 messages in 40 conversations over 120 days; "zircon" is in every 997th (13 of them
    // in 13 conversations), so most lie beyond the newest 5,000 messages read in key order.
    const start = Date.now() - 120 * 86_400_000;
    const conversations = Array.from({ length: 40 }, () => uuidv7(start - 1000));
    await hub.database.db.asSystem(async (tx) => {
      await tx.query(
        `INSERT INTO conversations (workspace_id, id, customer_id, inbox_id, reply_inbox_id, thread_key, created_at)
         SELECT $1, c, $2, $3, $3, 'bulk:' || c, $4 FROM unnest($5::uuid[]) c`,
        [ws.workspaceId, uuidv7(), inboxId, new Date(start - 1000), conversations],
      );
      await tx.query(
        `INSERT INTO messages (workspace_id, id, conversation_id, inbox_id, direction, sender_type, body, status, search_text, created_at)
         SELECT $1, (lpad(to_hex($2::bigint + g::bigint * 864000), 12, '0')::text || lpad(to_hex(g), 20, '0'))::uuid,
                ($3::uuid[])[1 + g % 40], $4, 'inbound', 'customer', t, 'received', t, to_timestamp(($2::bigint + g::bigint * 864000) / 1000.0)
         FROM generate_series(0, 11999) g, LATERAL (SELECT CASE WHEN g % 997 = 0 THEN 'the zircon ring' ELSE 'hello there' END) x(t)`,
        [ws.workspaceId, start, conversations, inboxId],
      );
    });
    const expected = await hub.database.db.asSystem((tx) =>
      tx.query<{ conversation_id: string }>(
        `SELECT conversation_id FROM messages WHERE workspace_id = $1 AND search_text LIKE '%zircon%'
         GROUP BY conversation_id ORDER BY max(created_at) DESC`,
        [ws.workspaceId],
      ),
    );
    expect(expected.length).toBe(13);
    expect(await search('zircon', '&limit=50')).toEqual(expected.map((r) => r.conversation_id));
    expect(await search('zircon', '&limit=3')).toEqual(expected.slice(0, 3).map((r) => r.conversation_id));
    expect(await search('nowhere-to-be-found')).toEqual([]);
  });
});
