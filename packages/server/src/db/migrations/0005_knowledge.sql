-- Knowledge base (articles and their inverted index for BM25 search) and social listening
-- (brand keywords, mentions, spike alerts). Every table is keyed by workspace_id first (Citus, RLS).

CREATE TABLE knowledge_articles (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  language text NOT NULL CHECK (language IN ('fa','en')),
  tags text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
  -- the normalised, stemmed terms of title | tags | body (what search matches; readable for support)
  search_text text NOT NULL,
  -- weighted number of terms: BM25's document length
  term_count real NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
-- corpus statistics (N, average length) of the published articles without reading the rows
CREATE INDEX knowledge_articles_status ON knowledge_articles (workspace_id, status) INCLUDE (term_count);

-- One row per (term, article): the postings of an inverted index with the term's weighted
-- frequency. The article's length, status and language are copied in, so a search reads only
-- the postings of the question's terms; the rows are rewritten whenever the article changes.
CREATE TABLE knowledge_terms (
  workspace_id uuid NOT NULL,
  term text COLLATE "C" NOT NULL,
  article_id uuid NOT NULL,
  tf real NOT NULL,
  doc_len real NOT NULL,
  published boolean NOT NULL,
  language text NOT NULL,
  PRIMARY KEY (workspace_id, term, article_id)
);
CREATE INDEX knowledge_terms_article ON knowledge_terms (workspace_id, article_id);

CREATE TABLE listening_settings (
  workspace_id uuid NOT NULL,
  keywords text[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id)
);

-- Mentions as they came from the connector, once each (a connector's retry is not a second
-- mention); the spike detector counts these by hour.
CREATE TABLE listening_mentions (
  workspace_id uuid NOT NULL,
  network text NOT NULL,
  mention_id text COLLATE "C" NOT NULL,
  author_handle text NOT NULL,
  text text NOT NULL,
  url text,
  posted_at timestamptz NOT NULL,
  sentiment text NOT NULL CHECK (sentiment IN ('positive','negative','neutral')),
  sentiment_score real NOT NULL,
  keywords text[] NOT NULL DEFAULT '{}',
  customer_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, network, mention_id)
);
CREATE INDEX listening_mentions_posted ON listening_mentions (workspace_id, posted_at);

CREATE TABLE listening_alerts (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('negative-spike')),
  -- the first and the latest hour of the spike (one alert per episode, extended while it lasts)
  started_at timestamptz NOT NULL,
  last_bucket_at timestamptz NOT NULL,
  negative_mentions int NOT NULL,
  peak_hour_count int NOT NULL,
  baseline_mean real NOT NULL,
  baseline_std real NOT NULL,
  p_value double precision NOT NULL,
  sample_mentions jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX listening_alerts_last_bucket ON listening_alerts (workspace_id, last_bucket_at DESC);

GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_articles, knowledge_terms, listening_settings,
  listening_mentions, listening_alerts TO pishkhan_app;

ALTER TABLE knowledge_articles ENABLE ROW LEVEL SECURITY;
ALTER TABLE knowledge_articles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON knowledge_articles
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);

ALTER TABLE knowledge_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE knowledge_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON knowledge_terms
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);

ALTER TABLE listening_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE listening_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_settings
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);

ALTER TABLE listening_mentions ENABLE ROW LEVEL SECURITY;
ALTER TABLE listening_mentions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_mentions
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);

ALTER TABLE listening_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE listening_alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_alerts
  USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);
