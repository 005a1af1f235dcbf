-- The service desk at 200 messages a second (docs/benchmarks.md, "Service desk fan-out").
--
-- Retention of finished work (jobs/retention.ts): done and failed jobs, and processed webhook
-- requests, are deleted in small batches once older than the retention. These indexes let each
-- batch find its oldest rows without scanning the tables. The webhook requests' index is on
-- received_at, set once at insert, so marking a request processed stays a HOT update.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('done','failed');
CREATE INDEX webhook_requests_received ON webhook_requests (received_at);

-- Every user who can take conversations has an agent_settings row (the defaults), written when
-- the user is added or given such a role, so routing can lock candidates row by row without
-- first looking for agents that lack one (it used to, on every new conversation).
CREATE FUNCTION agent_settings_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.role IN ('agent', 'supervisor', 'admin', 'owner') THEN
    INSERT INTO agent_settings (workspace_id, user_id) VALUES (NEW.workspace_id, NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_agent_settings AFTER INSERT OR UPDATE OF role ON users
  FOR EACH ROW EXECUTE FUNCTION agent_settings_defaults();
INSERT INTO agent_settings (workspace_id, user_id)
  SELECT workspace_id, id FROM users WHERE role IN ('agent', 'supervisor', 'admin', 'owner')
  ON CONFLICT DO NOTHING;
