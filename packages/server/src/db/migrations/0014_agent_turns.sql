-- Automatic assignment (inbox/routing.ts, pickAgent): the agents who take a new conversation,
-- in turn order, walked from an index and locked as they are read — instead of every agent of
-- the workspace read, sorted and then locked (2.4 ms for 500 agents, on every new conversation).
CREATE INDEX agent_settings_turn ON agent_settings (workspace_id, last_assigned_at NULLS FIRST, user_id);

-- The first `n` agents (all when n is NULL) who take conversations of this team (no team: agents
-- and supervisors) in this language, the one assigned longest ago first; locked with SKIP LOCKED
-- so conversations arriving together take the next agents in line instead of waiting. Each
-- candidate's user is read by its primary key (a join left to the planner scanned every user once
-- per agent while the tables had no statistics: 28 ms for 500 agents). Without statistics
-- (PGlite never gathers them; a server may not have yet) the planner also guesses a workspace has
-- a handful of agents and sorts them all rather than walk the index: the function's settings
-- leave it only the walk.
CREATE FUNCTION agents_in_turn(ws uuid, team uuid, lang text, n int)
  RETURNS TABLE (user_id uuid, capacity int)
  LANGUAGE sql VOLATILE
  SET enable_sort = off SET enable_bitmapscan = off SET plan_cache_mode = force_custom_plan AS $$
  SELECT s.user_id, s.capacity FROM agent_settings s
    CROSS JOIN LATERAL (SELECT role FROM users WHERE workspace_id = s.workspace_id AND id = s.user_id LIMIT 1) u
  WHERE s.workspace_id = ws AND s.available AND s.capacity > 0
    AND (cardinality(s.languages) = 0 OR lang = ANY(s.languages))
    AND CASE WHEN team IS NULL THEN u.role IN ('agent', 'supervisor')
             ELSE EXISTS (SELECT 1 FROM team_members m
                          WHERE m.workspace_id = s.workspace_id AND m.team_id = team AND m.user_id = s.user_id) END
  ORDER BY s.last_assigned_at NULLS FIRST, s.user_id
  LIMIT n
  FOR UPDATE OF s SKIP LOCKED
$$;
