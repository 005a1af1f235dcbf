-- Insights: the latest CLV fit of a workspace and each customer's figures from it.
CREATE TABLE clv_fits (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  calibration_end timestamptz NOT NULL,
  time_unit text NOT NULL,
  horizon_months int NOT NULL,
  monthly_discount_rate double precision NOT NULL,
  bgnbd jsonb NOT NULL,
  gamma_gamma jsonb NOT NULL,
  customers int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE customer_scores (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  customer_id uuid NOT NULL,
  fit_id uuid NOT NULL,
  clv double precision NOT NULL,
  expected_purchases double precision NOT NULL,
  expected_average_spend double precision NOT NULL,
  probability_alive double precision NOT NULL,
  fitted_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, customer_id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['clv_fits','customer_scores'] LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pishkhan_app', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
