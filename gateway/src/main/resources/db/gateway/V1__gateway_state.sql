-- What the gateway keeps across restarts, by area: "pending" (shelf changes waiting for their decision, with the
-- sightings that may decide them) and "levels" (each sensor's row level as of its last change).
CREATE TABLE gateway.state (
  area    text NOT NULL,
  key     text NOT NULL,
  body    bytea NOT NULL,
  kept_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (area, key)
);
