-- What managers did: one row per action, written in the action's own transaction (AuditEntry).
CREATE TABLE audit_entries (
  entry_id text PRIMARY KEY,
  at       timestamptz NOT NULL,
  body     bytea NOT NULL                 -- AuditEntry
);
CREATE INDEX audit_entries_by_time ON audit_entries (at DESC);
