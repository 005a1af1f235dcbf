// Which sentiment model a workspace uses: its own (trained on its labelled messages, stored in
// sentiment_models) while it has one, else the shipped default. Every caller that scores a
// workspace's texts — the API, listening, inbound messages — goes through `sentimentModelFor`,
// so they all agree.
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../core/logger.ts';
import {
  classifySentiment,
  loadDefaultSentimentModel,
  parseModel,
  type SentimentModel,
  type SentimentResult,
} from './sentiment.service.ts';

export type ModelSource = 'default' | 'workspace';

/** What the workspace model was trained on and how it scored against the default (docs/sentiment.md). */
export type SentimentEvaluation = {
  examples: number;
  positives: number;
  negatives: number;
  folds: number;
  workspaceModel: { accuracy: number; standardDeviation: number; foldAccuracies: number[] };
  defaultModel: { accuracy: number; foldAccuracies: number[] };
  sources: { given: number; conversationLabels: number; surveyComments: number };
};

export type WorkspaceModelInfo = {
  model: ModelSource;
  modelId: string | null;
  trainedAt: Date | null;
  evaluation: SentimentEvaluation | null;
};

type Cached = { checkedAt: number; modelId: string | null; model: SentimentModel };

/**
 * A process keeps each workspace's model in memory and asks the database which model is active
 * at most this often, so the receive path scores messages without a query each time. Training
 * or deleting in this process takes effect at once; other processes follow within this delay.
 */
export const MODEL_RECHECK_MS = 30_000;
const MAX_CACHED_WORKSPACES = 200;
const cache = new Map<string, Cached>();

/** Forgets a workspace's cached model (after training or deleting). */
export function forgetWorkspaceModel(workspaceId: string): void {
  cache.delete(workspaceId);
}

export async function sentimentModelFor(
  deps: { db: Database; logger?: Logger },
  input: { workspaceId: string },
): Promise<{ model: SentimentModel; source: ModelSource }> {
  const { workspaceId } = input;
  const now = Date.now();
  const cached = cache.get(workspaceId);
  if (cached && now - cached.checkedAt < MODEL_RECHECK_MS)
    return { model: cached.model, source: cached.modelId ? 'workspace' : 'default' };
  const [active] = await deps.db.inWorkspace(workspaceId, (tx) =>
    tx.query<{ id: string }>('SELECT id FROM sentiment_models WHERE workspace_id = $1', [workspaceId]),
  );
  let entry: Cached;
  if (!active) entry = { checkedAt: now, modelId: null, model: loadDefaultSentimentModel() };
  else if (cached && cached.modelId === active.id) entry = { ...cached, checkedAt: now };
  else entry = await loadWorkspaceModel(deps, { workspaceId, modelId: active.id, now });
  if (cache.size >= MAX_CACHED_WORKSPACES && !cache.has(workspaceId)) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(workspaceId, entry);
  return { model: entry.model, source: entry.modelId ? 'workspace' : 'default' };
}

async function loadWorkspaceModel(
  deps: { db: Database; logger?: Logger },
  input: { workspaceId: string; modelId: string; now: number },
): Promise<Cached> {
  const [row] = await deps.db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ id: string; model: string }>(
      'SELECT id, model FROM sentiment_models WHERE workspace_id = $1',
      [input.workspaceId],
    ),
  );
  const parsed = row ? parseModel(row.model) : null;
  if (!row || !parsed || parsed.isErr()) {
    // A stored model the code cannot read (a format change): keep scoring with the default.
    if (parsed?.isErr())
      deps.logger?.error(
        { workspaceId: input.workspaceId, error: parsed.error.message },
        'bad workspace model',
      );
    return { checkedAt: input.now, modelId: null, model: loadDefaultSentimentModel() };
  }
  return { checkedAt: input.now, modelId: row.id, model: parsed.value };
}

/** Classifies texts with the workspace's active model. */
export async function classifyForWorkspace(
  deps: { db: Database; logger?: Logger },
  input: { workspaceId: string; texts: readonly string[] },
): Promise<{ results: SentimentResult[]; source: ModelSource }> {
  const { model, source } = await sentimentModelFor(deps, input);
  return { results: classifySentiment({ model, texts: input.texts }), source };
}

/**
 * `{sentiment, sentimentScore}` for a customer message's timeline event, or nothing for a text
 * with no words. Cheap: the model is cached, scoring one message takes well under a millisecond.
 */
export async function messageSentiment(
  deps: { db: Database; logger?: Logger },
  input: { workspaceId: string; text: string },
): Promise<{ sentiment?: SentimentResult['label']; sentimentScore?: number }> {
  const { results } = await classifyForWorkspace(deps, {
    workspaceId: input.workspaceId,
    texts: [input.text],
  });
  const result = results[0];
  if (!result || result.method === 'none') return {};
  return { sentiment: result.label, sentimentScore: Math.round(result.score * 10_000) / 10_000 };
}

export async function readWorkspaceModelInfo(
  db: Database,
  input: { workspaceId: string },
): Promise<WorkspaceModelInfo> {
  const [row] = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ id: string; trained_at: Date; evaluation: SentimentEvaluation }>(
      'SELECT id, trained_at, evaluation FROM sentiment_models WHERE workspace_id = $1',
      [input.workspaceId],
    ),
  );
  return row
    ? { model: 'workspace', modelId: row.id, trainedAt: new Date(row.trained_at), evaluation: row.evaluation }
    : { model: 'default', modelId: null, trainedAt: null, evaluation: null };
}

export async function saveWorkspaceModel(
  db: Database,
  input: { workspaceId: string; modelId: string; modelJson: string; evaluation: SentimentEvaluation },
): Promise<Date> {
  const { workspaceId, evaluation } = input;
  const [row] = await db.inWorkspace(workspaceId, (tx) =>
    tx.query<{ trained_at: Date }>(
      `INSERT INTO sentiment_models (workspace_id, id, model, examples, positives, negatives, evaluation)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (workspace_id) DO UPDATE SET id = EXCLUDED.id, model = EXCLUDED.model,
         examples = EXCLUDED.examples, positives = EXCLUDED.positives, negatives = EXCLUDED.negatives,
         evaluation = EXCLUDED.evaluation, trained_at = now()
       RETURNING trained_at`,
      [
        workspaceId,
        input.modelId,
        input.modelJson,
        evaluation.examples,
        evaluation.positives,
        evaluation.negatives,
        JSON.stringify(evaluation),
      ],
    ),
  );
  forgetWorkspaceModel(workspaceId);
  return new Date(row!.trained_at);
}

/** Back to the shipped model; true when there was a workspace model to delete. */
export async function deleteWorkspaceModel(db: Database, input: { workspaceId: string }): Promise<boolean> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query('DELETE FROM sentiment_models WHERE workspace_id = $1 RETURNING id', [input.workspaceId]),
  );
  forgetWorkspaceModel(input.workspaceId);
  return rows.length > 0;
}
