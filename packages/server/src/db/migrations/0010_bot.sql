-- The answer bot on the service desk (which inboxes it answers, its state per conversation, the
-- article each of its replies cited) and a workspace's own sentiment model. Every table is keyed
-- by workspace_id first (Citus, RLS).

-- One row per workspace: { inboxes: {<inbox id>: true|false}, articleUrl } — an inbox without an
-- entry follows its channel's default (knowledge/bot-settings.ts).
CREATE TABLE bot_settings (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id)
);

-- What the bot did in a conversation: answering, handed over to a person (it stays quiet from
-- then on), or resolved on the customer's thanks.
CREATE TABLE bot_conversations (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  conversation_id uuid NOT NULL,
  state text NOT NULL CHECK (state IN ('answering','handed_over','resolved')),
  answers int NOT NULL DEFAULT 0,
  greeted boolean NOT NULL DEFAULT false,
  handover_reason text,
  -- the HandoverSummary given to the agent (knowledge.schema.ts)
  handover_summary jsonb,
  handed_over_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, conversation_id)
);

-- The article each bot reply cited: "asked again after this article" means it did not help.
CREATE TABLE bot_answers (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  message_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  article_id uuid NOT NULL,
  confidence real NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, message_id)
);
CREATE INDEX bot_answers_conversation ON bot_answers (workspace_id, conversation_id);

-- A workspace's own sentiment model (serializeModel JSON), used instead of the shipped one while
-- it exists; deleting the row goes back to the default.
CREATE TABLE sentiment_models (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  model text NOT NULL,
  examples int NOT NULL,
  positives int NOT NULL,
  negatives int NOT NULL,
  -- k-fold accuracy of this model and of the default on the same examples
  evaluation jsonb NOT NULL,
  trained_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bot_settings','bot_conversations','bot_answers','sentiment_models'] LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pishkhan_app', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
