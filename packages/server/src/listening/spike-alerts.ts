// Spike alerts: an hour with new negative mentions is judged against the week before it; a spike
// hour joins the alert of its episode or raises a new one (listening_alerts).
import type { Hub } from '../api/hub.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Tx } from '../db/database.ts';
import type { AlertReply } from './listening.schema.ts';
import { judgeHours, type SpikeSettings } from './spike-detector.ts';

/** Hours of history a spike is judged against. */
export const BASELINE_HOURS = 7 * 24;

const HOUR_MS = 3_600_000;

type AlertRow = {
  id: string;
  kind: 'negative-spike';
  started_at: Date;
  last_bucket_at: Date;
  negative_mentions: number;
  peak_hour_count: number;
  baseline_mean: number;
  baseline_std: number;
  p_value: number;
  sample_mentions: AlertReply['sampleMentions'];
  created_at: Date;
  updated_at: Date;
};

const ALERT_COLUMNS =
  'id, kind, started_at, last_bucket_at, negative_mentions, peak_hour_count, baseline_mean, baseline_std, p_value, sample_mentions, created_at, updated_at';

function alertFromRow(row: AlertRow): AlertReply {
  return {
    id: row.id,
    kind: row.kind,
    startedAt: new Date(row.started_at),
    lastHourAt: new Date(row.last_bucket_at),
    negativeMentions: row.negative_mentions,
    peakHourCount: row.peak_hour_count,
    baselineMean: round(row.baseline_mean),
    baselineStd: round(row.baseline_std),
    pValue: row.p_value,
    sampleMentions: row.sample_mentions,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * Judges one hour (hours since the epoch) against the week before it. A spike hour joins the
 * alert of its episode (the spike hours in a row around it) or raises a new one.
 */
export async function judgeHour(
  tx: Tx,
  input: { workspaceId: string; hour: number; settings: SpikeSettings },
): Promise<{ alert: AlertReply; created: boolean } | null> {
  const { workspaceId, hour, settings } = input;
  const [first] = await tx.query<{ first: Date | null }>(
    'SELECT min(posted_at) AS first FROM listening_mentions WHERE workspace_id = $1',
    [workspaceId],
  );
  if (!first?.first) return null;
  const from = Math.max(Math.floor(new Date(first.first).getTime() / HOUR_MS), hour - BASELINE_HOURS);
  const counted = await tx.query<{ hour: number; count: number }>(
    `SELECT floor(extract(epoch FROM posted_at) / 3600)::float8 AS hour, count(*)::int AS count
       FROM listening_mentions
      WHERE workspace_id = $1 AND sentiment = 'negative'
        AND posted_at >= to_timestamp($2::float8 * 3600) AND posted_at < to_timestamp(($3::float8 + 1) * 3600)
      GROUP BY 1`,
    [workspaceId, from, hour],
  );
  const counts = new Array<number>(hour - from + 1).fill(0);
  for (const row of counted) counts[Number(row.hour) - from] = row.count;
  const verdicts = judgeHours(counts, settings);
  if (!verdicts.at(-1)?.spike) return null;
  let start = verdicts.length - 1;
  while (start > 0 && verdicts[start - 1]!.spike) start -= 1;
  const episode = verdicts.slice(start);
  const startedAt = new Date((from + start) * HOUR_MS);
  const lastHourAt = new Date(hour * HOUR_MS);
  const total = episode.reduce((sum, v) => sum + v.count, 0);
  const peak = Math.max(...episode.map((v) => v.count));
  const samples = await tx.query<{ network: string; id: string; text: string }>(
    `SELECT network, mention_id AS id, left(text, 280) AS text FROM listening_mentions
      WHERE workspace_id = $1 AND sentiment = 'negative' AND posted_at >= $2 AND posted_at < $3
      ORDER BY sentiment_score, posted_at DESC LIMIT 5`,
    [workspaceId, startedAt, new Date((hour + 1) * HOUR_MS)],
  );
  // An alert of the same episode: it ends at most an hour before this one starts, or overlaps it.
  const [existing] = await tx.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM listening_alerts
      WHERE workspace_id = $1 AND last_bucket_at >= $2 AND started_at <= $3
      ORDER BY started_at LIMIT 1 FOR UPDATE`,
    [workspaceId, new Date(startedAt.getTime() - HOUR_MS), lastHourAt],
  );
  if (existing) {
    const [row] = await tx.query<AlertRow>(
      `UPDATE listening_alerts
          SET started_at = least(started_at, $3), last_bucket_at = greatest(last_bucket_at, $4),
              negative_mentions = greatest(negative_mentions, $5), peak_hour_count = greatest(peak_hour_count, $6),
              sample_mentions = $7, updated_at = now()
        WHERE workspace_id = $1 AND id = $2 RETURNING ${ALERT_COLUMNS}`,
      [workspaceId, existing.id, startedAt, lastHourAt, total, peak, JSON.stringify(samples)],
    );
    return { alert: alertFromRow(row!), created: false };
  }
  const head = episode[0]!;
  const [row] = await tx.query<AlertRow>(
    `INSERT INTO listening_alerts
       (workspace_id, id, kind, started_at, last_bucket_at, negative_mentions, peak_hour_count,
        baseline_mean, baseline_std, p_value, sample_mentions)
     VALUES ($1, $2, 'negative-spike', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${ALERT_COLUMNS}`,
    [
      workspaceId,
      uuidv7(),
      startedAt,
      lastHourAt,
      total,
      peak,
      head.mean,
      head.std,
      head.pValue,
      JSON.stringify(samples),
    ],
  );
  return { alert: alertFromRow(row!), created: true };
}

export async function listAlerts(
  deps: Pick<Hub, 'db'>,
  input: { workspaceId: string; limit: number },
): Promise<AlertReply[]> {
  const rows = await deps.db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM listening_alerts WHERE workspace_id = $1
        ORDER BY last_bucket_at DESC, id DESC LIMIT $2`,
      [input.workspaceId, input.limit],
    ),
  );
  return rows.map(alertFromRow);
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
