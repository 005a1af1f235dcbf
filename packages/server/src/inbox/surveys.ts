// Surveys after resolution, on the channel the customer used: CSAT (1–5), NPS (0–10) or CES
// (1–7). The customer answers by replying with the number; the answer lands on the timeline.
import { toLatinDigits } from '../core/persian-text.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import { recordInteraction } from '../ingest/ingest.service.ts';
import { queueOutbound } from './deliver.ts';
import type { DeskContext, Effects } from './desk-context.ts';
import type { SenderIdentity } from './sender-identity.ts';

export type SurveyKind = 'csat' | 'nps' | 'ces';

const RANGE: Record<SurveyKind, [number, number]> = { csat: [1, 5], nps: [0, 10], ces: [1, 7] };

const QUESTION: Record<SurveyKind, { fa: string; en: string }> = {
  csat: {
    fa: 'از پاسخ‌گویی ما چقدر راضی بودید؟ لطفاً عددی از ۱ (ناراضی) تا ۵ (بسیار راضی) بفرستید.',
    en: 'How satisfied were you with our help? Reply with a number from 1 (unhappy) to 5 (very happy).',
  },
  nps: {
    fa: 'چقدر احتمال دارد ما را به دوستانتان پیشنهاد کنید؟ عددی از ۰ تا ۱۰ بفرستید.',
    en: 'How likely are you to recommend us to a friend? Reply with a number from 0 to 10.',
  },
  ces: {
    fa: 'حل مشکلتان چقدر آسان بود؟ عددی از ۱ (بسیار سخت) تا ۷ (بسیار آسان) بفرستید.',
    en: 'How easy was it to get your issue solved? Reply with a number from 1 (very hard) to 7 (very easy).',
  },
};

export async function sendSurvey(
  tx: Tx,
  input: { workspaceId: string; conversationId: string; kind: SurveyKind },
  effects: Effects,
): Promise<string | null> {
  const [conversation] = await tx.query<{ customer_id: string; language: string | null; channel: string }>(
    `SELECT c.customer_id, c.language, i.channel FROM conversations c
     JOIN inboxes i ON i.workspace_id = c.workspace_id AND i.id = c.reply_inbox_id
     WHERE c.workspace_id = $1 AND c.id = $2`,
    [input.workspaceId, input.conversationId],
  );
  if (!conversation) return null;
  const id = uuidv7();
  await tx.query(
    `INSERT INTO surveys (workspace_id, id, conversation_id, customer_id, kind, channel) VALUES ($1, $2, $3, $4, $5, $6)`,
    [input.workspaceId, id, input.conversationId, conversation.customer_id, input.kind, conversation.channel],
  );
  const question = QUESTION[input.kind][conversation.language === 'en' ? 'en' : 'fa'];
  await queueOutbound(
    tx,
    {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      senderType: 'system',
      senderId: null,
      body: question,
    },
    effects,
  );
  return id;
}

export type SurveyAnswer = {
  surveyId: string;
  conversationId: string;
  kind: SurveyKind;
  score: number;
  comment: string | null;
};

/** A reply that is a score for the customer's open survey (sent in the last 7 days) answers it. */
export async function answerSurvey(
  tx: Tx,
  input: { workspaceId: string; customerId: string; text: string; now: Date },
): Promise<SurveyAnswer | null> {
  const match = /^\s*(\d{1,2})(?:\s*[/از]*\s*\d{1,2})?\s*(.*)$/su.exec(toLatinDigits(input.text));
  if (!match) return null;
  const [survey] = await tx.query<{ id: string; conversation_id: string; kind: SurveyKind }>(
    `SELECT id, conversation_id, kind FROM surveys WHERE workspace_id = $1 AND customer_id = $2 AND answered_at IS NULL
       AND sent_at > $3::timestamptz - interval '7 days' ORDER BY sent_at DESC LIMIT 1`,
    [input.workspaceId, input.customerId, input.now],
  );
  if (!survey) return null;
  const score = Number(match[1]);
  const [min, max] = RANGE[survey.kind];
  if (score < min || score > max) return null;
  const comment = match[2]?.trim() || null;
  await tx.query(
    `UPDATE surveys SET score = $3, comment = $4, answered_at = $5 WHERE workspace_id = $1 AND id = $2`,
    [input.workspaceId, survey.id, score, comment, input.now],
  );
  return { surveyId: survey.id, conversationId: survey.conversation_id, kind: survey.kind, score, comment };
}

export async function recordSurveyAnswer(
  desk: DeskContext,
  input: { workspaceId: string; channel: string; identity: SenderIdentity; answer: SurveyAnswer },
): Promise<void> {
  const { answer, identity } = input;
  const recorded = await recordInteraction(desk.ingest, {
    workspaceId: input.workspaceId,
    channel: input.channel,
    event: 'Survey Answered',
    identifiers: { userId: identity.userId, anonymousId: identity.anonymousId, traits: identity.traits },
    properties: {
      surveyId: answer.surveyId,
      conversationId: answer.conversationId,
      kind: answer.kind,
      score: answer.score,
      ...(answer.comment ? { comment: answer.comment } : {}),
    },
    messageId: `survey:${answer.surveyId}`,
  });
  if (recorded.isErr()) desk.logger.warn({ surveyId: answer.surveyId }, 'survey answer not on timeline');
}
