// What the answer bot has done in each conversation (bot_conversations) and which article each
// of its replies cited (bot_answers). All in the caller's transaction.
import type { Tx } from '../db/database.ts';
import type { HandoverReason, HandoverSummary } from './knowledge.schema.ts';

export type BotState = {
  state: 'answering' | 'handed_over' | 'resolved';
  answers: number;
  greeted: boolean;
  handoverReason: HandoverReason | null;
};

type Key = { workspaceId: string; conversationId: string };

export async function readBotState(tx: Tx, input: Key): Promise<BotState | null> {
  const [row] = await tx.query<{
    state: BotState['state'];
    answers: number;
    greeted: boolean;
    handover_reason: HandoverReason | null;
  }>(
    `SELECT state, answers, greeted, handover_reason FROM bot_conversations
      WHERE workspace_id = $1 AND conversation_id = $2`,
    [input.workspaceId, input.conversationId],
  );
  return row
    ? { state: row.state, answers: row.answers, greeted: row.greeted, handoverReason: row.handover_reason }
    : null;
}

export async function recordBotAnswer(
  tx: Tx,
  input: Key & { messageId: string; articleId: string; confidence: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO bot_conversations (workspace_id, conversation_id, state, answers) VALUES ($1, $2, 'answering', 1)
     ON CONFLICT (workspace_id, conversation_id)
     DO UPDATE SET state = 'answering', answers = bot_conversations.answers + 1, updated_at = now()`,
    [input.workspaceId, input.conversationId],
  );
  await tx.query(
    `INSERT INTO bot_answers (workspace_id, message_id, conversation_id, article_id, confidence) VALUES ($1, $2, $3, $4, $5)`,
    [input.workspaceId, input.messageId, input.conversationId, input.articleId, input.confidence],
  );
}

export async function recordGreeting(tx: Tx, input: Key): Promise<void> {
  await tx.query(
    `INSERT INTO bot_conversations (workspace_id, conversation_id, state, greeted) VALUES ($1, $2, 'answering', true)
     ON CONFLICT (workspace_id, conversation_id) DO UPDATE SET greeted = true, updated_at = now()`,
    [input.workspaceId, input.conversationId],
  );
}

export async function recordHandover(
  tx: Tx,
  input: Key & { reason: HandoverReason; summary: HandoverSummary },
): Promise<void> {
  await tx.query(
    `INSERT INTO bot_conversations (workspace_id, conversation_id, state, handover_reason, handover_summary, handed_over_at)
     VALUES ($1, $2, 'handed_over', $3, $4, now())
     ON CONFLICT (workspace_id, conversation_id) DO UPDATE SET state = 'handed_over', handover_reason = EXCLUDED.handover_reason,
       handover_summary = EXCLUDED.handover_summary, handed_over_at = now(), updated_at = now()`,
    [input.workspaceId, input.conversationId, input.reason, JSON.stringify(input.summary)],
  );
}

export async function recordResolution(tx: Tx, input: Key): Promise<void> {
  await tx.query(
    `UPDATE bot_conversations SET state = 'resolved', updated_at = now() WHERE workspace_id = $1 AND conversation_id = $2`,
    [input.workspaceId, input.conversationId],
  );
}

/** Message id → the articles that bot reply cited. */
export async function citedArticles(tx: Tx, input: Key): Promise<Map<string, string[]>> {
  const rows = await tx.query<{ message_id: string; article_id: string }>(
    `SELECT message_id, article_id FROM bot_answers WHERE workspace_id = $1 AND conversation_id = $2`,
    [input.workspaceId, input.conversationId],
  );
  const cited = new Map<string, string[]>();
  for (const row of rows) cited.set(row.message_id, [...(cited.get(row.message_id) ?? []), row.article_id]);
  return cited;
}
