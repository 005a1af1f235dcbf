-- Omnichannel service desk: inboxes (one per channel account), conversations and messages,
-- notes, notifications, routing, SLA, surveys, the raw webhook store, dead letters, the durable
-- job queue and the agents' live feed. Every table is keyed by workspace_id first (Citus, RLS).

CREATE TABLE inboxes (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  channel text NOT NULL,
  name text NOT NULL,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- shared with the provider (Telegram secret token, API channel HMAC key); also signs web chat sessions
  webhook_secret text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
  disabled_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
-- Webhooks arrive with only the inbox id: one global look-up finds its workspace.
CREATE UNIQUE INDEX inboxes_id ON inboxes (id);

CREATE TABLE teams (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  name text NOT NULL,
  department text NOT NULL DEFAULT 'service',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE team_members (
  workspace_id uuid NOT NULL,
  team_id uuid NOT NULL,
  user_id uuid NOT NULL,
  PRIMARY KEY (workspace_id, team_id, user_id)
);

-- Per agent: how many open conversations they take, whether they take new ones, what they speak.
CREATE TABLE agent_settings (
  workspace_id uuid NOT NULL,
  user_id uuid NOT NULL,
  capacity int NOT NULL DEFAULT 10 CHECK (capacity >= 0),
  available boolean NOT NULL DEFAULT true,
  languages text[] NOT NULL DEFAULT '{}',
  last_assigned_at timestamptz,
  -- the PBX extension, so a ringing call pops the caller's profile on this agent's screen
  extension text,
  PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE desk_settings (
  workspace_id uuid NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id)
);

CREATE TABLE custom_statuses (
  workspace_id uuid NOT NULL,
  key text NOT NULL,
  label text NOT NULL,
  -- which built-in status it behaves as (clocks, capacity, surveys)
  category text NOT NULL CHECK (category IN ('open','pending','snoozed','resolved')),
  PRIMARY KEY (workspace_id, key)
);

CREATE TABLE sla_policies (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  name text NOT NULL,
  position int NOT NULL DEFAULT 0,
  conditions jsonb NOT NULL DEFAULT '{}'::jsonb,
  first_response_minutes int,
  next_response_minutes int,
  resolution_minutes int,
  warn_before_minutes int NOT NULL DEFAULT 15,
  business_hours boolean NOT NULL DEFAULT true,
  escalate_team_id uuid,
  escalate_user_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE routing_rules (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  name text NOT NULL,
  position int NOT NULL DEFAULT 0,
  enabled boolean NOT NULL DEFAULT true,
  conditions jsonb NOT NULL DEFAULT '{}'::jsonb,
  actions jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE conversations (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  customer_id uuid NOT NULL,
  -- where it started, and where the customer last wrote (replies go there)
  inbox_id uuid NOT NULL,
  reply_inbox_id uuid NOT NULL,
  thread_key text NOT NULL,
  status text NOT NULL DEFAULT 'open',
  custom_status text,
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),
  assignee_id uuid,
  team_id uuid,
  labels text[] NOT NULL DEFAULT '{}',
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  subject text,
  language text,
  snoozed_until timestamptz,
  handover_summary text,
  merged_into uuid,
  public_post jsonb,
  -- the customer's address on the reply channel (the sender of their last message)
  reply_to jsonb,
  last_customer_message_at timestamptz,
  first_response_at timestamptz,
  last_agent_reply_at timestamptz,
  waiting_since timestamptz,
  resolved_at timestamptz,
  reopened_count int NOT NULL DEFAULT 0,
  handled_by_bot boolean NOT NULL DEFAULT false,
  sla_policy_id uuid,
  sla_first_response_due timestamptz,
  sla_next_response_due timestamptz,
  sla_resolution_due timestamptz,
  sla_warned text[] NOT NULL DEFAULT '{}',
  sla_breached text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX conversations_customer ON conversations (workspace_id, customer_id, updated_at DESC);
CREATE INDEX conversations_status ON conversations (workspace_id, status, updated_at DESC);
CREATE INDEX conversations_thread ON conversations (workspace_id, reply_inbox_id, thread_key);
CREATE INDEX conversations_assignee ON conversations (workspace_id, assignee_id) WHERE resolved_at IS NULL;

CREATE TABLE messages (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  inbox_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound','outbound','internal')),
  sender_type text NOT NULL CHECK (sender_type IN ('customer','agent','bot','system')),
  sender_id uuid,
  private boolean NOT NULL DEFAULT false,
  body text NOT NULL,
  html text,
  subject text,
  attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
  provider_message_id text,
  in_reply_to text,
  status text NOT NULL CHECK (status IN ('received','scheduled','queued','sent','delivered','read','failed')),
  error text,
  send_at timestamptz,
  mentions uuid[] NOT NULL DEFAULT '{}',
  -- Persian-normalised words for search (ي/ی, ك/ک, digits, ZWNJ)
  search_text text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX messages_conversation ON messages (workspace_id, conversation_id, created_at, id);
-- A replayed provider message is stored once.
CREATE UNIQUE INDEX messages_provider_id ON messages (workspace_id, inbox_id, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_scheduled ON messages (workspace_id, send_at) WHERE status = 'scheduled';
CREATE INDEX messages_search ON messages USING gin (to_tsvector('simple', search_text));

CREATE TABLE conversation_links (
  workspace_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  linked_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('related','merged','split_from')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, conversation_id, linked_id)
);

CREATE TABLE transfers (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  from_user_id uuid,
  to_user_id uuid,
  to_team_id uuid,
  summary text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE notifications (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  kind text NOT NULL,
  conversation_id uuid,
  message_id uuid,
  body text NOT NULL,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX notifications_user ON notifications (workspace_id, user_id, created_at DESC);

CREATE TABLE canned_responses (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  short_code text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX canned_responses_code ON canned_responses (workspace_id, short_code);

CREATE TABLE macros (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  name text NOT NULL,
  actions jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE surveys (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('csat','nps','ces')),
  channel text NOT NULL,
  score int,
  comment text,
  sent_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX surveys_conversation ON surveys (workspace_id, conversation_id);

-- Provider requests exactly as they arrived (parsed later by a job), and what could not be parsed.
CREATE TABLE webhook_requests (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  inbox_id uuid NOT NULL,
  method text NOT NULL,
  url text NOT NULL,
  headers jsonb NOT NULL,
  query jsonb NOT NULL,
  body bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE dead_letters (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  inbox_id uuid NOT NULL,
  webhook_request_id uuid,
  reason text NOT NULL,
  body text NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

-- The durable job queue (see docs/service-desk.md for why not pg-boss): enqueued in the
-- transaction of the change, claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 6,
  locked_until timestamptz,
  last_error text,
  idempotency_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status IN ('queued','running');
CREATE UNIQUE INDEX jobs_idempotency ON jobs (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- What agents' consoles are told (new message, assignment, notification…), kept so a
-- reconnecting console replays what it missed from its cursor (a UUIDv7 id).
CREATE TABLE agent_feed (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  user_id uuid,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['inboxes','teams','team_members','agent_settings','desk_settings','custom_statuses',
    'sla_policies','routing_rules','conversations','messages','conversation_links','transfers','notifications',
    'canned_responses','macros','surveys','webhook_requests','dead_letters','jobs','agent_feed'] LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pishkhan_app', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
