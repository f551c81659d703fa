-- The store of record. Each table keeps the columns that are looked up, locked, counted or constrained,
-- and `body`: the full ezshop.store.v1 protobuf message, so the API message is the record's schema and
-- grows by adding fields, like the API itself. Columns win over body where both hold a value (stock).

CREATE TABLE items (
  sku                 text PRIMARY KEY CHECK (sku <> ''),
  name                text NOT NULL,
  price_minor         bigint NOT NULL CHECK (price_minor >= 0),
  currency            char(3) NOT NULL,
  stock               bigint NOT NULL,
  image_url           text NOT NULL DEFAULT '',
  low_stock_threshold bigint NOT NULL DEFAULT 0,
  updated_at          timestamptz NOT NULL
);

CREATE TABLE shelf_rows (
  row_id     text PRIMARY KEY,
  sku        text NOT NULL REFERENCES items (sku),
  camera_ids text[] NOT NULL,
  body       bytea NOT NULL            -- ShelfRow: sensors and calibration
);

CREATE TABLE shelf_sensors (
  sensor_id text PRIMARY KEY,          -- a sensor measures one row
  row_id    text NOT NULL REFERENCES shelf_rows (row_id) ON DELETE CASCADE,
  device_id text NOT NULL
);

CREATE TABLE shoppers (
  shopper_id    text PRIMARY KEY,
  face_id       text NOT NULL UNIQUE,
  name          text NOT NULL,
  push_token    text NOT NULL,
  registered_at timestamptz NOT NULL
);

CREATE TABLE devices (
  device_id     text PRIMARY KEY,
  token_hash    bytea NOT NULL UNIQUE,  -- SHA-256 of the bearer token; the token itself is never stored
  kind          int NOT NULL,
  camera_role   int NOT NULL,
  registered_at timestamptz NOT NULL
);

CREATE TABLE visits (
  visit_id   text PRIMARY KEY,
  shopper_id text NOT NULL REFERENCES shoppers (shopper_id),
  entered_at timestamptz NOT NULL,
  exited_at  timestamptz,
  receipt_id text,
  cart_version bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX visits_one_open_per_shopper ON visits (shopper_id) WHERE exited_at IS NULL;

CREATE TABLE cart_lines (
  visit_id         text NOT NULL REFERENCES visits (visit_id),
  sku              text NOT NULL REFERENCES items (sku),
  quantity         int NOT NULL CHECK (quantity > 0),
  unit_price_minor bigint NOT NULL,      -- frozen at the first pick
  currency         char(3) NOT NULL,
  name             text NOT NULL,
  PRIMARY KEY (visit_id, sku)
);

CREATE TABLE cart_events (
  event_id        bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  shopper_id      text NOT NULL,
  visit_id        text,
  sku             text NOT NULL,
  quantity_delta  int NOT NULL CHECK (quantity_delta <> 0),
  refused         boolean NOT NULL,       -- a put-back of an item not held: recorded, queued for review, not applied
  body            bytea NOT NULL          -- CartEvent, with its attribution
);

CREATE TABLE receipts (
  receipt_id text PRIMARY KEY,
  visit_id   text NOT NULL UNIQUE REFERENCES visits (visit_id),
  shopper_id text NOT NULL REFERENCES shoppers (shopper_id),
  issued_at  timestamptz NOT NULL,
  body       bytea NOT NULL               -- Receipt: lines, corrections, total, notification state
);
CREATE INDEX receipts_by_shopper ON receipts (shopper_id, issued_at DESC);

CREATE TABLE reviews (
  review_id  text PRIMARY KEY,
  state      int NOT NULL,
  created_at timestamptz NOT NULL,
  body       bytea NOT NULL               -- Review: reason, the shelf event, its attribution
);

CREATE TABLE alerts (
  alert_id text PRIMARY KEY,
  at       timestamptz NOT NULL,
  body     bytea NOT NULL                 -- Alert
);
CREATE INDEX alerts_by_time ON alerts (at DESC);

CREATE TABLE stock_adjustments (
  idempotency_key text PRIMARY KEY,
  sku             text NOT NULL REFERENCES items (sku),
  delta           bigint NOT NULL,
  reason          text NOT NULL,
  at              timestamptz NOT NULL
);

-- The change feed: every committed change, in commit order; NOTIFY carries only the id, watchers read here.
CREATE TABLE store_events (
  event_id bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  body     bytea NOT NULL                 -- StoreEvent
);
