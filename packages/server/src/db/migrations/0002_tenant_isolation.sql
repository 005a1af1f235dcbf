-- Row-level security: request transactions run as pishkhan_app with app.workspace_id set, and
-- every tenant table only shows and accepts rows of that workspace. FORCE applies it to the
-- tables' owner too; only a superuser or BYPASSRLS role (the hub's own connection) skips it.
DO $$ BEGIN
  CREATE ROLE pishkhan_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

GRANT USAGE ON SCHEMA public TO pishkhan_app;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users','api_tokens','invitations','sources','customers','identities','merges','accounts','account_members','events'] LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pishkhan_app', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;

GRANT SELECT, UPDATE ON workspaces TO pishkhan_app;
ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workspaces
  USING (id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.workspace_id', true), '')::uuid);
