-- Shoppers erased (their data gone, their receipts kept under anonymous_id): so that asking again answers the same.
CREATE TABLE erasures (
  shopper_id   text PRIMARY KEY,
  anonymous_id text NOT NULL,
  face_id      text NOT NULL,
  at           timestamptz NOT NULL
);
