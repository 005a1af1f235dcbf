// Conversations as agents see and change them: lists, messages, replies and notes, status,
// priority, labels, assignment, snooze and resolution (which sends the survey).
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import type { Tx } from '../db/database.ts';
import { appendFeed } from '../realtime/feed.ts';
import {
  attachFiles,
  decodeAttachments,
  replyChannelSendsFiles,
  type PostedAttachment,
} from './attachments.ts';
import { queueOutbound } from './deliver.ts';
import { noEffects, publishEffects, type DeskContext, type Effects } from './desk-context.ts';
import { readDeskSettings } from './desk-settings.ts';
import { conversationsMatching, searchText } from './message-search.ts';
import { addNote } from './notes.ts';
import { notify } from './notifications.ts';
import type { Priority } from './routing.ts';
import { sendSurvey } from './surveys.ts';

export const BUILT_IN_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type BuiltInStatus = (typeof BUILT_IN_STATUSES)[number];

export type Conversation = {
  id: string;
  customerId: string;
  inboxId: string;
  replyInboxId: string;
  channel: string;
  status: BuiltInStatus;
  customStatus: string | null;
  priority: Priority;
  assigneeId: string | null;
  teamId: string | null;
  labels: string[];
  attributes: Record<string, unknown>;
  subject: string | null;
  language: string | null;
  handoverSummary: string | null;
  mergedInto: string | null;
  snoozedUntil: Date | null;
  firstResponseAt: Date | null;
  lastCustomerMessageAt: Date | null;
  resolvedAt: Date | null;
  reopenedCount: number;
  sla: {
    policyId: string | null;
    firstResponseDue: Date | null;
    nextResponseDue: Date | null;
    resolutionDue: Date | null;
    breached: string[];
  };
  createdAt: Date;
  updatedAt: Date;
};

const SELECT_CONVERSATION = `SELECT c.*, i.channel FROM conversations c
  JOIN inboxes i ON i.workspace_id = c.workspace_id AND i.id = c.reply_inbox_id`;

type ConversationRow = Record<string, unknown> & { id: string };

const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  customerId: r.customer_id as string,
  inboxId: r.inbox_id as string,
  replyInboxId: r.reply_inbox_id as string,
  channel: r.channel as string,
  status: r.status as BuiltInStatus,
  customStatus: (r.custom_status as string | null) ?? null,
  priority: r.priority as Priority,
  assigneeId: (r.assignee_id as string | null) ?? null,
  teamId: (r.team_id as string | null) ?? null,
  labels: (r.labels as string[]) ?? [],
  attributes: (r.attributes as Record<string, unknown>) ?? {},
  subject: (r.subject as string | null) ?? null,
  language: (r.language as string | null) ?? null,
  handoverSummary: (r.handover_summary as string | null) ?? null,
  mergedInto: (r.merged_into as string | null) ?? null,
  snoozedUntil: (r.snoozed_until as Date | null) ?? null,
  firstResponseAt: (r.first_response_at as Date | null) ?? null,
  lastCustomerMessageAt: (r.last_customer_message_at as Date | null) ?? null,
  resolvedAt: (r.resolved_at as Date | null) ?? null,
  reopenedCount: Number(r.reopened_count ?? 0),
  sla: {
    policyId: (r.sla_policy_id as string | null) ?? null,
    firstResponseDue: (r.sla_first_response_due as Date | null) ?? null,
    nextResponseDue: (r.sla_next_response_due as Date | null) ?? null,
    resolutionDue: (r.sla_resolution_due as Date | null) ?? null,
    breached: (r.sla_breached as string[]) ?? [],
  },
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

export async function readConversation(
  tx: Tx,
  input: { workspaceId: string; conversationId: string },
): Promise<Conversation | null> {
  const [row] = await tx.query<ConversationRow>(
    `${SELECT_CONVERSATION} WHERE c.workspace_id = $1 AND c.id = $2`,
    [input.workspaceId, input.conversationId],
  );
  return row ? toConversation(row) : null;
}

export type ConversationFilter = {
  workspaceId: string;
  status?: string;
  customerId?: string;
  inboxId?: string;
  assigneeId?: string;
  teamId?: string;
  q?: string;
  limit: number;
};

export async function listConversations(
  desk: DeskContext,
  filter: ConversationFilter,
): Promise<Conversation[]> {
  const custom = filter.status && !(BUILT_IN_STATUSES as readonly string[]).includes(filter.status);
  const where = `c.workspace_id = $1 AND c.merged_into IS NULL
         AND ($2::text IS NULL OR ${custom ? 'c.custom_status' : 'c.status'} = $2)
         AND ($3::uuid IS NULL OR c.customer_id = $3::uuid)
         AND ($4::uuid IS NULL OR c.inbox_id = $4::uuid OR c.reply_inbox_id = $4::uuid)
         AND ($5::uuid IS NULL OR c.assignee_id = $5::uuid)
         AND ($6::uuid IS NULL OR c.team_id = $6::uuid)`;
  const params = [
    filter.workspaceId,
    filter.status ?? null,
    filter.customerId ?? null,
    filter.inboxId ?? null,
    filter.assigneeId ?? null,
    filter.teamId ?? null,
  ];
  if (filter.q === undefined) {
    const rows = await desk.db.inWorkspace(filter.workspaceId, (tx) =>
      tx.query<ConversationRow>(`${SELECT_CONVERSATION} WHERE ${where} ORDER BY c.updated_at DESC LIMIT $7`, [
        ...params,
        filter.limit,
      ]),
    );
    return rows.map(toConversation);
  }
  // With q: conversations with a matching message, newest matching message first. The search
  // yields candidate ids window by window (message-search.ts); they are read here, under
  // row-level security and the other filters, a slice at a time until the page is full.
  const text = searchText(filter.q);
  if (text === null) return [];
  const found: Conversation[] = [];
  const slice = Math.max(100, 2 * filter.limit);
  for await (const ids of conversationsMatching(desk.db, {
    workspaceId: filter.workspaceId,
    text,
    pageSize: filter.limit,
  })) {
    for (let i = 0; i < ids.length; i += slice) {
      const part = ids.slice(i, i + slice);
      const rows = await desk.db.inWorkspace(filter.workspaceId, (tx) =>
        tx.query<ConversationRow>(`${SELECT_CONVERSATION} WHERE ${where} AND c.id = ANY($7::uuid[])`, [
          ...params,
          part,
        ]),
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of part) {
        const row = byId.get(id);
        if (row) found.push(toConversation(row));
        if (found.length >= filter.limit) return found;
      }
    }
  }
  return found;
}

export type Message = {
  id: string;
  conversationId: string;
  inboxId: string;
  direction: 'inbound' | 'outbound' | 'internal';
  senderType: 'customer' | 'agent' | 'bot' | 'system';
  senderId: string | null;
  private: boolean;
  body: string;
  html: string | null;
  subject: string | null;
  attachments: unknown[];
  status: string;
  error: string | null;
  sendAt: Date | null;
  mentions: string[];
  createdAt: Date;
};

export async function listMessages(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string },
): Promise<Result<Message[], AppError>> {
  return desk.db.inWorkspace(input.workspaceId, async (tx) => {
    const conversation = await readConversation(tx, input);
    if (!conversation) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
    const rows = await tx.query<Record<string, unknown>>(
      `SELECT * FROM messages WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY created_at, id LIMIT 5000`,
      [input.workspaceId, input.conversationId],
    );
    return ok(
      rows.map((r) => ({
        id: r.id as string,
        conversationId: r.conversation_id as string,
        inboxId: r.inbox_id as string,
        direction: r.direction as Message['direction'],
        senderType: r.sender_type as Message['senderType'],
        senderId: (r.sender_id as string | null) ?? null,
        private: r.private as boolean,
        body: r.body as string,
        html: (r.html as string | null) ?? null,
        subject: (r.subject as string | null) ?? null,
        attachments: (r.attachments as unknown[]) ?? [],
        status: r.status as string,
        error: (r.error as string | null) ?? null,
        sendAt: (r.send_at as Date | null) ?? null,
        mentions: (r.mentions as string[]) ?? [],
        createdAt: r.created_at as Date,
      })),
    );
  });
}

/** An agent's reply on the conversation's channel (now or later), or a private note. */
export async function postMessage(
  desk: DeskContext,
  input: {
    workspaceId: string;
    conversationId: string;
    userId: string;
    body: string;
    private: boolean;
    sendAt?: Date | null;
    attachments?: PostedAttachment[];
  },
): Promise<Result<{ messageId: string; status: string }, AppError>> {
  const decoded = decodeAttachments(input.attachments ?? []);
  if (decoded.isErr()) return err(decoded.error);
  const files = decoded.value;
  const effects = noEffects();
  const result = await desk.db.inWorkspace(input.workspaceId, async (tx) => {
    const conversation = await readConversation(tx, input);
    if (!conversation) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
    if (input.private) {
      const note = await addNote(tx, { ...input, author: input.userId }, effects);
      await attachFiles(tx, { workspaceId: input.workspaceId, messageId: note.messageId, files });
      return ok({ messageId: note.messageId, status: 'received' });
    }
    if (files.length > 0) {
      const reply = await replyChannelSendsFiles(tx, input);
      if (reply && !reply.sendsFiles)
        return err(
          appError('PSK_ATTACHMENT_NOT_SUPPORTED', {
            field: 'attachments',
            message: `this conversation replies on ${reply.channel}, which cannot send files; send a link instead (field: attachments)`,
          }),
        );
    }
    // Whoever answers an unassigned conversation takes it.
    await tx.query(
      `UPDATE conversations SET assignee_id = coalesce(assignee_id, $3), updated_at = now() WHERE workspace_id = $1 AND id = $2`,
      [input.workspaceId, input.conversationId, input.userId],
    );
    const queued = await queueOutbound(
      tx,
      {
        workspaceId: input.workspaceId,
        conversationId: input.conversationId,
        senderType: 'agent',
        senderId: input.userId,
        body: input.body,
        sendAt: input.sendAt ?? null,
      },
      effects,
    );
    // In the same transaction as the delivery job, which runs only after the commit.
    await attachFiles(tx, { workspaceId: input.workspaceId, messageId: queued!.messageId, files });
    const scheduled = input.sendAt && input.sendAt.getTime() > Date.now();
    return ok({ messageId: queued!.messageId, status: scheduled ? 'scheduled' : 'queued' });
  });
  await publishEffects(desk, effects);
  return result;
}

/** Cancels a message scheduled for later that has not gone yet. */
export async function cancelScheduled(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string; messageId: string },
): Promise<Result<{ cancelled: true }, AppError>> {
  return desk.db.inWorkspace(input.workspaceId, async (tx) => {
    const rows = await tx.query(
      `UPDATE messages SET status = 'failed', error = 'cancelled' WHERE workspace_id = $1 AND conversation_id = $2 AND id = $3 AND status = 'scheduled' RETURNING id`,
      [input.workspaceId, input.conversationId, input.messageId],
    );
    return rows.length > 0
      ? ok({ cancelled: true as const })
      : err(appError('PSK_MESSAGE_NOT_FOUND', { field: 'messageId' }));
  });
}

export type ConversationPatch = {
  status?: string;
  priority?: Priority;
  labels?: string[];
  assigneeId?: string | null;
  teamId?: string | null;
  snoozedUntil?: Date | null;
  attributes?: Record<string, unknown>;
};

export async function updateConversation(
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string; userId: string | null; patch: ConversationPatch },
): Promise<Result<Conversation, AppError>> {
  const effects = noEffects();
  const result = await desk.db.inWorkspace(input.workspaceId, (tx) => applyPatch(tx, desk, input, effects));
  await publishEffects(desk, effects);
  return result;
}

/** Applies a patch inside the caller's transaction (macros reuse it). */
export async function applyPatch(
  tx: Tx,
  desk: DeskContext,
  input: { workspaceId: string; conversationId: string; userId: string | null; patch: ConversationPatch },
  effects: Effects,
): Promise<Result<Conversation, AppError>> {
  const { workspaceId, conversationId, patch } = input;
  const before = await readConversation(tx, { workspaceId, conversationId });
  if (!before) return err(appError('PSK_CONVERSATION_NOT_FOUND', { field: 'id' }));
  let status: BuiltInStatus | undefined;
  let customStatus: string | null | undefined;
  if (patch.status !== undefined) {
    if ((BUILT_IN_STATUSES as readonly string[]).includes(patch.status)) {
      status = patch.status as BuiltInStatus;
      customStatus = null;
    } else {
      const [custom] = await tx.query<{ category: BuiltInStatus }>(
        `SELECT category FROM custom_statuses WHERE workspace_id = $1 AND key = $2`,
        [workspaceId, patch.status],
      );
      if (!custom)
        return err(
          appError('PSK_STATUS_UNKNOWN', {
            field: 'status',
            message: `status: no status "${patch.status}" (field: status)`,
          }),
        );
      status = custom.category;
      customStatus = patch.status;
    }
  }
  if (patch.teamId) {
    const [team] = await tx.query(`SELECT 1 FROM teams WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      patch.teamId,
    ]);
    if (!team) return err(appError('PSK_TEAM_NOT_FOUND', { field: 'teamId' }));
  }
  if (patch.assigneeId) {
    const [user] = await tx.query(`SELECT 1 FROM users WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      patch.assigneeId,
    ]);
    if (!user) return err(appError('PSK_USER_NOT_FOUND', { field: 'assigneeId' }));
  }
  const resolving = status === 'resolved' && before.status !== 'resolved';
  const reopening = status !== undefined && status !== 'resolved' && before.status === 'resolved';
  await tx.query(
    `UPDATE conversations SET
       status = coalesce($3, status),
       custom_status = CASE WHEN $4::boolean THEN $5 ELSE custom_status END,
       priority = coalesce($6, priority),
       labels = coalesce($7, labels),
       assignee_id = CASE WHEN $8::boolean THEN $9::uuid ELSE assignee_id END,
       team_id = CASE WHEN $10::boolean THEN $11::uuid ELSE team_id END,
       snoozed_until = CASE WHEN $3 = 'snoozed' THEN $12::timestamptz WHEN $3 IS NOT NULL THEN NULL ELSE snoozed_until END,
       attributes = attributes || coalesce($13::jsonb, '{}'::jsonb),
       resolved_at = CASE WHEN $14::boolean THEN $16::timestamptz WHEN $15::boolean THEN NULL ELSE resolved_at END,
       reopened_count = reopened_count + CASE WHEN $15::boolean THEN 1 ELSE 0 END,
       updated_at = now()
     WHERE workspace_id = $1 AND id = $2`,
    [
      workspaceId,
      conversationId,
      status ?? null,
      customStatus !== undefined,
      customStatus ?? null,
      patch.priority ?? null,
      patch.labels ?? null,
      patch.assigneeId !== undefined,
      patch.assigneeId ?? null,
      patch.teamId !== undefined,
      patch.teamId ?? null,
      patch.snoozedUntil ?? null,
      patch.attributes ? JSON.stringify(patch.attributes) : null,
      resolving,
      reopening,
      desk.now(),
    ],
  );
  const after = (await readConversation(tx, { workspaceId, conversationId }))!;
  effects.feed.push(
    await appendFeed(tx, {
      workspaceId,
      userId: after.assigneeId,
      type: 'conversation.updated',
      payload: {
        conversationId,
        status: after.status,
        customStatus: after.customStatus,
        priority: after.priority,
        labels: after.labels,
      },
    }),
  );
  if (patch.assigneeId && patch.assigneeId !== before.assigneeId) {
    effects.feed.push(
      await appendFeed(tx, {
        workspaceId,
        userId: patch.assigneeId,
        type: 'conversation.assigned',
        payload: {
          conversationId,
          customerId: after.customerId,
          assigneeId: patch.assigneeId,
          by: input.userId,
        },
      }),
    );
    if (patch.assigneeId !== input.userId)
      effects.feed.push(
        await notify(tx, {
          workspaceId,
          userId: patch.assigneeId,
          kind: 'assignment',
          body: `A conversation was assigned to you`,
          conversationId,
        }),
      );
  }
  if (resolving) {
    const settings = await readDeskSettings(tx, { workspaceId });
    const [already] = await tx.query(
      `SELECT 1 FROM surveys WHERE workspace_id = $1 AND conversation_id = $2`,
      [workspaceId, conversationId],
    );
    if (settings.survey.enabled && !already)
      await sendSurvey(tx, { workspaceId, conversationId, kind: settings.survey.kind }, effects);
  }
  return ok(after);
}
