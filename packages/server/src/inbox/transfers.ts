// Transfers to an agent, a team or another department carry a handover summary, written by the
// agent or built from the conversation, so the receiver never has to ask the customer again.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import { applyPatch, readConversation, type Conversation } from './conversations.service.ts';
import { noEffects, publishEffects, type DeskContext } from './desk-context.ts';
import { addNote } from './notes.ts';
import { notify } from './notifications.ts';

/** A summary from what the conversation holds: who, on which channels, what they asked last. */
export async function draftHandoverSummary(
  tx: Tx,
  input: { workspaceId: string; conversationId: string },
): Promise<string> {
  const [head] = await tx.query<{
    name: string | null;
    email: string | null;
    phone: string | null;
    subject: string | null;
    channels: string[];
  }>(
    `SELECT cu.traits->>'name' AS name, cu.traits->>'email' AS email, cu.traits->>'phone' AS phone, c.subject,
       ARRAY(SELECT DISTINCT i.channel FROM messages m JOIN inboxes i ON i.workspace_id = m.workspace_id AND i.id = m.inbox_id
             WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id) AS channels
     FROM conversations c JOIN customers cu ON cu.workspace_id = c.workspace_id AND cu.id = c.customer_id
     WHERE c.workspace_id = $1 AND c.id = $2`,
    [input.workspaceId, input.conversationId],
  );
  const asked = await tx.query<{ body: string }>(
    `SELECT body FROM messages WHERE workspace_id = $1 AND conversation_id = $2 AND direction = 'inbound' ORDER BY created_at DESC LIMIT 3`,
    [input.workspaceId, input.conversationId],
  );
  const who = [head?.name, head?.email, head?.phone].filter(Boolean).join(', ') || 'customer';
  const lines = [
    `Customer: ${who}`,
    `Channels: ${(head?.channels ?? []).join(', ') || '—'}`,
    ...(head?.subject ? [`Subject: ${head.subject}`] : []),
    'Last messages:',
    ...asked.reverse().map((m) => `- ${m.body.replace(/\s+/g, ' ').slice(0, 200)}`),
  ];
  return lines.join('\n');
}

export async function transferConversation(
  desk: DeskContext,
  input: {
    workspaceId: string;
    conversationId: string;
    fromUserId: string;
    toUserId?: string;
    toTeamId?: string;
    summary?: string;
  },
): Promise<Result<{ conversation: Conversation; summary: string; transferId: string }, AppError>> {
  const effects = noEffects();
  const result = await desk.db.inWorkspace(input.workspaceId, async (tx) => {
    const current = await readConversation(tx, input);
    if (!current) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
    const summary = input.summary?.trim() || (await draftHandoverSummary(tx, input));
    const patched = await applyPatch(
      tx,
      desk,
      {
        workspaceId: input.workspaceId,
        conversationId: input.conversationId,
        userId: input.fromUserId,
        patch: {
          // To a team alone: the team's queue picks it up (unassigned).
          assigneeId: input.toUserId ?? null,
          ...(input.toTeamId ? { teamId: input.toTeamId } : {}),
        },
      },
      effects,
    );
    if (patched.isErr()) return err(patched.error);
    const transferId = uuidv7();
    await tx.query(
      `INSERT INTO transfers (workspace_id, id, conversation_id, from_user_id, to_user_id, to_team_id, summary) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        input.workspaceId,
        transferId,
        input.conversationId,
        input.fromUserId,
        input.toUserId ?? null,
        input.toTeamId ?? null,
        summary,
      ],
    );
    await tx.query(`UPDATE conversations SET handover_summary = $3 WHERE workspace_id = $1 AND id = $2`, [
      input.workspaceId,
      input.conversationId,
      summary,
    ]);
    await addNote(
      tx,
      {
        workspaceId: input.workspaceId,
        conversationId: input.conversationId,
        author: input.fromUserId,
        body: `Handover: ${summary}`,
      },
      effects,
    );
    const receivers = input.toUserId
      ? [input.toUserId]
      : (
          await tx.query<{ user_id: string }>(
            `SELECT user_id FROM team_members WHERE workspace_id = $1 AND team_id = $2`,
            [input.workspaceId, input.toTeamId],
          )
        ).map((r) => r.user_id);
    for (const userId of receivers.filter((u) => u !== input.fromUserId))
      effects.feed.push(
        await notify(tx, {
          workspaceId: input.workspaceId,
          userId,
          kind: 'transfer',
          body: summary.slice(0, 1000),
          conversationId: input.conversationId,
        }),
      );
    const conversation = (await readConversation(tx, input))!;
    return ok({ conversation, summary, transferId });
  });
  await publishEffects(desk, effects);
  return result;
}
