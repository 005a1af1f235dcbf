// Social listening: brand mentions from a connector land on the timeline as `Brand Mentioned`
// events with their sentiment, are kept once each for counting, and negative ones are watched
// for spikes; a spike raises an alert (a signal) and a `Negative Mentions Spike` event.
import type { Hub } from '../api/hub.ts';
import { HANDLE_TYPES, type HandleType } from '../core/identifiers.ts';
import { tokenize } from '../core/persian-text.ts';
import { classifyForWorkspace } from '../insights/sentiment/workspace-model.service.ts';
import { recordInteraction } from '../ingest/ingest.service.ts';
import type { AlertReply, Mention } from './listening.schema.ts';
import { judgeHour } from './spike-alerts.ts';
import { DEFAULT_SPIKE_SETTINGS, type SpikeSettings } from './spike-detector.ts';

export { BASELINE_HOURS, listAlerts } from './spike-alerts.ts';

export const MENTION_EVENT = 'Brand Mentioned';
export const SPIKE_EVENT = 'Negative Mentions Spike';
/** The timeline the team's listening alerts are written to (one profile per workspace). */
export const LISTENING_ANONYMOUS_ID = 'pishkhan:listening';
const HOUR_MS = 3_600_000;

type ListeningDeps = Pick<Hub, 'db' | 'ingest' | 'logger'>;
type Sentiment = 'positive' | 'negative' | 'neutral';

/** X is Twitter's new name: one identifier type and channel for both. */
function networkChannel(network: string): string {
  return network === 'x' ? 'twitter' : network;
}

function authorIdentifiers(network: string, handle: string) {
  const channel = networkChannel(network);
  return (HANDLE_TYPES as readonly string[]).includes(channel)
    ? { traits: { [channel as HandleType]: handle } }
    : { anonymousId: `${channel}:${handle.replace(/^@/, '').toLowerCase()}` };
}

/** Keywords a text names, matched as whole normalised word sequences (ي/ی, ZWNJ, # and @ aside). */
export function matchKeywords(input: { text: string; keywords: readonly string[] }): string[] {
  const words = tokenize(input.text);
  return input.keywords.filter((keyword) => {
    const wanted = tokenize(keyword);
    if (wanted.length === 0) return false;
    for (let i = 0; i + wanted.length <= words.length; i += 1) {
      if (wanted.every((w, j) => words[i + j] === w)) return true;
    }
    return false;
  });
}

export async function getKeywords(
  deps: Pick<Hub, 'db'>,
  input: { workspaceId: string },
): Promise<{ keywords: string[]; updatedAt: Date | null }> {
  const rows = await deps.db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ keywords: string[]; updated_at: Date }>(
      'SELECT keywords, updated_at FROM listening_settings WHERE workspace_id = $1',
      [input.workspaceId],
    ),
  );
  return { keywords: rows[0]?.keywords ?? [], updatedAt: rows[0] ? new Date(rows[0].updated_at) : null };
}

export async function setKeywords(
  deps: Pick<Hub, 'db'>,
  input: { workspaceId: string; keywords: readonly string[] },
): Promise<{ keywords: string[]; updatedAt: Date }> {
  const keywords = [...new Set(input.keywords.map((k) => k.trim()))];
  const [row] = await deps.db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{ keywords: string[]; updated_at: Date }>(
      `INSERT INTO listening_settings (workspace_id, keywords) VALUES ($1, $2)
       ON CONFLICT (workspace_id) DO UPDATE SET keywords = EXCLUDED.keywords, updated_at = now()
       RETURNING keywords, updated_at`,
      [input.workspaceId, keywords],
    ),
  );
  return { keywords: row!.keywords, updatedAt: new Date(row!.updated_at) };
}

type Recorded = {
  network: string;
  id: string;
  customerId: string | null;
  sentiment: Sentiment;
  sentimentScore: number;
  keywords: string[];
};

/**
 * Takes a connector's batch: drops repeats and mentions naming no brand keyword (when keywords
 * are set), classifies sentiment, records each as an event on the author's timeline, stores it,
 * then judges the hours that got new negative mentions.
 */
export async function receiveMentions(
  deps: ListeningDeps,
  input: {
    workspaceId: string;
    mentions: readonly Mention[];
    settings?: SpikeSettings;
    /**
     * false for comments and mentions that reached the brand's own accounts (a channel's public
     * posts): they are about the brand whether or not they name a keyword.
     */
    keywordsRequired?: boolean;
  },
): Promise<{
  received: number;
  duplicates: number;
  ignored: number;
  recorded: Recorded[];
  alerts: AlertReply[];
}> {
  const { workspaceId } = input;
  const { keywords } = await getKeywords(deps, { workspaceId });
  const unique = new Map<string, Mention>();
  for (const mention of input.mentions)
    unique.set(`${networkChannel(mention.network)}\u0000${mention.id}`, mention);
  const matched: { mention: Mention; keywords: string[] }[] = [];
  let ignored = 0;
  for (const mention of unique.values()) {
    const found = matchKeywords({ text: mention.text, keywords });
    if (keywords.length > 0 && found.length === 0 && input.keywordsRequired !== false) ignored += 1;
    else matched.push({ mention, keywords: found });
  }
  const stored = await deps.db.inWorkspace(workspaceId, (tx) =>
    tx.query<{ network: string; mention_id: string }>(
      `SELECT network, mention_id FROM listening_mentions
        WHERE workspace_id = $1 AND (network, mention_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [workspaceId, matched.map((m) => networkChannel(m.mention.network)), matched.map((m) => m.mention.id)],
    ),
  );
  const known = new Set(stored.map((row) => `${row.network}\u0000${row.mention_id}`));
  const fresh = matched.filter(
    (m) => !known.has(`${networkChannel(m.mention.network)}\u0000${m.mention.id}`),
  );

  // The workspace's own model when it trained one (insights/sentiment), else the default.
  const { results: sentiments } = await classifyForWorkspace(deps, {
    workspaceId,
    texts: fresh.map((m) => m.mention.text),
  });
  // Concurrent calls share the ingest pipeline's group commit (one transaction for the batch).
  const outcomes = await Promise.all(
    fresh.map(({ mention, keywords: found }, i) => {
      const channel = networkChannel(mention.network);
      const sentiment = sentiments[i]!;
      return recordInteraction(deps.ingest, {
        workspaceId,
        channel,
        event: MENTION_EVENT,
        identifiers: authorIdentifiers(mention.network, mention.author.handle),
        messageId: `mention:${channel}:${mention.id}`,
        timestamp: mention.postedAt,
        properties: {
          text: mention.text,
          url: mention.url ?? null,
          network: channel,
          mentionId: mention.id,
          author: mention.author,
          sentiment: sentiment.label,
          sentimentScore: round(sentiment.score),
          keywords: found,
        },
      });
    }),
  );
  const recorded: Recorded[] = fresh.map(({ mention, keywords: found }, i) => {
    const outcome = outcomes[i]!;
    return {
      network: networkChannel(mention.network),
      id: mention.id,
      customerId: outcome.isOk() ? (outcome.value.results[0]?.customerId ?? null) : null,
      sentiment: sentiments[i]!.label,
      sentimentScore: round(sentiments[i]!.score),
      keywords: found,
    };
  });

  const { inserted, alerts, newAlerts } = await deps.db.inWorkspace(
    workspaceId,
    async (tx) => {
      const rows = await tx.query<{
        network: string;
        mention_id: string;
        posted_at: Date;
        sentiment: Sentiment;
      }>(
        `INSERT INTO listening_mentions
           (workspace_id, network, mention_id, author_handle, text, url, posted_at, sentiment,
            sentiment_score, keywords, customer_id)
         SELECT $1, m.network, m.mention_id, m.author_handle, m.text, m.url, m.posted_at, m.sentiment,
                m.sentiment_score, ARRAY(SELECT jsonb_array_elements_text(m.keywords)), m.customer_id
           FROM jsonb_to_recordset($2::jsonb) AS m(network text, mention_id text, author_handle text,
                text text, url text, posted_at timestamptz, sentiment text, sentiment_score real,
                keywords jsonb, customer_id uuid)
         ON CONFLICT (workspace_id, network, mention_id) DO NOTHING
         RETURNING network, mention_id, posted_at, sentiment`,
        [
          workspaceId,
          JSON.stringify(
            fresh.map(({ mention }, i) => ({
              network: recorded[i]!.network,
              mention_id: mention.id,
              author_handle: mention.author.handle,
              text: mention.text,
              url: mention.url ?? null,
              posted_at: mention.postedAt.toISOString(),
              sentiment: recorded[i]!.sentiment,
              sentiment_score: recorded[i]!.sentimentScore,
              keywords: recorded[i]!.keywords,
              customer_id: recorded[i]!.customerId,
            })),
          ),
        ],
      );
      const hours = [
        ...new Set(
          rows
            .filter((r) => r.sentiment === 'negative')
            .map((r) => Math.floor(new Date(r.posted_at).getTime() / HOUR_MS)),
        ),
      ].sort((a, b) => a - b);
      const touched = new Map<string, { alert: AlertReply; created: boolean }>();
      for (const hour of hours) {
        const judged = await judgeHour(tx, {
          workspaceId,
          hour,
          settings: input.settings ?? DEFAULT_SPIKE_SETTINGS,
        });
        if (judged)
          touched.set(judged.alert.id, {
            alert: judged.alert,
            created: judged.created || (touched.get(judged.alert.id)?.created ?? false),
          });
      }
      const all = [...touched.values()];
      return {
        inserted: rows.length,
        alerts: all.map((t) => t.alert),
        newAlerts: all.filter((t) => t.created).map((t) => t.alert),
      };
    },
    // One batch at a time per workspace, so two batches of one spike make one alert.
    { exclusive: true },
  );

  for (const alert of newAlerts) {
    const result = await recordInteraction(deps.ingest, {
      workspaceId,
      channel: 'listening',
      event: SPIKE_EVENT,
      identifiers: { anonymousId: LISTENING_ANONYMOUS_ID },
      messageId: `listening-alert:${alert.id}`,
      timestamp: alert.lastHourAt,
      properties: {
        alertId: alert.id,
        startedAt: alert.startedAt.toISOString(),
        negativeMentions: alert.negativeMentions,
        baselineMean: alert.baselineMean,
        pValue: alert.pValue,
        sampleMentions: alert.sampleMentions,
      },
    });
    if (result.isErr()) deps.logger.warn({ error: result.error.message }, 'could not record the spike event');
  }

  return {
    received: input.mentions.length,
    duplicates: input.mentions.length - ignored - inserted,
    ignored,
    recorded,
    alerts,
  };
}

export async function listMentions(
  deps: Pick<Hub, 'db'>,
  input: { workspaceId: string; sentiment?: Sentiment; network?: string; limit: number },
) {
  const rows = await deps.db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<{
      network: string;
      mention_id: string;
      author_handle: string;
      text: string;
      url: string | null;
      posted_at: Date;
      sentiment: Sentiment;
      sentiment_score: number;
      keywords: string[];
      customer_id: string | null;
    }>(
      `SELECT network, mention_id, author_handle, text, url, posted_at, sentiment, sentiment_score,
              keywords, customer_id
         FROM listening_mentions
        WHERE workspace_id = $1 AND ($2::text IS NULL OR sentiment = $2) AND ($3::text IS NULL OR network = $3)
        ORDER BY posted_at DESC LIMIT $4`,
      [
        input.workspaceId,
        input.sentiment ?? null,
        input.network ? networkChannel(input.network) : null,
        input.limit,
      ],
    ),
  );
  return rows.map((row) => ({
    network: row.network,
    id: row.mention_id,
    authorHandle: row.author_handle,
    text: row.text,
    url: row.url,
    postedAt: new Date(row.posted_at),
    sentiment: row.sentiment,
    sentimentScore: round(row.sentiment_score),
    keywords: row.keywords,
    customerId: row.customer_id,
  }));
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
