// Service metrics per agent, team, channel or day over conversations started in a period:
// first response and resolution times, reopen rate, CSAT/NPS/CES, SLA breaches, bot deflection
// and repeat contacts (the same customer again within N days of a resolution, same issue).
// Semantics are those of the raw tables (inbox/testing/service-metrics-oracle.ts, compared in tests).
import { toJalaali } from 'jalaali-js';
import type { Database } from '../db/database.ts';
import { readDeskSettings } from './desk-settings.ts';

export const METRIC_GROUPS = ['agent', 'team', 'channel', 'day'] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];

export type ServiceMetricsRow = {
  key: string | null;
  jalaliDay?: string;
  conversations: number;
  resolved: number;
  firstResponseSecondsAvg: number | null;
  firstResponseSecondsMedian: number | null;
  resolutionSecondsAvg: number | null;
  reopenRate: number | null;
  csat: number | null;
  nps: number | null;
  ces: number | null;
  surveyAnswers: number;
  slaBreachedConversations: number;
  botDeflectionRate: number | null;
  repeatContacts: number;
  repeatContactRate: number | null;
};

const KEY: Record<MetricGroup, string> = {
  agent: 'assignee_id::text',
  team: 'team_id::text',
  channel: 'channel',
  day: `to_char(created_at AT TIME ZONE $4, 'YYYY-MM-DD')`,
};

// Read from conversation_facts (0012_desk_scale.sql): one narrow row per conversation, kept in
// step with its conversation, messages and surveys by triggers, so a report over months is one
// range scan and one sort — it used to probe every conversation's messages, surveys and earlier
// conversations (5–13 s for six months of 300,000 conversations; docs/benchmarks.md, "Desk
// search and reports at scale"). A repeat contact is a conversation started less than
// repeatContactDays after the customer's previous one about the same issue was resolved
// (prev_resolved_at, kept by the same triggers).
const METRICS = (groupBy: MetricGroup) => `
  SELECT ${KEY[groupBy]} AS key,
    count(*)::int AS conversations,
    count(*) FILTER (WHERE resolved_at IS NOT NULL)::int AS resolved,
    avg(extract(epoch FROM first_response_at - created_at))::float AS frt_avg,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at))::float AS frt_median,
    avg(extract(epoch FROM resolved_at - created_at))::float AS resolution_avg,
    (count(*) FILTER (WHERE reopened_count > 0)::float / nullif(count(*) FILTER (WHERE resolved_at IS NOT NULL OR reopened_count > 0), 0))::float AS reopen_rate,
    avg(survey_score) FILTER (WHERE survey_kind = 'csat')::float AS csat,
    (100.0 * (count(*) FILTER (WHERE survey_kind = 'nps' AND survey_score >= 9) - count(*) FILTER (WHERE survey_kind = 'nps' AND survey_score <= 6))
      / nullif(count(*) FILTER (WHERE survey_kind = 'nps'), 0))::float AS nps,
    avg(survey_score) FILTER (WHERE survey_kind = 'ces')::float AS ces,
    count(survey_score)::int AS survey_answers,
    count(*) FILTER (WHERE sla_breached)::int AS sla_breached,
    (count(*) FILTER (WHERE resolved_at IS NOT NULL AND NOT agent_message AND (handled_by_bot OR bot_message))::float
      / nullif(count(*) FILTER (WHERE resolved_at IS NOT NULL), 0))::float AS deflection,
    count(*) FILTER (WHERE created_at < prev_resolved_at + make_interval(days => $5))::int AS repeats
  FROM conversation_facts
  WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND NOT merged AND ($4::text IS NOT NULL)
  GROUP BY 1 ORDER BY 1 NULLS LAST`;

export type MetricsQuery = { workspaceId: string; from: Date; to: Date; groupBy: MetricGroup };

export async function serviceMetrics(
  db: Database,
  input: MetricsQuery,
): Promise<{ rows: ServiceMetricsRow[]; repeatContactDays: number }> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const settings = await readDeskSettings(tx, input);
    const rows = await tx.query<Record<string, number | string | null>>(METRICS(input.groupBy), [
      input.workspaceId,
      input.from,
      input.to,
      settings.timezone,
      settings.repeatContactDays,
    ]);
    return {
      repeatContactDays: settings.repeatContactDays,
      rows: rows.map((r) => toMetricsRow(r, input.groupBy)),
    };
  });
}

/** One aggregated row as the API answers it (the Jalali date beside a day). */
export function toMetricsRow(
  r: Record<string, number | string | null>,
  groupBy: MetricGroup,
): ServiceMetricsRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const conversations = Number(r.conversations);
  const repeats = Number(r.repeats);
  const row: ServiceMetricsRow = {
    key: r.key === null ? null : String(r.key),
    conversations,
    resolved: Number(r.resolved),
    firstResponseSecondsAvg: num(r.frt_avg),
    firstResponseSecondsMedian: num(r.frt_median),
    resolutionSecondsAvg: num(r.resolution_avg),
    reopenRate: num(r.reopen_rate),
    csat: num(r.csat),
    nps: num(r.nps),
    ces: num(r.ces),
    surveyAnswers: Number(r.survey_answers),
    slaBreachedConversations: Number(r.sla_breached),
    botDeflectionRate: num(r.deflection),
    repeatContacts: repeats,
    repeatContactRate: conversations > 0 ? repeats / conversations : null,
  };
  if (groupBy === 'day' && typeof r.key === 'string') {
    const [y, m, d] = r.key.split('-').map(Number);
    const j = toJalaali(y!, m!, d!);
    row.jalaliDay = `${j.jy}/${String(j.jm).padStart(2, '0')}/${String(j.jd).padStart(2, '0')}`;
  }
  return row;
}
