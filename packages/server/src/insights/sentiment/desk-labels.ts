// Labelled examples a workspace already has on its service desk, for retraining its sentiment
// model: conversations agents labelled `sentiment:positive` / `sentiment:negative` (the customer's
// messages of the conversation, joined, are one example) and survey comments (CSAT 4–5 positive,
// 1–2 negative; NPS 9–10 positive, 0–6 negative; CES and middling scores say too little).
// A read-only query over the desk's tables, as routing reads customers: nothing is written here.
import type { Database } from '../../db/database.ts';
import type { LabelledText } from './sentiment.service.ts';

export const POSITIVE_LABEL = 'sentiment:positive';
export const NEGATIVE_LABEL = 'sentiment:negative';
const MAX_PER_SOURCE = 10_000;
const MAX_TEXT = 4_000;

export async function labelledExamplesFromDesk(
  db: Database,
  input: { workspaceId: string },
): Promise<{ conversationLabels: LabelledText[]; surveyComments: LabelledText[] }> {
  const { workspaceId } = input;
  return db.inWorkspace(workspaceId, async (tx) => {
    // A conversation with both labels says nothing and is skipped.
    const conversations = await tx.query<{ label: 'positive' | 'negative'; text: string | null }>(
      `SELECT CASE WHEN $2 = ANY(c.labels) THEN 'positive' ELSE 'negative' END AS label,
              (SELECT string_agg(m.body, E'\\n' ORDER BY m.created_at)
                 FROM messages m
                WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id
                  AND m.direction = 'inbound' AND m.sender_type = 'customer') AS text
         FROM conversations c
        WHERE c.workspace_id = $1 AND c.merged_into IS NULL
          AND c.labels && ARRAY[$2, $3]::text[] AND NOT c.labels @> ARRAY[$2, $3]::text[]
        ORDER BY c.updated_at DESC LIMIT $4`,
      [workspaceId, POSITIVE_LABEL, NEGATIVE_LABEL, MAX_PER_SOURCE],
    );
    const surveys = await tx.query<{ label: 'positive' | 'negative'; text: string }>(
      `SELECT CASE WHEN (kind = 'csat' AND score >= 4) OR (kind = 'nps' AND score >= 9) THEN 'positive' ELSE 'negative' END AS label,
              comment AS text
         FROM surveys
        WHERE workspace_id = $1 AND comment IS NOT NULL AND btrim(comment) <> ''
          AND ((kind = 'csat' AND (score >= 4 OR score <= 2)) OR (kind = 'nps' AND (score >= 9 OR score <= 6)))
        ORDER BY answered_at DESC LIMIT $2`,
      [workspaceId, MAX_PER_SOURCE],
    );
    return {
      conversationLabels: conversations.flatMap((row) =>
        row.text ? [{ text: row.text.slice(0, MAX_TEXT), label: row.label }] : [],
      ),
      surveyComments: surveys.map((row) => ({ text: row.text.slice(0, MAX_TEXT), label: row.label })),
    };
  });
}
