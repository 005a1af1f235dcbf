// The service metrics computed straight from the raw tables (conversations, messages, surveys):
// the query GET /api/service-metrics ran before conversation_facts existed. Tests and the
// desk-scale benchmark compare the report with it; it is far too slow to serve (seconds at
// 300,000 conversations), but it cannot drift from the tables.
import type { Tx } from '../../db/database.ts';
import type { MetricGroup } from '../service-metrics.ts';

const KEY: Record<MetricGroup, string> = {
  agent: 'c.assignee_id::text',
  team: 'c.team_id::text',
  channel: 'i.channel',
  day: `to_char(c.created_at AT TIME ZONE $4, 'YYYY-MM-DD')`,
};

export function metricsFromRawTables(
  tx: Tx,
  input: {
    workspaceId: string;
    from: Date;
    to: Date;
    groupBy: MetricGroup;
    timezone: string;
    repeatContactDays: number;
  },
): Promise<Record<string, number | string | null>[]> {
  return tx.query<Record<string, number | string | null>>(
    `SELECT ${KEY[input.groupBy]} AS key,
       count(*)::int AS conversations,
       count(*) FILTER (WHERE c.resolved_at IS NOT NULL)::int AS resolved,
       avg(extract(epoch FROM c.first_response_at - c.created_at))::float AS frt_avg,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.first_response_at - c.created_at))::float AS frt_median,
       avg(extract(epoch FROM c.resolved_at - c.created_at))::float AS resolution_avg,
       (count(*) FILTER (WHERE c.reopened_count > 0)::float / nullif(count(*) FILTER (WHERE c.resolved_at IS NOT NULL OR c.reopened_count > 0), 0))::float AS reopen_rate,
       avg(s.score) FILTER (WHERE s.kind = 'csat')::float AS csat,
       (100.0 * (count(*) FILTER (WHERE s.kind = 'nps' AND s.score >= 9) - count(*) FILTER (WHERE s.kind = 'nps' AND s.score <= 6))
         / nullif(count(*) FILTER (WHERE s.kind = 'nps'), 0))::float AS nps,
       avg(s.score) FILTER (WHERE s.kind = 'ces')::float AS ces,
       count(s.score)::int AS survey_answers,
       count(*) FILTER (WHERE cardinality(c.sla_breached) > 0)::int AS sla_breached,
       (count(*) FILTER (WHERE c.resolved_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = c.workspace_id
            AND m.conversation_id = c.id AND m.sender_type = 'agent')
          AND (c.handled_by_bot OR EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id AND m.sender_type = 'bot')))::float
         / nullif(count(*) FILTER (WHERE c.resolved_at IS NOT NULL), 0))::float AS deflection,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM conversations p WHERE p.workspace_id = c.workspace_id AND p.customer_id = c.customer_id
            AND p.id <> c.id AND p.resolved_at IS NOT NULL AND p.resolved_at <= c.created_at
            AND c.created_at < p.resolved_at + make_interval(days => $5)
            AND (p.labels && c.labels OR (cardinality(p.labels) = 0 AND cardinality(c.labels) = 0))))::int AS repeats
     FROM conversations c
     JOIN inboxes i ON i.workspace_id = c.workspace_id AND i.id = c.inbox_id
     LEFT JOIN LATERAL (SELECT kind, score FROM surveys s WHERE s.workspace_id = c.workspace_id AND s.conversation_id = c.id
                        AND s.score IS NOT NULL ORDER BY s.answered_at DESC, s.id DESC LIMIT 1) s ON true
     WHERE c.workspace_id = $1 AND c.created_at >= $2 AND c.created_at < $3 AND c.merged_into IS NULL
       AND ($4::text IS NOT NULL)
     GROUP BY 1 ORDER BY 1 NULLS LAST`,
    [input.workspaceId, input.from, input.to, input.timezone, input.repeatContactDays],
  );
}
