// Notifications for users of any department (an @mention in a note, a transfer, an SLA warning,
// an inbox whose provider refused our credentials): stored, and pushed to the user's console.
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import { appendFeed, type FeedItem } from '../realtime/feed.ts';

export type NotificationKind =
  'mention' | 'transfer' | 'assignment' | 'sla_warning' | 'sla_breach' | 'inbox_disabled';

export async function notify(
  tx: Tx,
  input: {
    workspaceId: string;
    userId: string;
    kind: NotificationKind;
    body: string;
    conversationId?: string | null;
    messageId?: string | null;
  },
): Promise<FeedItem> {
  const id = uuidv7();
  await tx.query(
    `INSERT INTO notifications (workspace_id, id, user_id, kind, conversation_id, message_id, body) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      input.workspaceId,
      id,
      input.userId,
      input.kind,
      input.conversationId ?? null,
      input.messageId ?? null,
      input.body,
    ],
  );
  return appendFeed(tx, {
    workspaceId: input.workspaceId,
    userId: input.userId,
    type: 'notification',
    payload: {
      notificationId: id,
      kind: input.kind,
      body: input.body,
      conversationId: input.conversationId ?? null,
      messageId: input.messageId ?? null,
    },
  });
}

export type Notification = {
  id: string;
  kind: string;
  body: string;
  conversationId: string | null;
  messageId: string | null;
  readAt: Date | null;
  createdAt: Date;
};

export async function listNotifications(
  tx: Tx,
  input: { workspaceId: string; userId: string; unreadOnly: boolean },
): Promise<Notification[]> {
  const rows = await tx.query<{
    id: string;
    kind: string;
    body: string;
    conversation_id: string | null;
    message_id: string | null;
    read_at: Date | null;
    created_at: Date;
  }>(
    `SELECT id, kind, body, conversation_id, message_id, read_at, created_at FROM notifications
     WHERE workspace_id = $1 AND user_id = $2 AND ($3::boolean IS FALSE OR read_at IS NULL)
     ORDER BY created_at DESC LIMIT 200`,
    [input.workspaceId, input.userId, input.unreadOnly],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    body: r.body,
    conversationId: r.conversation_id,
    messageId: r.message_id,
    readAt: r.read_at,
    createdAt: r.created_at,
  }));
}

export async function markNotificationsRead(
  tx: Tx,
  input: { workspaceId: string; userId: string; ids: string[] },
): Promise<number> {
  const rows = await tx.query(
    `UPDATE notifications SET read_at = now() WHERE workspace_id = $1 AND user_id = $2 AND id = ANY($3::uuid[]) AND read_at IS NULL RETURNING id`,
    [input.workspaceId, input.userId, input.ids],
  );
  return rows.length;
}

/** The workspace's owners and admins: who hears about broken inboxes. */
export async function adminIds(tx: Tx, workspaceId: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `SELECT id FROM users WHERE workspace_id = $1 AND role IN ('owner', 'admin')`,
    [workspaceId],
  );
  return rows.map((r) => r.id);
}
