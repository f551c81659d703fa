-- Corrections beside receipts (ReceiptAdjustment), never rewrites of them: rows are only ever inserted, one per
-- idempotency key.
CREATE TABLE receipt_adjustments (
  adjustment_id   text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  receipt_id      text NOT NULL REFERENCES receipts (receipt_id),
  at              timestamptz NOT NULL,
  body            bytea NOT NULL          -- ReceiptAdjustment
);
CREATE INDEX receipt_adjustments_by_receipt ON receipt_adjustments (receipt_id, at);

-- A visit's events, for the confidence of its receipt's lines and the charge a dispute names.
CREATE INDEX cart_events_by_visit ON cart_events (visit_id);
