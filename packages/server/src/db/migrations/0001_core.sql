-- Customer data core: workspaces, users, tokens, sources, customers, identities, merges,
-- accounts and the event log. Every table carries workspace_id and is keyed by it first, so it
-- can be distributed by workspace (Citus) and row-level security can isolate tenants.

CREATE TABLE workspaces (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  is_demo boolean NOT NULL DEFAULT false,
  identity_rules jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  email text NOT NULL,
  name text,
  password_hash text,
  role text NOT NULL CHECK (role IN ('owner','admin','agent','supervisor','marketer','seller','analyst','partner')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
-- One sign-in per e-mail on an instance, so sign-in needs no workspace picker.
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE api_tokens (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('session','api')),
  name text,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE invitations (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  email text NOT NULL,
  role text NOT NULL,
  token_hash text NOT NULL,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX invitations_hash ON invitations (token_hash);

CREATE TABLE sources (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  name text NOT NULL,
  channel text NOT NULL DEFAULT 'web',
  write_key_hash text NOT NULL,
  trait_priority int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX sources_write_key ON sources (write_key_hash);

CREATE TABLE customers (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person','organization')),
  traits jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- per trait: when it was set, by which source, with which priority (the conflict rule reads it)
  trait_meta jsonb NOT NULL DEFAULT '{}'::jsonb,
  merged_into uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX customers_merged_into ON customers (workspace_id, merged_into) WHERE merged_into IS NOT NULL;

-- Identities always point at the live (surviving) customer: a merge moves them.
CREATE TABLE identities (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  type text NOT NULL,
  value text NOT NULL,
  customer_id uuid NOT NULL,
  first_message_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, type, value)
);
CREATE INDEX identities_customer ON identities (workspace_id, customer_id);

CREATE TABLE merges (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  winner_id uuid NOT NULL,
  loser_id uuid NOT NULL,
  reason text NOT NULL,
  message_id text,
  -- what the merge changed, so it can be undone exactly
  absorbed_ids uuid[] NOT NULL,
  moved_identities jsonb NOT NULL,
  loser_traits jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  undone_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX merges_customer ON merges (workspace_id, winner_id, created_at DESC);

CREATE TABLE accounts (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  group_id text NOT NULL,
  name text,
  kind text NOT NULL DEFAULT 'b2b' CHECK (kind IN ('b2b','b2g')),
  tier text NOT NULL DEFAULT 'small' CHECK (tier IN ('small','mid','key')),
  owner_user_id uuid,
  traits jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX accounts_group ON accounts (workspace_id, group_id);

CREATE TABLE account_members (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  account_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  roles text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, account_id, customer_id)
);
CREATE INDEX account_members_customer ON account_members (workspace_id, customer_id);

-- The event log: append-only. customer_id follows merges; origin_customer_id never changes, so
-- a merge can be undone. Keyed by messageId (the idempotency key); first and last seen of a
-- customer are read from the timeline index rather than updated on every event.
CREATE TABLE events (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  message_id text NOT NULL,
  customer_id uuid NOT NULL,
  origin_customer_id uuid NOT NULL,
  source_id uuid,
  type text NOT NULL,
  event text,
  channel text NOT NULL,
  ts timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  sent_at timestamptz,
  user_id text,
  anonymous_id text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  integrations jsonb,
  PRIMARY KEY (workspace_id, message_id)
);
-- The timeline: newest first, cursor on (ts, id). Plain DESC (NULLS FIRST) so ORDER BY ts DESC uses it.
CREATE INDEX events_timeline ON events (workspace_id, customer_id, ts DESC, id DESC);
