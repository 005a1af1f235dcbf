-- Desk search and reports at scale (docs/service-desk.md, "Search and reports at scale").

-- Search: each message's words stored once as a tsvector. The newest messages are matched by
-- reading them in primary-key order (UUIDv7: newest first) and testing this column, about 1 µs a
-- message instead of 15 µs to recompute to_tsvector; the full-text index moves onto it.
-- (Adding the column rewrites the table once.)
ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
DROP INDEX messages_search;
CREATE INDEX messages_search ON messages USING gin (search_vector);

-- Reports: one narrow row per conversation holding what GET /api/service-metrics aggregates, so
-- a report over months reads these rows instead of probing every conversation's messages and
-- surveys. Kept in step by triggers in the transaction of each change — a reopen, a late survey
-- answer, a message moved by a merge or a split, a reassignment — so it is never stale and no
-- writer has to remember it. Columns mirror the conversation's; two come from its messages, two
-- from its latest answered survey and one from the customer's other conversations.
-- Every trigger function runs with plan_cache_mode = force_custom_plan: PL/pgSQL would otherwise
-- keep, for the session, a generic plan made while the table was small (a sequential scan: a
-- resolution took 5 ms at 20,000 conversations), and PGlite never analyses a table to replace it.
CREATE TABLE conversation_facts (
  workspace_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  inbox_id uuid NOT NULL,
  -- of the first inbox (an inbox's channel never changes)
  channel text NOT NULL,
  assignee_id uuid,
  team_id uuid,
  labels text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  first_response_at timestamptz,
  resolved_at timestamptz,
  reopened_count int NOT NULL DEFAULT 0,
  handled_by_bot boolean NOT NULL DEFAULT false,
  sla_breached boolean NOT NULL DEFAULT false,
  merged boolean NOT NULL DEFAULT false,
  -- has a message (reply or note) written by an agent / by the bot
  agent_message boolean NOT NULL DEFAULT false,
  bot_message boolean NOT NULL DEFAULT false,
  -- the latest answered survey
  survey_kind text,
  survey_score int,
  -- for repeat contacts: when the customer's latest other conversation about the same issue (a
  -- shared label, or neither has one) was resolved, at or before this one started. It is a
  -- repeat contact when that is less than the workspace's repeatContactDays ago.
  prev_resolved_at timestamptz,
  PRIMARY KEY (workspace_id, conversation_id)
);
CREATE INDEX conversation_facts_created ON conversation_facts (workspace_id, created_at);
-- a customer's conversations, for prev_resolved_at
CREATE INDEX conversation_facts_customer ON conversation_facts (workspace_id, customer_id, resolved_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_facts TO pishkhan_app;
ALTER TABLE conversation_facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation_facts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation_facts
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);

-- Recomputes prev_resolved_at of a customer's conversations started at or after `since` — those a
-- conversation resolved at `since` (before or after a change) may be the previous one of.
CREATE FUNCTION conversation_facts_relink(ws uuid, customer uuid, since timestamptz) RETURNS void
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  c record;
BEGIN
  -- Usually there is none (a customer's latest conversation was resolved): one cheap look-up.
  FOR c IN SELECT conversation_id, created_at, labels, prev_resolved_at FROM conversation_facts
           WHERE workspace_id = ws AND customer_id = customer AND created_at >= since LOOP
    UPDATE conversation_facts SET prev_resolved_at = x.prev
    FROM (SELECT max(p.resolved_at) AS prev FROM conversation_facts p
          WHERE p.workspace_id = ws AND p.customer_id = customer AND p.conversation_id <> c.conversation_id
            AND p.resolved_at <= c.created_at
            AND (p.labels && c.labels OR (cardinality(p.labels) = 0 AND cardinality(c.labels) = 0))) x
    WHERE workspace_id = ws AND conversation_id = c.conversation_id AND c.prev_resolved_at IS DISTINCT FROM x.prev;
  END LOOP;
END $$;

-- The conversation's own columns (insert, and any change of one the report reads), then the
-- repeat links it may change.
CREATE FUNCTION conversation_facts_from_conversation() RETURNS trigger
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM conversation_facts WHERE workspace_id = OLD.workspace_id AND conversation_id = OLD.id;
    IF OLD.resolved_at IS NOT NULL THEN
      PERFORM conversation_facts_relink(OLD.workspace_id, OLD.customer_id, OLD.resolved_at);
    END IF;
    RETURN NULL;
  END IF;
  INSERT INTO conversation_facts AS f (workspace_id, conversation_id, customer_id, inbox_id, channel, assignee_id, team_id,
      labels, created_at, first_response_at, resolved_at, reopened_count, handled_by_bot, sla_breached, merged,
      prev_resolved_at)
    VALUES (NEW.workspace_id, NEW.id, NEW.customer_id, NEW.inbox_id,
      coalesce((SELECT channel FROM inboxes WHERE workspace_id = NEW.workspace_id AND id = NEW.inbox_id), ''),
      NEW.assignee_id, NEW.team_id, NEW.labels, NEW.created_at, NEW.first_response_at, NEW.resolved_at,
      NEW.reopened_count, NEW.handled_by_bot, cardinality(NEW.sla_breached) > 0, NEW.merged_into IS NOT NULL,
      (SELECT max(p.resolved_at) FROM conversation_facts p
       WHERE p.workspace_id = NEW.workspace_id AND p.customer_id = NEW.customer_id AND p.conversation_id <> NEW.id
         AND p.resolved_at <= NEW.created_at
         AND (p.labels && NEW.labels OR (cardinality(p.labels) = 0 AND cardinality(NEW.labels) = 0))))
    ON CONFLICT (workspace_id, conversation_id) DO UPDATE SET
      customer_id = excluded.customer_id, inbox_id = excluded.inbox_id, channel = excluded.channel,
      assignee_id = excluded.assignee_id, team_id = excluded.team_id, labels = excluded.labels,
      created_at = excluded.created_at, first_response_at = excluded.first_response_at,
      resolved_at = excluded.resolved_at, reopened_count = excluded.reopened_count,
      handled_by_bot = excluded.handled_by_bot, sla_breached = excluded.sla_breached, merged = excluded.merged,
      prev_resolved_at = excluded.prev_resolved_at;
  -- Only a resolved conversation is anyone's previous one: the customer's later conversations.
  IF TG_OP = 'INSERT' THEN
    IF NEW.resolved_at IS NOT NULL THEN
      PERFORM conversation_facts_relink(NEW.workspace_id, NEW.customer_id, NEW.resolved_at);
    END IF;
  ELSIF (OLD.customer_id, OLD.labels, OLD.resolved_at) IS DISTINCT FROM (NEW.customer_id, NEW.labels, NEW.resolved_at) THEN
    IF least(OLD.resolved_at, NEW.resolved_at) IS NOT NULL THEN
      PERFORM conversation_facts_relink(NEW.workspace_id, NEW.customer_id, least(OLD.resolved_at, NEW.resolved_at));
    END IF;
    IF OLD.customer_id <> NEW.customer_id AND OLD.resolved_at IS NOT NULL THEN
      PERFORM conversation_facts_relink(OLD.workspace_id, OLD.customer_id, OLD.resolved_at);
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER conversations_facts_insert AFTER INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversation_facts_from_conversation();
-- Most updates of a conversation (each message bumps updated_at) change nothing reported.
CREATE TRIGGER conversations_facts_update AFTER UPDATE ON conversations
  FOR EACH ROW WHEN ((OLD.customer_id, OLD.inbox_id, OLD.assignee_id, OLD.team_id, OLD.labels, OLD.created_at,
      OLD.first_response_at, OLD.resolved_at, OLD.reopened_count, OLD.handled_by_bot, OLD.sla_breached, OLD.merged_into)
    IS DISTINCT FROM (NEW.customer_id, NEW.inbox_id, NEW.assignee_id, NEW.team_id, NEW.labels, NEW.created_at,
      NEW.first_response_at, NEW.resolved_at, NEW.reopened_count, NEW.handled_by_bot, NEW.sla_breached, NEW.merged_into))
  EXECUTE FUNCTION conversation_facts_from_conversation();
CREATE TRIGGER conversations_facts_delete AFTER DELETE ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversation_facts_from_conversation();

-- (An inbox's channel is set once; should that change, its conversations follow.)
CREATE FUNCTION conversation_facts_from_inbox() RETURNS trigger
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  UPDATE conversation_facts SET channel = NEW.channel WHERE workspace_id = NEW.workspace_id AND inbox_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER inboxes_facts AFTER UPDATE OF channel ON inboxes
  FOR EACH ROW WHEN (OLD.channel IS DISTINCT FROM NEW.channel) EXECUTE FUNCTION conversation_facts_from_inbox();

-- Whether a conversation has agent and bot messages, recounted from its messages.
CREATE FUNCTION conversation_facts_recount_senders(ws uuid, conversation uuid) RETURNS void
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  UPDATE conversation_facts SET
    agent_message = EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = ws AND m.conversation_id = conversation AND m.sender_type = 'agent'),
    bot_message = EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = ws AND m.conversation_id = conversation AND m.sender_type = 'bot')
  WHERE workspace_id = ws AND conversation_id = conversation;
END $$;
CREATE FUNCTION conversation_facts_from_message() RETURNS trigger
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- the common case, one cheap update: an agent's or the bot's new message
    UPDATE conversation_facts SET agent_message = agent_message OR NEW.sender_type = 'agent',
        bot_message = bot_message OR NEW.sender_type = 'bot'
      WHERE workspace_id = NEW.workspace_id AND conversation_id = NEW.conversation_id
        AND NOT (CASE NEW.sender_type WHEN 'agent' THEN agent_message ELSE bot_message END);
    RETURN NULL;
  END IF;
  -- moved (merge, split), re-attributed or deleted: recount where it was and where it is
  PERFORM conversation_facts_recount_senders(OLD.workspace_id, OLD.conversation_id);
  IF TG_OP = 'UPDATE' AND NEW.conversation_id IS DISTINCT FROM OLD.conversation_id THEN
    PERFORM conversation_facts_recount_senders(NEW.workspace_id, NEW.conversation_id);
  END IF;
  RETURN NULL;
END $$;
-- Customers' messages (most of them) do not fire it at all.
CREATE TRIGGER messages_facts_insert AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.sender_type IN ('agent', 'bot')) EXECUTE FUNCTION conversation_facts_from_message();
CREATE TRIGGER messages_facts_update AFTER UPDATE OF conversation_id, sender_type ON messages
  FOR EACH ROW WHEN ((OLD.conversation_id, OLD.sender_type) IS DISTINCT FROM (NEW.conversation_id, NEW.sender_type)
    AND (OLD.sender_type IN ('agent', 'bot') OR NEW.sender_type IN ('agent', 'bot')))
  EXECUTE FUNCTION conversation_facts_from_message();
CREATE TRIGGER messages_facts_delete AFTER DELETE ON messages
  FOR EACH ROW WHEN (OLD.sender_type IN ('agent', 'bot')) EXECUTE FUNCTION conversation_facts_from_message();

-- The latest answered survey (a late answer, a second survey after a reopen).
CREATE FUNCTION conversation_facts_resurvey(ws uuid, conversation uuid) RETURNS void
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  UPDATE conversation_facts SET (survey_kind, survey_score) = (
      SELECT kind, score FROM surveys WHERE workspace_id = ws AND conversation_id = conversation AND score IS NOT NULL
      ORDER BY answered_at DESC, id DESC LIMIT 1)
  WHERE workspace_id = ws AND conversation_id = conversation;
END $$;
CREATE FUNCTION conversation_facts_from_survey() RETURNS trigger
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM conversation_facts_resurvey(OLD.workspace_id, OLD.conversation_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM conversation_facts_resurvey(NEW.workspace_id, NEW.conversation_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER surveys_facts AFTER INSERT OR UPDATE OR DELETE ON surveys
  FOR EACH ROW EXECUTE FUNCTION conversation_facts_from_survey();

-- Rebuilds one workspace's facts from the tables (this migration, bulk loads, a repair). One
-- statement, so no step is planned before the rows of the one before exist.
CREATE FUNCTION conversation_facts_rebuild(ws uuid) RETURNS void
  LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  DELETE FROM conversation_facts WHERE workspace_id = ws;
  INSERT INTO conversation_facts (workspace_id, conversation_id, customer_id, inbox_id, channel, assignee_id, team_id, labels,
      created_at, first_response_at, resolved_at, reopened_count, handled_by_bot, sla_breached, merged,
      agent_message, bot_message, survey_kind, survey_score, prev_resolved_at)
  SELECT c.workspace_id, c.id, c.customer_id, c.inbox_id, coalesce(i.channel, ''), c.assignee_id, c.team_id, c.labels,
      c.created_at, c.first_response_at, c.resolved_at, c.reopened_count, c.handled_by_bot,
      cardinality(c.sla_breached) > 0, c.merged_into IS NOT NULL,
      coalesce(m.agent, false), coalesce(m.bot, false), s.kind, s.score, r.prev
  FROM conversations c
  LEFT JOIN inboxes i ON i.workspace_id = c.workspace_id AND i.id = c.inbox_id
  LEFT JOIN (SELECT conversation_id, bool_or(sender_type = 'agent') AS agent, bool_or(sender_type = 'bot') AS bot
             FROM messages WHERE workspace_id = ws AND sender_type IN ('agent', 'bot') GROUP BY conversation_id) m
    ON m.conversation_id = c.id
  LEFT JOIN (SELECT DISTINCT ON (conversation_id) conversation_id, kind, score FROM surveys
             WHERE workspace_id = ws AND score IS NOT NULL ORDER BY conversation_id, answered_at DESC, id DESC) s
    ON s.conversation_id = c.id
  LEFT JOIN LATERAL (SELECT max(p.resolved_at) AS prev FROM conversations p
                     WHERE p.workspace_id = ws AND p.customer_id = c.customer_id AND p.id <> c.id
                       AND p.resolved_at <= c.created_at
                       AND (p.labels && c.labels OR (cardinality(p.labels) = 0 AND cardinality(c.labels) = 0))) r ON true
  WHERE c.workspace_id = ws;
END $$;
SELECT conversation_facts_rebuild(id) FROM workspaces;
ANALYZE conversation_facts;
