-- Identity resolution keeps, per process, the customers of identifiers it has read (identity/
-- known-identifiers.ts). An identifier's customer changes only by a merge or its undoing; each
-- bumps its workspace's epoch in the same transaction, and a process that reads a new epoch
-- forgets what it knew of that workspace.
ALTER TABLE workspaces ADD COLUMN identity_epoch bigint NOT NULL DEFAULT 0;
