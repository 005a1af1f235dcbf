-- The desk's hot path at 200 messages a second (docs/benchmarks.md, "Service desk fan-out").

-- Automatic assignment (inbox/routing.ts, pickAgent) in one round trip: the agents who take a new
-- conversation are walked in turn order from an index, and only the one who gets it is locked and
-- written — instead of every agent of the workspace read, sorted and twenty of them locked (2.4 ms
-- for 500 agents, then a second statement, on every new conversation).
CREATE INDEX agent_settings_turn ON agent_settings (workspace_id, last_assigned_at NULLS FIRST, user_id);

-- The agent who takes a new conversation of this team (no team: agents and supervisors) in this
-- language, or NULL when nobody has room:
--  * round robin: the one assigned longest ago with room. A candidate is locked with SKIP LOCKED
--    (conversations arriving together take the next agents in line instead of waiting) and only
--    while their turn is still the one read (else someone just took it); their load is counted
--    after the lock, so conversations assigned by whoever held it are seen.
--  * by capacity: the lowest share of capacity in use, ties to the one assigned longest ago;
--    assignments of the workspace take turns (one advisory lock), as every load is compared.
-- Each candidate's user is read by its primary key (a join left to the planner scanned every user
-- once per agent while the tables had no statistics: 28 ms for 500 agents). Without statistics
-- (PGlite never gathers them; a server may not have yet) the planner also guesses a workspace has
-- a handful of agents and sorts them all rather than walk the index: the function's settings
-- leave it only the walk. PL/pgSQL keeps its plans for the session.
CREATE FUNCTION assign_agent(ws uuid, team uuid, lang text, by_capacity boolean) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SET enable_sort = off SET enable_bitmapscan = off AS $$
DECLARE
  c record;
  load int;
  best uuid;
  best_share float8;
BEGIN
  IF by_capacity THEN
    PERFORM pg_advisory_xact_lock(hashtext('assign:' || ws::text));
  END IF;
  FOR c IN
    SELECT s.user_id, s.capacity, s.last_assigned_at FROM agent_settings s
      CROSS JOIN LATERAL (SELECT us.role FROM users us WHERE us.workspace_id = s.workspace_id AND us.id = s.user_id LIMIT 1) u
    WHERE s.workspace_id = ws AND s.available AND s.capacity > 0
      AND (cardinality(s.languages) = 0 OR lang = ANY(s.languages))
      AND CASE WHEN team IS NULL THEN u.role IN ('agent', 'supervisor')
               ELSE EXISTS (SELECT 1 FROM team_members m
                            WHERE m.workspace_id = s.workspace_id AND m.team_id = team AND m.user_id = s.user_id) END
    ORDER BY s.last_assigned_at NULLS FIRST, s.user_id
  LOOP
    IF NOT by_capacity THEN
      PERFORM 1 FROM agent_settings a WHERE a.workspace_id = ws AND a.user_id = c.user_id
        AND a.last_assigned_at IS NOT DISTINCT FROM c.last_assigned_at FOR UPDATE SKIP LOCKED;
      CONTINUE WHEN NOT FOUND;
    END IF;
    SELECT count(*) INTO load FROM conversations v
      WHERE v.workspace_id = ws AND v.assignee_id = c.user_id AND v.resolved_at IS NULL AND v.merged_into IS NULL;
    CONTINUE WHEN load >= c.capacity;
    IF NOT by_capacity THEN
      best := c.user_id;
      EXIT;
    END IF;
    IF best IS NULL OR load::float8 / c.capacity < best_share THEN
      best := c.user_id;
      best_share := load::float8 / c.capacity;
    END IF;
  END LOOP;
  IF best IS NOT NULL THEN
    UPDATE agent_settings SET last_assigned_at = clock_timestamp() WHERE workspace_id = ws AND user_id = best;
  END IF;
  RETURN best;
END $$;

-- Done marks of a batch of jobs (jobs/done-batch.ts), each by its primary key. Joined to
-- unnest() in one UPDATE, the plan kept for a prepared statement scanned the whole table — made
-- while the table was small, and kept while it grew (0.5 ms a batch at 600 jobs, more as jobs
-- accumulate). PL/pgSQL's plan for the single-row update is a primary-key probe at any size.
CREATE FUNCTION finish_jobs(ws uuid[], ids uuid[]) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
    UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL
    WHERE workspace_id = ws[i] AND id = ids[i];
  END LOOP;
END $$;
