-- Insights, customer value and retention: the latest churn-model fit and each customer's churn
-- probability from it, and the acquisition costs a workspace records per channel and campaign.
CREATE TABLE churn_fits (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  cutoff timestamptz NOT NULL,
  churn_window_days int NOT NULL,
  scored_at timestamptz NOT NULL,
  auc double precision NOT NULL,
  baseline_auc double precision NOT NULL,
  coefficients jsonb NOT NULL,
  customers int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE churn_scores (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  customer_id uuid NOT NULL,
  fit_id uuid NOT NULL,
  churn_probability double precision NOT NULL,
  fitted_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, customer_id)
);

CREATE TABLE acquisition_costs (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  channel text NOT NULL,
  campaign text,
  amount double precision NOT NULL,
  currency text NOT NULL,
  period_from timestamptz NOT NULL,
  period_to timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['churn_fits','churn_scores','acquisition_costs'] LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pishkhan_app', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
