-- E-mail: where each inbox's IMAP poll stopped, and the files of messages (inbound attachments
-- and the ones agents send), kept in the database with the message they belong to.

-- One row per e-mail inbox with an IMAP mailbox. The cursor (uid_validity, last_uid) is advanced
-- in the transaction that stores each mail, so a crash never loses or repeats one; lease_token /
-- locked_until is the claim that keeps two hub processes from polling one mailbox at once.
CREATE TABLE mail_poll_state (
  workspace_id uuid NOT NULL,
  inbox_id uuid NOT NULL,
  uid_validity text,
  last_uid bigint NOT NULL DEFAULT 0,
  next_poll_at timestamptz NOT NULL DEFAULT now(),
  lease_token uuid,
  locked_until timestamptz,
  failures int NOT NULL DEFAULT 0,
  last_error text,
  last_polled_at timestamptz,
  PRIMARY KEY (workspace_id, inbox_id)
);
CREATE INDEX mail_poll_state_due ON mail_poll_state (next_poll_at);

-- A message's files, by position (the n of GET …/messages/:id/attachments/:n); the metadata also
-- stays in messages.attachments, which lists them without loading the bytes.
CREATE TABLE message_attachments (
  workspace_id uuid NOT NULL,
  message_id uuid NOT NULL,
  position int NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  size int NOT NULL,
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, message_id, position)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['mail_poll_state','message_attachments'] LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pishkhan_app', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
