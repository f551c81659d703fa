-- Faces forgotten, who asked and when (AuditEntry), written in the forgetting's own transaction.
CREATE TABLE audit_entries (
  entry_id text PRIMARY KEY,
  at       timestamptz NOT NULL,
  body     bytea NOT NULL
);
CREATE INDEX audit_entries_by_time ON audit_entries (at DESC);
