-- A chain's stores. Items, devices, visits and alerts belong to one (a column, as they are listed or checked by
-- store); shelf rows, receipts and reviews say theirs in `body`. Shoppers belong to the chain. Everything
-- recorded before stores existed is the default store's.
CREATE TABLE stores (
  store_id   text PRIMARY KEY CHECK (store_id ~ '^[a-z0-9-]{1,40}$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO stores VALUES ('default', 'Default store', now());

ALTER TABLE items ADD COLUMN store_id text NOT NULL DEFAULT 'default' REFERENCES stores (store_id);
ALTER TABLE devices ADD COLUMN store_id text NOT NULL DEFAULT 'default' REFERENCES stores (store_id);
ALTER TABLE visits ADD COLUMN store_id text NOT NULL DEFAULT 'default' REFERENCES stores (store_id);
ALTER TABLE alerts ADD COLUMN store_id text NOT NULL DEFAULT 'default';
CREATE INDEX alerts_by_store ON alerts (store_id, at DESC);
