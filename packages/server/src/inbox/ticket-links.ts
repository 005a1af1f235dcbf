// Tickets that can be merged (two conversations about one issue become one), split (messages
// about another issue move to a new conversation) and linked (related, both stay).
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import { readConversation, type Conversation } from './conversations.service.ts';
import { noEffects, publishEffects, type DeskContext } from './desk-context.ts';
import { addNote } from './notes.ts';

export type ConversationLink = {
  conversationId: string;
  linkedId: string;
  kind: 'related' | 'merged' | 'split_from';
  createdAt: Date;
};

async function link(
  tx: Tx,
  workspaceId: string,
  a: string,
  b: string,
  kind: ConversationLink['kind'],
): Promise<void> {
  await tx.query(
    `INSERT INTO conversation_links (workspace_id, conversation_id, linked_id, kind) VALUES ($1, $2, $3, $4), ($1, $3, $2, $4)
     ON CONFLICT (workspace_id, conversation_id, linked_id) DO UPDATE SET kind = EXCLUDED.kind`,
    [workspaceId, a, b, kind],
  );
}

async function bothLive(
  tx: Tx,
  input: { workspaceId: string; conversationId: string; otherId: string },
): Promise<Result<[Conversation, Conversation], AppError>> {
  if (input.conversationId === input.otherId)
    return err(
      appError('PSK_CONVERSATION_CONFLICT', {
        field: 'targetId',
        message: 'targetId: a conversation cannot be joined with itself (field: targetId)',
      }),
    );
  const a = await readConversation(tx, input);
  const b = await readConversation(tx, { workspaceId: input.workspaceId, conversationId: input.otherId });
  if (!a) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
  if (!b) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'targetId' }));
  if (a.mergedInto || b.mergedInto)
    return err(
      appError('PSK_CONVERSATION_CONFLICT', {
        field: 'targetId',
        message: 'targetId: a merged conversation cannot change again (field: targetId)',
      }),
    );
  return ok([a, b]);
}

export async function mergeConversations(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string; targetId: string; userId: string },
): Promise<Result<Conversation, AppError>> {
  const effects = noEffects();
  const result = await desk.db.inWorkspace(input.workspaceId, async (tx) => {
    const pair = await bothLive(tx, { ...input, otherId: input.targetId });
    if (pair.isErr()) return err(pair.error);
    const { workspaceId, conversationId, targetId } = input;
    await tx.query(
      `UPDATE messages SET conversation_id = $3 WHERE workspace_id = $1 AND conversation_id = $2`,
      [workspaceId, conversationId, targetId],
    );
    await tx.query(
      `UPDATE conversations SET merged_into = $3, status = 'resolved', resolved_at = coalesce(resolved_at, now()), updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, conversationId, targetId],
    );
    await link(tx, workspaceId, conversationId, targetId, 'merged');
    await addNote(
      tx,
      {
        workspaceId,
        conversationId: targetId,
        author: input.userId,
        body: `Merged conversation ${conversationId} into this one`,
      },
      effects,
    );
    return ok((await readConversation(tx, { workspaceId, conversationId: targetId }))!);
  });
  await publishEffects(desk, effects);
  return result;
}

export async function splitConversation(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string; messageIds: string[]; userId: string },
): Promise<Result<Conversation, AppError>> {
  const effects = noEffects();
  const result = await desk.db.inWorkspace(input.workspaceId, async (tx) => {
    const { workspaceId, conversationId } = input;
    const source = await readConversation(tx, input);
    if (!source) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
    const owned = await tx.query<{ id: string }>(
      `SELECT id FROM messages WHERE workspace_id = $1 AND conversation_id = $2 AND id = ANY($3::uuid[])`,
      [workspaceId, conversationId, input.messageIds],
    );
    if (owned.length !== input.messageIds.length)
      return err(
        appError('PSK_MESSAGE_NOT_FOUND', {
          field: 'messageIds',
          message: 'messageIds: every message must belong to this conversation (field: messageIds)',
        }),
      );
    const [total] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE workspace_id = $1 AND conversation_id = $2`,
      [workspaceId, conversationId],
    );
    if (total!.n === owned.length)
      return err(
        appError('PSK_CONVERSATION_CONFLICT', {
          field: 'messageIds',
          message: 'messageIds: leave at least one message in the conversation (field: messageIds)',
        }),
      );
    const id = uuidv7();
    await tx.query(
      `INSERT INTO conversations (workspace_id, id, customer_id, inbox_id, reply_inbox_id, thread_key, reply_to, priority, assignee_id, team_id,
         subject, language, last_customer_message_at, waiting_since)
       SELECT workspace_id, $3, customer_id, inbox_id, reply_inbox_id, thread_key || $4, reply_to, priority, assignee_id, team_id,
         subject, language, last_customer_message_at, waiting_since
       FROM conversations WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, conversationId, id, `:split:${id}`],
    );
    await tx.query(
      `UPDATE messages SET conversation_id = $3 WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
      [workspaceId, input.messageIds, id],
    );
    await link(tx, workspaceId, id, conversationId, 'split_from');
    await addNote(
      tx,
      {
        workspaceId,
        conversationId: id,
        author: input.userId,
        body: `Split from conversation ${conversationId}`,
      },
      effects,
    );
    return ok((await readConversation(tx, { workspaceId, conversationId: id }))!);
  });
  await publishEffects(desk, effects);
  return result;
}

export async function linkConversations(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string; targetId: string },
): Promise<Result<ConversationLink[], AppError>> {
  return desk.db.inWorkspace(input.workspaceId, async (tx) => {
    const pair = await bothLive(tx, { ...input, otherId: input.targetId });
    if (pair.isErr()) return err(pair.error);
    await link(tx, input.workspaceId, input.conversationId, input.targetId, 'related');
    return ok(await readLinks(tx, input));
  });
}

export async function readLinks(
  tx: Tx,
  input: { workspaceId: string; conversationId: string },
): Promise<ConversationLink[]> {
  const rows = await tx.query<{
    conversation_id: string;
    linked_id: string;
    kind: ConversationLink['kind'];
    created_at: Date;
  }>(
    `SELECT conversation_id, linked_id, kind, created_at FROM conversation_links WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY created_at`,
    [input.workspaceId, input.conversationId],
  );
  return rows.map((r) => ({
    conversationId: r.conversation_id,
    linkedId: r.linked_id,
    kind: r.kind,
    createdAt: r.created_at,
  }));
}

export async function listLinks(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string },
): Promise<Result<ConversationLink[], AppError>> {
  return desk.db.inWorkspace(input.workspaceId, async (tx) => {
    if (!(await readConversation(tx, input)))
      return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
    return ok(await readLinks(tx, input));
  });
}
