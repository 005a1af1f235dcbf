// Private notes: the collaboration tool between units. A note never leaves the hub; an
// @mention of any user (service, sales, finance…) — `@ali@example.com` or `@[user id]` — notifies them.
import { uuidv7 } from '../core/ids.ts';
import { normalizePersian } from '../core/persian-text.ts';
import type { Tx } from '../db/database.ts';
import { appendFeed } from '../realtime/feed.ts';
import type { Effects } from './desk-context.ts';
import { notify } from './notifications.ts';

const MENTION_EMAIL = /(?:^|[\s(])@([^\s@()]+@[^\s@()]+\.[^\s@(),;:!?]+)/gu;
const MENTION_ID = /@\[([0-9a-f-]{36})\]/giu;

export function mentionsIn(body: string): { emails: string[]; ids: string[] } {
  const emails = [...body.matchAll(MENTION_EMAIL)].map((m) => m[1]!.toLowerCase().replace(/[.]+$/, ''));
  const ids = [...body.matchAll(MENTION_ID)].map((m) => m[1]!.toLowerCase());
  return { emails: [...new Set(emails)], ids: [...new Set(ids)] };
}

export async function addNote(
  tx: Tx,
  input: {
    workspaceId: string;
    conversationId: string;
    author: string | null;
    body: string;
    kind?: 'note' | 'handover';
  },
  effects: Effects,
): Promise<{ messageId: string; mentioned: string[] }> {
  const { emails, ids } = mentionsIn(input.body);
  const users =
    emails.length + ids.length > 0
      ? await tx.query<{ id: string }>(
          `SELECT id FROM users WHERE workspace_id = $1 AND (lower(email) = ANY($2::text[]) OR id::text = ANY($3::text[]))`,
          [input.workspaceId, emails, ids],
        )
      : [];
  const mentioned = users.map((u) => u.id).filter((id) => id !== input.author);
  const [conversation] = await tx.query<{ inbox_id: string; assignee_id: string | null }>(
    `SELECT inbox_id, assignee_id FROM conversations WHERE workspace_id = $1 AND id = $2`,
    [input.workspaceId, input.conversationId],
  );
  const messageId = uuidv7();
  await tx.query(
    `INSERT INTO messages (workspace_id, id, conversation_id, inbox_id, direction, sender_type, sender_id, private, body, status, mentions, search_text)
     VALUES ($1, $2, $3, $4, 'internal', $5, $6, true, $7, 'received', $8, $9)`,
    [
      input.workspaceId,
      messageId,
      input.conversationId,
      conversation!.inbox_id,
      input.author ? 'agent' : 'system',
      input.author,
      input.body,
      mentioned,
      normalizePersian(input.body),
    ],
  );
  await tx.query(`UPDATE conversations SET updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
    input.workspaceId,
    input.conversationId,
  ]);
  effects.feed.push(
    await appendFeed(tx, {
      workspaceId: input.workspaceId,
      userId: conversation!.assignee_id,
      type: 'message.created',
      payload: {
        conversationId: input.conversationId,
        messageId,
        direction: 'internal',
        private: true,
        senderType: input.author ? 'agent' : 'system',
        senderId: input.author,
        body: input.body,
      },
    }),
  );
  for (const userId of mentioned)
    effects.feed.push(
      await notify(tx, {
        workspaceId: input.workspaceId,
        userId,
        kind: 'mention',
        body: input.body.slice(0, 500),
        conversationId: input.conversationId,
        messageId,
      }),
    );
  return { messageId, mentioned };
}
