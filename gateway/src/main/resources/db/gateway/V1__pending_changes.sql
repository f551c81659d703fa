-- Shelf changes accepted but not yet decided, each with the sightings that may decide it (PendingChanges' encoding).
CREATE TABLE gateway.pending_changes (
  key     text PRIMARY KEY,
  body    bytea NOT NULL,
  kept_at timestamptz NOT NULL DEFAULT now()
);
