-- Trait conflicts are settled by the statement that writes a profile, so ingest never reads a
-- profile to update it: a group of known customers' events then needs no round trip before the
-- one that appends them and commits (docs/benchmarks.md, "Ingest", fifteenth session).

-- The rule (docs/identity.md, "Trait conflicts"): for each trait, the higher source priority
-- wins; at equal priority the most recent value by event time. The same value again is no change
-- (its time stays when it was first set). Each trait keeps when, at which priority and by which
-- source it was set. `changes`: [[trait, value, at (ISO text), priority, source], …] in order.
-- Times compare as text (COLLATE "C"): every `at` is an ISO time in UTC, as the hub writes it.
CREATE FUNCTION fold_traits(traits jsonb, meta jsonb, changes jsonb, OUT traits_after jsonb, OUT meta_after jsonb)
  LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  change jsonb;
  trait text;
  previous jsonb;
  priority int;
BEGIN
  traits_after := coalesce(traits, '{}');
  meta_after := coalesce(meta, '{}');
  FOR change IN SELECT value FROM jsonb_array_elements(changes) LOOP
    trait := change->>0;
    previous := meta_after->trait;
    priority := (change->>3)::int;
    CONTINUE WHEN previous IS NOT NULL AND (
      priority < coalesce((previous->>'priority')::int, 0)
      OR (priority = coalesce((previous->>'priority')::int, 0)
          AND (change->>2) COLLATE "C" < (previous->>'at') COLLATE "C"));
    CONTINUE WHEN traits_after ? trait AND traits_after->trait = change->1;
    traits_after := traits_after || jsonb_build_object(trait, change->1);
    meta_after := meta_after
      || jsonb_build_object(trait, jsonb_build_object('at', change->>2, 'priority', priority, 'source', change->4));
  END LOOP;
END $$;

-- Folds changes into the workspace's profiles, in order: `changes` is [{id, traits: [change, …]}
-- | {id, from: <merged profile>}, …]. A merged profile's traits come in with their own times,
-- priorities and sources. A profile is written (and locked) only when a trait changes; the
-- UPDATE folds the row it locks, so a profile written meanwhile by another transaction is folded
-- as it is now. A `kind` trait of person/organization also sets the profile's kind.
CREATE FUNCTION fold_profile_traits(ws uuid, changes jsonb) RETURNS void
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  change jsonb;
  profile uuid;
  incoming jsonb;
BEGIN
  FOR change IN SELECT value FROM jsonb_array_elements(changes) LOOP
    profile := (change->>'id')::uuid;
    IF change ? 'from' THEN
      SELECT coalesce(jsonb_agg(jsonb_build_array(t.key, t.value,
               coalesce(m.trait_meta->t.key->>'at', '1970-01-01T00:00:00.000Z'),
               coalesce((m.trait_meta->t.key->>'priority')::int, 0),
               m.trait_meta->t.key->'source')), '[]')
        INTO incoming
        FROM customers m CROSS JOIN LATERAL jsonb_each(m.traits) t
        WHERE m.workspace_id = ws AND m.id = (change->>'from')::uuid;
    ELSE
      incoming := change->'traits';
    END IF;
    UPDATE customers c SET (traits, trait_meta, kind) = (
        SELECT f.traits_after, f.meta_after,
          CASE WHEN f.traits_after->>'kind' IN ('person', 'organization') THEN f.traits_after->>'kind' ELSE c.kind END
        FROM fold_traits(c.traits, c.trait_meta, incoming) f),
      updated_at = now()
      WHERE c.workspace_id = ws AND c.id = profile
        AND (SELECT f.traits_after FROM fold_traits(c.traits, c.trait_meta, incoming) f) IS DISTINCT FROM c.traits;
  END LOOP;
END $$;

-- Ingest keeps each workspace's identity rules with the customers of identifiers it knows (both
-- read under one epoch), so the rules' change bumps the epoch too.
-- A group of known customers' events asserts, under the identity lock, that nothing it knows has
-- changed since: else it fails as a serialization failure, and ingest writes it again, reading.
CREATE FUNCTION assert_identity_epoch(ws uuid, known bigint) RETURNS void
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM workspaces WHERE id = ws AND identity_epoch = known) THEN
    RAISE EXCEPTION 'the workspace''s identities changed since they were read (epoch %)', known
      USING ERRCODE = 'serialization_failure';
  END IF;
END $$;
